// Page metadata from JSON-LD, OpenGraph / Twitter / meta tags, <link>, <time>,
// microdata and the visible page, each field from the most trusted place
// that has it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "core/types.hpp"
#include "extract/html_document.hpp"

namespace newsdesk::extract {

struct Metadata {
  std::string title;
  std::string site_name;
  std::vector<std::string> authors;
  std::optional<core::ZonedTime> published;
  std::optional<core::TimePoint> modified;
  std::string language;
  std::string canonical_url;
  std::string description;
  std::string image_url;
  std::string image_caption;
  std::string og_type;          // "article", "website", ...
  std::string schema_type;      // "NewsArticle", "LiveBlogPosting", ...
  // What JSON-LD says the article's text is (articleBody of the main
  // article-like node, else of the first that has one), as given: plain text
  // or HTML. Shell pages carry their article only here (shell_page.hpp).
  std::string article_body;
  // A LiveBlogPosting's liveBlogUpdate entries, in the page's order.
  struct LiveUpdate {
    std::string headline;
    std::optional<core::ZonedTime> published;
    std::string body;  // articleBody, plain text or HTML
  };
  std::vector<LiveUpdate> live_updates;
  int dated_times = 0;  // <time datetime="..."> elements on the page: live blogs have many
};

Metadata read_metadata(xmlNode* root, const std::string& page_url);

// "By Jane Doe and John Roe | Staff" -> {"Jane Doe", "John Roe"}.
std::vector<std::string> split_byline(const std::string& byline);

// "Navy awards contract | The Harbor Gazette" -> "Navy awards contract";
// also a leading "Site | " when the site name is known.
std::string strip_site_name(const std::string& title, const std::string& site_name);

}  // namespace newsdesk::extract
