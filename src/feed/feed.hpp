// Feeds in, entries out: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0, JSON Feed 1.x,
// and OPML subscription lists. Pure (no I/O, no network access from the XML
// parser, no external entities); safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/types.hpp"

namespace newsdesk::feed {

enum class Format { kRss, kRdf, kAtom, kJsonFeed };
const char* to_string(Format format);

struct Feed {
  Format format = Format::kRss;
  std::string title;
  std::string link;      // the site, absolute
  std::string language;
  std::vector<core::FeedEntry> entries;
  std::vector<std::string> warnings;  // what was recovered from or dropped, per item
};

// Parses any supported feed. `base_url` (the feed's URL) resolves relative
// links. Returns kInvalidInput naming the problem when the document is not a
// feed or nothing could be recovered; a broken entry is dropped with a warning.
core::Result<Feed> parse_feed(std::string_view body, std::string_view base_url);

struct OpmlOutline {
  std::string title;
  std::string feed_url;  // xmlUrl
  std::string site_url;  // htmlUrl
  std::string language;
  std::string country;   // newsdesk extension attribute
  std::string category;
};

// Reads every outline with an xmlUrl, at any depth. kInvalidInput when the
// document is not OPML.
core::Result<std::vector<OpmlOutline>> parse_opml(std::string_view body);
std::string write_opml(std::string_view title, const std::vector<OpmlOutline>& outlines);

}  // namespace newsdesk::feed
