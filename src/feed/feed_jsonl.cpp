// `newsdesk feed parse` output: what newsdesk reads from a feed, as JSON lines.
#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "feed/feed.hpp"

namespace newsdesk::feed {
namespace {

nlohmann::ordered_json date_json(const std::optional<core::TimePoint>& t, const std::optional<int>& offset) {
  if (!t) return nullptr;
  return offset && *offset != 0 ? core::format_rfc3339(*t, *offset) : core::format_rfc3339(*t);
}

}  // namespace

std::string feed_to_jsonl(const Feed& feed) {
  nlohmann::ordered_json head = {
      {"title", feed.title},
      {"link", feed.link},
      {"format", to_string(feed.format)},
      {"language", feed.language},
      {"ttl", feed.ttl_minutes ? nlohmann::ordered_json(*feed.ttl_minutes) : nlohmann::ordered_json(nullptr)},
      {"hub", feed.hub},
      {"self", feed.self},
      {"skip_hours", feed.skip_hours},
      {"skip_days", feed.skip_days},
      {"entries", feed.entries.size()},
  };
  if (feed.format == Format::kSitemapIndex) head["sitemaps"] = feed.sitemaps;
  // Invalid UTF-8 cannot reach here (the parser decodes to UTF-8), but a
  // replacement character is better than an exception if it ever does.
  constexpr auto kReplace = nlohmann::ordered_json::error_handler_t::replace;
  std::string out = nlohmann::ordered_json{{"feed", head}}.dump(-1, ' ', false, kReplace) + "\n";
  for (const auto& e : feed.entries) {
    nlohmann::ordered_json enclosures = nlohmann::ordered_json::array();
    for (const auto& enc : e.enclosures) {
      enclosures.push_back({{"url", enc.url}, {"type", enc.type},
                            {"length", enc.length ? nlohmann::ordered_json(*enc.length) : nlohmann::ordered_json(nullptr)}});
    }
    nlohmann::ordered_json line = {
        {"id", e.guid},
        {"url", e.url},
        {"title", e.title},
        {"summary", e.summary},
        {"content", e.content},
        {"authors", e.authors},
        {"published", date_json(e.published, e.published_offset)},
        {"updated", date_json(e.updated, e.updated_offset)},
        {"categories", e.categories},
        {"image", e.image},
        {"enclosures", enclosures},
    };
    out += line.dump(-1, ' ', false, kReplace) + "\n";
  }
  return out;
}

}  // namespace newsdesk::feed
