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

// An image the page declares for itself (JSON-LD `image`, og:image,
// twitter:image), with what JSON-LD says of it.
struct DeclaredImage {
  std::string url;      // resolved against the page
  std::string caption;  // JSON-LD ImageObject caption
  std::string credit;   // JSON-LD creditText, else copyrightHolder, else author
};

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
  // Every declared image, JSON-LD's first, then og:image and twitter:image
  // (image_url is the first of them), for the lead image to match in the page.
  std::vector<DeclaredImage> images;
  // The article's JSON-LD isAccessibleForFree (true/"True"/false/"False"), if given.
  std::optional<bool> accessible_for_free;
  // cssSelector of each hasPart element marked isAccessibleForFree false: the
  // paywalled parts (".paywall", "#premium-body"; a selector list is split).
  std::vector<std::string> paywalled_selectors;
  std::string content_tier;  // <meta name|property="article:content_tier">: "locked", "metered", "free"
};

Metadata read_metadata(xmlNode* root, const std::string& page_url);

// "By Jane Doe and John Roe | Staff" -> {"Jane Doe", "John Roe"}.
std::vector<std::string> split_byline(const std::string& byline);

// "Navy awards contract | The Harbor Gazette" -> "Navy awards contract";
// also a leading "Site | " when the site name is known.
std::string strip_site_name(const std::string& title, const std::string& site_name);

}  // namespace newsdesk::extract
