// Feeds in, entries out: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0, JSON Feed
// 1.0/1.1, news sitemaps and sitemap indexes, and OPML subscription lists.
// Pure (no I/O, no network access from the XML parser, no external entities,
// entity-expansion bombs refused); safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/types.hpp"

namespace newsdesk::feed {

enum class Format { kRss, kRdf, kAtom, kJsonFeed, kSitemap, kSitemapIndex };
const char* to_string(Format format);  // "rss", "rdf", "atom", "jsonfeed", "sitemap", "sitemapindex"

struct Feed {
  Format format = Format::kRss;
  std::string title;
  std::string link;      // the site, absolute
  std::string language;
  std::optional<int> ttl_minutes;  // RSS <ttl>
  std::vector<int> skip_hours;     // RSS <skipHours>, 0-23 (GMT), sorted, unique
  std::vector<std::string> skip_days;  // RSS <skipDays>: "Monday"...
  std::string hub;   // WebSub hub (link rel="hub" in RSS via atom:link, Atom, JSON Feed hubs)
  std::string self;  // the feed's own URL as it states it (rel="self", JSON feed_url)
  std::vector<core::FeedEntry> entries;
  std::vector<std::string> sitemaps;  // a sitemap index: the sitemaps it lists, absolute
  // What was recovered from or dropped: "item 3: no link and no id; dropped",
  // "line 12: XML error recovered: ...". The feed is still usable.
  std::vector<std::string> warnings;
};

// Parses any supported format, recognised from the content (not the URL or
// Content-Type). `base_url` (the feed's URL) resolves relative links, after
// xml:base. `http_charset` is the charset the HTTP Content-Type declared ("" if
// none): used when the document does not declare its own encoding; without
// either, UTF-8 is assumed and, if the bytes are not UTF-8, the encoding is
// detected. Returns kInvalidInput naming the problem when the document is not
// a feed or nothing could be recovered (an HTML page is reported as such,
// naming the feeds it links to); a broken entry is dropped with a warning.
core::Result<Feed> parse_feed(std::string_view body, std::string_view base_url, std::string_view http_charset = "");

// A feed a web page links to: <link rel="alternate" type="application/rss+xml"
// | "application/atom+xml" | "application/feed+json" | "application/json" href=...>.
struct DiscoveredFeed {
  std::string url;    // absolute
  std::string title;  // the link's title attribute, may be empty
  std::string type;   // the link's type attribute
};

// The feeds an HTML page advertises, in document order, without duplicates.
// `base_url` is the page's URL (a <base href> in the page wins).
std::vector<DiscoveredFeed> discover_feeds(std::string_view html, std::string_view base_url);

// True when the body is an HTML document rather than XML or JSON.
bool looks_like_html(std::string_view body);

struct OpmlOutline {
  std::string title;
  std::string feed_url;  // xmlUrl
  std::string site_url;  // htmlUrl
  std::string language;
  std::string country;   // newsdesk extension attribute
  std::string category;
  size_t line = 0;       // where the outline stands in the document (1-based; 0 = unknown)
};

// Reads every outline with an xmlUrl, at any depth. kInvalidInput when the
// document is not OPML.
core::Result<std::vector<OpmlOutline>> parse_opml(std::string_view body);
std::string write_opml(std::string_view title, const std::vector<OpmlOutline>& outlines);

// The `newsdesk feed parse` output: one JSON line describing the feed
// ({"feed": {...}}), then one JSON line per entry. Dates are RFC 3339 with the
// offset the feed wrote (UTC "Z" when it wrote none), null when absent.
std::string feed_to_jsonl(const Feed& feed);

}  // namespace newsdesk::feed
