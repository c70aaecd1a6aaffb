// Article text a page carries outside its DOM (a JSON string, a <noscript>
// copy, a live blog update) read into Blocks the way the DOM's are read:
// markup goes through the same parser, body finder and allowlist sanitiser
// (sanitize.hpp), so nothing from a JSON string reaches the output as markup.
// Pure; safe to call concurrently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/body.hpp"

namespace newsdesk::extract {

// What find_body needs to know about the page a fragment came from.
struct FragmentContext {
  std::string title;         // a heading that repeats it is dropped
  std::string caption_hint;  // a line that repeats the lead photo's caption is dropped
  int max_depth = 1000;
  std::string base_url;      // resolves the links kept in Block::html
};

// Whether `text` is HTML rather than plain text: it holds a tag ("<p>",
// "</a>", "<br/>"), not just a "<" ("a < b").
bool looks_like_html(std::string_view text);

// `text` as markup: HTML as it is; plain text escaped, a <p> per line.
std::string as_markup(std::string_view text);

// The blocks of `text` (plain or HTML), in `charset` ("" for UTF-8). Plain
// text gives a paragraph per line (entities decoded); HTML is read by
// find_body, and when that finds no container (a fragment of short lines)
// the fragment's text becomes one paragraph. Empty for text without words.
std::vector<Block> read_fragment(std::string_view text, const std::string& charset, const FragmentContext& context);

// Characters of text in `blocks`, the separators between them included.
size_t text_size(const std::vector<Block>& blocks);

}  // namespace newsdesk::extract
