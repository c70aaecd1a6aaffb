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

// The page with the bodies of <script> (but JSON-LD) and <style> elements
// emptied, tags kept: nearly half of a news page's bytes, and never text.
// Script data ends at the first "</script", as in browsers.
std::string without_script_bodies(std::string_view html);

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
// Elements named `name` below `n`, in document order.
std::vector<xmlNode*> find_all(xmlNode* n, const char* name);

}  // namespace newsdesk::extract
