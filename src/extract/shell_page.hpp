// Shell pages: the DOM lacks the article (a script-built app's empty shell,
// or a teaser) while the page carries it elsewhere: JSON-LD articleBody, a
// <noscript> copy for browsers without scripts, or the application state a
// framework embeds for its scripts (__NEXT_DATA__, window.__INITIAL_STATE__
// = {...}). In state, the article is found by its shape, not by one site's
// key path: the longest prose in a string field named like a body (body,
// content, articleBody, text, html...), or an array of paragraph blocks with
// text fields (strings, HTML, or runs of child nodes). Boxes named comments,
// related, recommended and the like are not looked into.
// Pure; safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "extract/body.hpp"
#include "extract/fragment.hpp"
#include "extract/html_document.hpp"
#include "extract/metadata.hpp"

namespace newsdesk::extract {

struct ShellArticle {
  std::vector<Block> blocks;  // sanitised as the DOM's are (fragment.hpp)
  std::string source;         // where it came from, for --explain: "JSON-LD articleBody", ...
};

// The article from the best source off the DOM, when it should replace the
// DOM body `dom`: that body is (nearly) empty, or it is a teaser of the
// article: the source's text is at least twice as long and holds the DOM
// body's opening words. nullopt otherwise, and for a source that cannot be
// read (bad JSON costs nothing: the DOM body stays).
// Cheap checks come first, so that ordinary pages pay next to nothing: a
// source is read only when its raw size could hold twice the DOM's text and,
// for a DOM with text, its raw bytes hold the DOM's opening words; a state
// blob is parsed only when, besides, the DOM text is teaser-short or the JSON
// string around those words is long enough to be the article.
// `charset` is the page's (the noscript copies are raw page bytes).
std::optional<ShellArticle> find_shell_article(const std::vector<Block>& dom, const Metadata& metadata,
                                               const OffDomSources& off_dom, const std::string& charset,
                                               const FragmentContext& context);

}  // namespace newsdesk::extract
