// Reading feed XML safely with libxml2: the encoding decided before parsing,
// recover mode with the errors collected as warnings, and text gathered from
// nodes without ever expanding external or recursive entities. Shared by the
// RSS/Atom/RDF/sitemap reader and OPML. Internal to the feed module.
#pragma once

#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace newsdesk::feed::xml {

struct DocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using Doc = std::unique_ptr<xmlDoc, DocDeleter>;

struct Parsed {
  Doc doc;
  int errors = 0;                    // XML errors the parser recovered from
  size_t bare_ampersands = 0;        // "&" that started no reference, read as text
  std::vector<std::string> messages; // the first few, "line 12: ..." form
};

// The encoding to hand libxml2 ("" = the document's own declaration or
// UTF-8): a declaration is trusted unless it says UTF-8 and the bytes are not;
// an undeclared document uses the HTTP charset, else UTF-8 when the bytes are
// valid UTF-8, else what the bytes look like.
std::string encoding_for(std::string_view body, std::string_view http_charset);

// Copies `body` into `out` with each "&" that starts no reference (outside
// CDATA and comments) written as "&amp;"; returns how many. `out` is left
// empty when there are none.
size_t escape_bare_ampersands(std::string_view body, std::string& out);

// Parses in recover mode (bare ampersands read as text first); never touches the network, never loads a DTD,
// never substitutes entities into the tree.
Parsed parse(std::string_view body, const std::string& encoding);

bool named(const xmlNode* n, const char* local, const char* ns = nullptr);
std::string attr(const xmlNode* n, const char* name);

// The text of a node: text and CDATA children, internal entities by their
// declared value (never external ones, never recursively), cut at 1 MiB.
std::string text(const xmlNode* n);

// A node's children serialised as markup (for HTML given as child elements).
std::string inner_xml(xmlNode* n);

// The text of an element that may carry HTML either escaped or as child
// elements: markup kept, trimmed.
std::string markup(xmlNode* n);

// Resolves `link` against the xml:base in force at `n`, then `base_url`.
std::string resolve(const xmlNode* n, const std::string& link, std::string_view base_url);

}  // namespace newsdesk::feed::xml
