#include "feed/json_feed.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "core/url.hpp"

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
  feed.title = text_of(doc, "title");
  feed.link = core::resolve_url(base_url, text_of(doc, "home_page_url"));
  feed.language = text_of(doc, "language");
  auto items = doc.find("items");
  if (items == doc.end() || !items->is_array()) {
    feed.warnings.push_back("no items array");
    return feed;
  }
  size_t n = 0;
  for (const auto& item : *items) {
    ++n;
    if (!item.is_object()) {
      feed.warnings.push_back(fmt::format("item {}: not an object; dropped", n));
      continue;
    }
    core::FeedEntry e;
    if (auto id = item.find("id"); id != item.end()) {
      e.guid = id->is_string() ? id->get<std::string>() : id->dump();  // 1.0 allowed numbers
    }
    e.url = core::resolve_url(base_url, text_of(item, "url"));
    if (e.url.empty()) e.url = core::resolve_url(base_url, text_of(item, "external_url"));
    if (e.guid.empty()) e.guid = e.url;
    if (e.guid.empty()) {
      feed.warnings.push_back(fmt::format("item {}: no id and no url; dropped", n));
      continue;
    }
    e.title = core::collapse_whitespace(text_of(item, "title"));
    e.summary = text_of(item, "summary");
    e.content = text_of(item, "content_html");
    if (e.content.empty()) e.content = text_of(item, "content_text");
    e.image = core::resolve_url(base_url, text_of(item, "image"));
    for (const char* key : {"date_published", "date_modified"}) {
      std::string when = text_of(item, key);
      if (when.empty()) continue;
      auto t = core::parse_rfc3339(when);
      if (!t) feed.warnings.push_back(fmt::format("item {}: unreadable {} '{}'", n, key, when));
      (std::string_view(key) == "date_published" ? e.published : e.updated) = t;
    }
    if (!e.published) e.published = e.updated;
    auto add_author = [&](const nlohmann::json& a) {
      if (a.is_object()) {
        std::string name = text_of(a, "name");
        if (!name.empty()) e.authors.push_back(name);
      }
    };
    if (auto a = item.find("authors"); a != item.end() && a->is_array()) {
      for (const auto& one : *a) add_author(one);
    } else if (auto a1 = item.find("author"); a1 != item.end()) {
      add_author(*a1);
    }
    if (auto tags = item.find("tags"); tags != item.end() && tags->is_array()) {
      for (const auto& t : *tags) {
        if (t.is_string()) e.categories.push_back(t.get<std::string>());
      }
    }
    feed.entries.push_back(std::move(e));
  }
  return feed;
}

}  // namespace newsdesk::feed
