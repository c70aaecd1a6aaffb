// The editions as feeds: Atom 1.0, RSS 2.0 and JSON Feed 1.1, so that readers
// can follow the edition in their own feed reader.
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "core/url.hpp"
#include "core/time.hpp"
#include "edition/edition.hpp"

namespace newsdesk::edition {
namespace {

std::string x(const std::string& s) { return core::html_escape(s); }

std::string page_url(const std::string& site_url, const core::Edition& e) { return site_url + "/edition/" + e.date; }

// The edition's stories as a short HTML list, for a feed entry's content.
std::string contents_html(const core::Edition& e) {
  std::string out = "<ol>";
  for (const auto& item : e.items) {
    std::string href = core::is_http_url(item.url) ? item.url : "#";
    out += fmt::format("<li><a href=\"{}\">{}</a> ({})", x(href), x(item.headline), x(item.outlet));
    if (!item.summary.empty()) out += " " + x(item.summary);
    out += "</li>";
  }
  return out + "</ol>";
}

}  // namespace

std::string editions_atom(const std::vector<core::Edition>& editions, const std::string& name, const std::string& site_url) {
  std::string updated = editions.empty() ? core::format_rfc3339(core::TimePoint{}) : core::format_rfc3339(editions.front().built_at);
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  out += fmt::format("<title>{}</title>\n<id>{}/editions</id>\n<updated>{}</updated>\n", x(name), x(site_url), updated);
  out += fmt::format("<link rel=\"self\" href=\"{}/editions.atom\"/>\n<link rel=\"alternate\" href=\"{}/\"/>\n", x(site_url), x(site_url));
  out += fmt::format("<author><name>{}</name></author>\n", x(name));
  for (const auto& e : editions) {
    std::string url = page_url(site_url, e);
    out += fmt::format("<entry>\n<title>{}</title>\n<id>{}</id>\n<link rel=\"alternate\" href=\"{}\"/>\n"
                       "<updated>{}</updated>\n<published>{}</published>\n<content type=\"html\">{}</content>\n</entry>\n",
                       x(e.subject), x(url), x(url), core::format_rfc3339(e.built_at), core::format_rfc3339(e.built_at),
                       x(contents_html(e)));
  }
  return out + "</feed>\n";
}

std::string editions_rss(const std::vector<core::Edition>& editions, const std::string& name, const std::string& site_url) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n";
  out += fmt::format("<title>{}</title>\n<link>{}/</link>\n<description>{}: every edition</description>\n", x(name),
                     x(site_url), x(name));
  out += fmt::format("<atom:link rel=\"self\" href=\"{}/editions.rss\" type=\"application/rss+xml\"/>\n", x(site_url));
  for (const auto& e : editions) {
    std::string url = page_url(site_url, e);
    out += fmt::format("<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"true\">{}</guid>\n"
                       "<pubDate>{}</pubDate>\n<description>{}</description>\n</item>\n",
                       x(e.subject), x(url), x(url), core::format_rfc822(e.built_at), x(contents_html(e)));
  }
  return out + "</channel>\n</rss>\n";
}

std::string editions_json_feed(const std::vector<core::Edition>& editions, const std::string& name, const std::string& site_url) {
  nlohmann::ordered_json feed = {{"version", "https://jsonfeed.org/version/1.1"},
                                 {"title", name},
                                 {"home_page_url", site_url + "/"},
                                 {"feed_url", site_url + "/editions.json"},
                                 {"items", nlohmann::ordered_json::array()}};
  for (const auto& e : editions) {
    std::string url = page_url(site_url, e);
    feed["items"].push_back({{"id", url}, {"url", url}, {"title", e.subject}, {"content_html", contents_html(e)},
                             {"date_published", core::format_rfc3339(e.built_at)}});
  }
  return feed.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace newsdesk::edition
