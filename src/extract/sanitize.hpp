// The allowlist sanitiser: rebuilds a block's inline content as HTML from
// scratch — text escaped, <em>/<strong> kept, <a href> kept only for http(s)
// URLs (resolved against the page) — and drops every other element and every
// attribute. Nothing from the page is copied through as markup.
#pragma once

#include <string>
#include <string_view>

#include <libxml/tree.h>

namespace newsdesk::extract {

// The sibling range [first, last] and everything inside it, as safe inline HTML.
std::string inline_html(const xmlNode* first, const xmlNode* last, std::string_view base_url);

}  // namespace newsdesk::extract
