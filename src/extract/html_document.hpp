// Our handle on a parsed HTML page (libxml2's HTML parser behind it). Internal
// to extract/: no xmlNode* leaves this module.
#pragma once

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace newsdesk::extract {

struct XmlDocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

// Where a page may keep its article outside the DOM the parser builds from
// the lean page: views into the raw page, noted while its scripts are emptied
// (so that finding them costs no extra pass over the bytes).
struct OffDomSources {
  // Embedded application state: a <script id="__NEXT_DATA__"> body, or a
  // script that opens with `window.__NAME__ = {` (__INITIAL_STATE__,
  // __PRELOADED_STATE__, __APOLLO_STATE__ and the like). Each view starts at
  // the JSON's '{' and runs to the end of the script, statements after the
  // object included. Only scripts of 512 bytes or more.
  std::vector<std::string_view> state_blobs;
  // What sits between <noscript> and </noscript>, raw; only the ones of
  // 256 bytes or more (the small ones hold tracking pixels).
  std::vector<std::string_view> noscripts;
};

// The page with the bodies of <script> (but JSON-LD), <style> and inline
// <svg> elements emptied, tags kept: nearly half of a news page's bytes, and
// never article text (an icon's paths are thousands of nodes for the parser).
// Script data ends at the first "</script", as in browsers. With `off_dom`,
// also notes the state blobs and noscript contents (views into `html`).
std::string without_script_bodies(std::string_view html, OffDomSources* off_dom = nullptr);

class HtmlDocument {
 public:
  // Parses `html` as `encoding` (a charset name, or "" to let the page's
  // <meta> decide, defaulting to UTF-8). Never fails: a broken page gives a
  // partial tree; root() is null only for input with no markup at all.
  HtmlDocument(std::string_view html, const std::string& encoding);
  xmlNode* root() const { return doc_ ? xmlDocGetRootElement(doc_.get()) : nullptr; }

 private:
  std::unique_ptr<xmlDoc, XmlDocDeleter> doc_;
};

// Element helpers over libxml2 nodes.
bool is_element(const xmlNode* n, const char* name);
std::string attribute(const xmlNode* n, const char* name);
// The same without copying: a view into the document (valid while it lives),
// "" when absent. libxml2's HTML parser lower-cases attribute names.
std::string_view attribute_view(const xmlNode* n, std::string_view name);
// Whether the attribute is there at all (<div hidden>).
bool has_attribute(const xmlNode* n, std::string_view name);
// The element's tag name; libxml2's HTML parser lower-cases it. "" for none.
std::string_view element_name(const xmlNode* n);
std::string lower_name(const xmlNode* n);
// All text below `n` (script/style excluded), white space collapsed.
std::string text_content(const xmlNode* n);
// The same, with a space wherever an element starts or ends: for short
// labels built from several spans ("Posted by<a>Jane</a>" -> "Posted by Jane");
// a <br> becomes " | ", so that lines stay apart.
// Gathering stops soon after `max_chars` (the result is then longer than
// max_chars, which is all a caller that limits needs to know).
std::string spaced_text(const xmlNode* n, size_t max_chars = SIZE_MAX);
// The lower-case ASCII letter-and-digit runs of `value`, appended to `out`:
// "c-pagination__list" -> c, pagination, list. How class and id values are
// read as words throughout extract/.
void append_words(std::string_view value, std::vector<std::string>& out);
// The node after `cur` in document order, below `n` (nullptr past its end):
// into cur's children when `enter` and it has some, else on to the next
// sibling of cur or of its nearest ancestor that has one. For iterative
// walks (pages nest deeper than the stack allows).
xmlNode* next_below(const xmlNode* n, xmlNode* cur, bool enter);
// Elements named `name` below `n`, in document order.
std::vector<xmlNode*> find_all(xmlNode* n, const char* name);

}  // namespace newsdesk::extract
