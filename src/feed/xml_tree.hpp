// Reading elements of a parsed feed (pugixml): names with their namespace
// resolved, text gathered from mixed content, inner markup, links resolved
// against xml:base. Internal to the feed module.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

namespace newsdesk::feed::tree {

// An element's local name and namespace URI ("" when none is in scope).
struct Name {
  std::string_view local;
  std::string_view ns;
};
Name name_of(pugi::xml_node n);

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
