// Live blogs: a page of dated entries, kept in the page's order (newest
// first, as live blogs show them). The entries come from the DOM (three or
// more boxes side by side in one container, each an <article> or named
// post/entry/update, with its own <time datetime> and a heading that is not
// a link to another page) or else from JSON-LD (a LiveBlogPosting's
// liveBlogUpdate). Readers' comments are no entries.
//
// Each entry becomes a heading block followed by its paragraphs. The
// heading carries the entry's time in UTC: in the text
//   "2026-03-02 14:05 UTC — Ferries resume"
// and in the HTML
//   <time datetime="2026-03-02T14:05:00Z">2026-03-02 14:05 UTC</time> — Ferries resume
// (an entry without a heading gives the time alone; one without a time, the
// heading alone). Pure; safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "extract/body.hpp"
#include "extract/fragment.hpp"
#include "extract/html_document.hpp"
#include "extract/metadata.hpp"

namespace newsdesk::extract {

struct LiveBlog {
  std::vector<Block> blocks;
  size_t entries = 0;
  std::string source;  // "DOM entries" or "JSON-LD liveBlogUpdate", for --explain
};

// The page's entries as a body, or nullopt when the page is no live blog, or
// when its entries carry clearly less text than `dom_text`, the size of the
// body found otherwise (a box of three updates beside an article is not the
// page). The DOM is searched only when `metadata` counted three or more
// <time datetime> elements.
std::optional<LiveBlog> find_live_blog(xmlNode* root, const Metadata& metadata, size_t dom_text,
                                       const FragmentContext& context);

}  // namespace newsdesk::extract
