// Reading elements of a parsed feed (pugixml): names with their namespace
// resolved, text gathered from mixed content, inner markup, links resolved
// against xml:base. Internal to the feed module.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsdesk::feed::tree {

// An element's local name and namespace URI ("" when none is in scope).
struct Name {
  std::string_view local;
  std::string_view ns;
};
Name name_of(pugi::xml_node n);

// The namespace declarations in scope at an element, gathered once so that
// each of its children's names is resolved against them (and the child's own
// declarations) without walking up the tree again: a feed's reader names
// every element it looks at.
class NsScope {
 public:
  explicit NsScope(pugi::xml_node parent);
  // name_of(child), for a child element of the parent.
  Name name_of(pugi::xml_node child) const;

 private:
  // prefix ("" for the default namespace) and URI, innermost first.
  std::vector<std::pair<std::string_view, std::string_view>> declared_;
};

// The value of the attribute whose local name is `local` (any prefix:
// "rdf:about" and "about" alike), trimmed; "" when absent.
std::string attr(pugi::xml_node n, std::string_view local);

// Text and CDATA of the element and its descendants, trimmed, at most 1 MiB.
std::string text(pugi::xml_node n);

// The element's children as markup (for HTML given as child elements).
std::string inner_xml(pugi::xml_node n);

// Markup kept: inner_xml when the element has child elements, else its text.
std::string markup(pugi::xml_node n);

// Resolves `link` against the xml:base in force at `n`, then `base_url`.
std::string resolve(pugi::xml_node n, std::string_view link, std::string_view base_url);

// `markup` (a summary or content) with each relative URL of its links, images
// and citations (href, src, cite, poster, longdesc, background, action)
// resolved as `resolve` would at `n`; the rest byte for byte. Relative links
// break once the text leaves the feed (in an edition, on the site).
std::string resolve_links(pugi::xml_node n, std::string markup, std::string_view base_url);

}  // namespace newsdesk::feed::tree
