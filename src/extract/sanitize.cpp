#include "extract/sanitize.hpp"

#include <vector>

#include "core/strings.hpp"
#include "core/url.hpp"
#include "extract/html_document.hpp"

namespace newsdesk::extract {
namespace {

enum class Wrap { kNone, kEm, kStrong, kLink };

Wrap wrap_for(const xmlNode* n, std::string& href, std::string_view base_url) {
  std::string_view name = element_name(n);
  if (name == "em" || name == "i" || name == "cite" || name == "dfn") return Wrap::kEm;
  if (name == "strong" || name == "b") return Wrap::kStrong;
  if (name == "a") {
    std::string url = core::resolve_url(base_url, core::collapse_whitespace(attribute(n, "href")));
    if (core::is_http_url(url)) {
      href = url;
      return Wrap::kLink;
    }
  }
  return Wrap::kNone;
}

}  // namespace

std::string inline_html(const xmlNode* first, const xmlNode* last, std::string_view base_url) {
  std::string out;
  // Iterative walk with explicit closing markers, so that deep nesting is safe.
  struct Item {
    const xmlNode* node;
    const char* close;  // non-null: emit this closing tag
  };
  std::vector<Item> stack;
  // [first, last] onto the stack, first on top.
  for (const xmlNode* c = last; c != nullptr; c = c->prev) {
    stack.push_back({c, nullptr});
    if (c == first) break;
  }
  while (!stack.empty()) {
    Item item = stack.back();
    stack.pop_back();
    if (item.close != nullptr) {
      out += item.close;
      continue;
    }
    const xmlNode* n = item.node;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content != nullptr) core::html_escape_append(out, reinterpret_cast<const char*>(n->content));
      continue;
    }
    if (n->type != XML_ELEMENT_NODE || is_element(n, "script") || is_element(n, "style")) continue;
    if (is_element(n, "br")) {
      out += ' ';
      continue;
    }
    std::string href;
    Wrap wrap = wrap_for(n, href, base_url);
    const char* close = nullptr;
    switch (wrap) {
      case Wrap::kEm: out += "<em>"; close = "</em>"; break;
      case Wrap::kStrong: out += "<strong>"; close = "</strong>"; break;
      case Wrap::kLink: out += "<a href=\"" + core::html_escape(href) + "\">"; close = "</a>"; break;
      case Wrap::kNone: break;
    }
    if (close != nullptr) stack.push_back({nullptr, close});
    for (const xmlNode* c = n->last; c != nullptr; c = c->prev) stack.push_back({c, nullptr});  // first on top
  }
  core::collapse_whitespace_in_place(out);
  return out;
}

}  // namespace newsdesk::extract
