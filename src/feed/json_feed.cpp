#include "feed/json_feed.hpp"

#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "feed/plain_title.hpp"

namespace newsdesk::feed {
namespace {

std::string text_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

core::Result<Feed> parse_json_feed(std::string_view body, std::string_view base_url) {
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return core::fail(core::ErrorCode::kInvalidInput, "not valid JSON");
  }
  if (text_of(doc, "version").find("jsonfeed.org") == std::string::npos) {
    return core::fail(core::ErrorCode::kInvalidInput, "JSON without a jsonfeed.org version: not a JSON Feed");
  }
  Feed feed;
  feed.format = Format::kJsonFeed;
  feed.title = core::collapse_whitespace(text_of(doc, "title"));
  feed.link = core::resolve_url(base_url, text_of(doc, "home_page_url"));
  feed.self = core::resolve_url(base_url, text_of(doc, "feed_url"));
  feed.language = text_of(doc, "language");
  if (auto hubs = doc.find("hubs"); hubs != doc.end() && hubs->is_array()) {
    for (const auto& h : *hubs) {
      if (h.is_object() && !text_of(h, "url").empty()) {
        feed.hub = core::resolve_url(base_url, text_of(h, "url"));
        break;
      }
    }
  }
  // 1.1 "authors" (a list), 1.0 "author" (one); the feed's apply to items without their own.
  auto authors_of = [](const nlohmann::json& j) {
    std::vector<std::string> out;
    auto add = [&](const nlohmann::json& a) {
      if (!a.is_object()) return;
      std::string name = core::collapse_whitespace(text_of(a, "name"));
      if (!name.empty()) out.push_back(name);
    };
    if (auto a = j.find("authors"); a != j.end() && a->is_array()) {
      for (const auto& one : *a) add(one);
    } else if (auto a1 = j.find("author"); a1 != j.end()) {
      add(*a1);
    }
    return out;
  };
  const std::vector<std::string> feed_authors = authors_of(doc);
  auto items = doc.find("items");
  if (items == doc.end() || !items->is_array()) {
    feed.warnings.push_back("no items array");
    return feed;
  }
  std::unordered_set<std::string> seen;
  size_t n = 0;
  for (const auto& item : *items) {
    ++n;
    if (!item.is_object()) {
      feed.warnings.push_back(fmt::format("item {}: not an object; dropped", n));
      continue;
    }
    core::FeedEntry e;
    if (auto id = item.find("id"); id != item.end() && !id->is_null()) {
      e.guid = id->is_string() ? id->get<std::string>() : id->dump();  // 1.0 allowed numbers
    }
    e.url = core::resolve_url(base_url, text_of(item, "url"));
    if (e.url.empty()) e.url = core::resolve_url(base_url, text_of(item, "external_url"));
    if (e.guid.empty()) e.guid = e.url;
    if (e.guid.empty()) {
      feed.warnings.push_back(fmt::format("item {}: no id and no url; dropped", n));
      continue;
    }
    if (!seen.insert(e.guid).second) {
      feed.warnings.push_back(fmt::format("item {}: duplicate id '{}'; dropped", n, e.guid));
      continue;
    }
    e.title = plain_title(text_of(item, "title"));
    e.summary = text_of(item, "summary");
    e.content = text_of(item, "content_html");
    if (e.content.empty()) e.content = text_of(item, "content_text");
    e.image = core::resolve_url(base_url, text_of(item, "image"));
    if (e.image.empty()) e.image = core::resolve_url(base_url, text_of(item, "banner_image"));
    for (const char* key : {"date_published", "date_modified"}) {
      std::string when = text_of(item, key);
      if (when.empty()) continue;
      auto z = core::parse_zoned(when);
      if (!z) {
        feed.warnings.push_back(fmt::format("item {}: unreadable {} '{}'", n, key, when));
        continue;
      }
      bool published = std::string_view(key) == "date_published";
      (published ? e.published : e.updated) = z->utc;
      (published ? e.published_offset : e.updated_offset) = z->offset_minutes;
    }
    if (!e.published) {
      e.published = e.updated;
      e.published_offset = e.updated_offset;
    }
    e.authors = authors_of(item);
    if (e.authors.empty()) e.authors = feed_authors;
    if (auto tags = item.find("tags"); tags != item.end() && tags->is_array()) {
      for (const auto& t : *tags) {
        if (t.is_string()) e.categories.push_back(t.get<std::string>());
      }
    }
    if (auto att = item.find("attachments"); att != item.end() && att->is_array()) {
      for (const auto& a : *att) {
        if (!a.is_object() || text_of(a, "url").empty()) continue;
        core::Enclosure enc;
        enc.url = core::resolve_url(base_url, text_of(a, "url"));
        enc.type = text_of(a, "mime_type");
        if (auto size = a.find("size_in_bytes"); size != a.end() && size->is_number_integer()) {
          enc.length = size->get<long long>();
        }
        e.enclosures.push_back(std::move(enc));
      }
    }
    feed.entries.push_back(std::move(e));
  }
  return feed;
}

}  // namespace newsdesk::feed
