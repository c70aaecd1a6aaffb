// Finds the article body on a page and leaves the boilerplate around it.
#pragma once

#include <string>
#include <vector>

#include "extract/html_document.hpp"

namespace newsdesk::extract {

enum class BlockKind { kParagraph, kHeading, kListItem, kQuote, kPreformatted, kTableRow };

struct Block {
  BlockKind kind = BlockKind::kParagraph;
  int heading_level = 0;  // 2..4 for headings
  bool ordered = false;   // list item of an <ol>
  int number = 0;         // its number in the <ol> (start attribute respected)
  const void* list = nullptr;  // identity of the enclosing list, to group items
  std::string text;
  std::string html;  // the same inline content as sanitised HTML (see sanitize.hpp)
};

struct Body {
  std::vector<Block> blocks;
  xmlNode* container = nullptr;  // the element the blocks came from (lead_image.hpp, access.hpp look around it)
  double score = 0;          // of the chosen container: low means "no article here"
  int link_blocks = 0;       // link-dominated blocks on the page (index pages have many)
  int text_blocks = 0;       // paragraph-like blocks with real text on the page
  int figures = 0;           // <figure> and standalone large images on the page
  int videos = 0;            // <video> elements and embedded players
  std::vector<std::string> trace;  // why each block was kept or dropped, when asked
};

// `title` and `caption_hint` (caption from metadata) help drop repeats of
// the headline and of the photo caption from the body.
// With `explain`, Body::trace says which container won and why each block
// was kept or dropped (for `newsdesk extract --explain`).
// `base_url` resolves the links kept in Block::html.
Body find_body(xmlNode* root, const std::string& title, const std::string& caption_hint, int max_depth,
               const std::string& base_url, bool explain = false);

// The article around a body's container (Body::container): its <article> or
// <main>, else its parent unless that is the whole page, else the container;
// nullptr for none. Where what belongs to the article but not its text (the
// lead picture, a paywall box) is looked for.
xmlNode* article_around(xmlNode* container);

// "div.story-body#main" for a person reading a trace.
std::string describe(const xmlNode* n);

}  // namespace newsdesk::extract
