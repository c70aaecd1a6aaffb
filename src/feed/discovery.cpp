// Feed discovery: the <link rel="alternate"> feeds an HTML page advertises.
#include <libxml/HTMLparser.h>

#include <cstring>
#include <memory>

#include "core/strings.hpp"
#include "core/url.hpp"
#include "feed/feed.hpp"

namespace newsdesk::feed {
namespace {

struct HtmlDocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

std::string attribute(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return {};
  std::string out(reinterpret_cast<char*>(v));
  xmlFree(v);
  return std::string(core::trim(out));
}

bool is_feed_type(const std::string& type) {
  std::string t = core::to_lower_ascii(core::trim(type.substr(0, type.find(';'))));
  return t == "application/rss+xml" || t == "application/atom+xml" || t == "application/feed+json" ||
         t == "application/json" || t == "application/rdf+xml" || t == "text/xml" || t == "application/xml";
}

bool has_token(const std::string& list, std::string_view token) {
  for (const auto& part : core::split(core::to_lower_ascii(list), ' ')) {
    if (core::trim(part) == token) return true;
  }
  return false;
}

void walk(const xmlNode* n, std::string& base, std::vector<DiscoveredFeed>& out) {
  for (; n != nullptr; n = n->next) {
    if (n->type == XML_ELEMENT_NODE && n->name != nullptr) {
      const char* name = reinterpret_cast<const char*>(n->name);
      if (std::strcmp(name, "base") == 0 && !attribute(n, "href").empty()) {
        base = core::resolve_url(base, attribute(n, "href"));
      } else if ((std::strcmp(name, "link") == 0 || std::strcmp(name, "a") == 0) &&
                 has_token(attribute(n, "rel"), "alternate") && is_feed_type(attribute(n, "type"))) {
        std::string href = attribute(n, "href");
        if (!href.empty()) {
          DiscoveredFeed f{core::resolve_url(base, href), attribute(n, "title"), attribute(n, "type")};
          bool known = false;
          for (const auto& o : out) known = known || o.url == f.url;
          if (!known && !f.url.empty()) out.push_back(std::move(f));
        }
      }
      walk(n->children, base, out);
    }
  }
}

}  // namespace

std::vector<DiscoveredFeed> discover_feeds(std::string_view html, std::string_view base_url) {
  std::vector<DiscoveredFeed> out;
  if (html.empty() || html.size() > static_cast<size_t>(INT32_MAX)) return out;
  constexpr int kOptions = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING;
  std::unique_ptr<xmlDoc, HtmlDocDeleter> doc(
      htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "utf-8", kOptions));
  if (!doc) return out;
  std::string base(base_url);
  walk(xmlDocGetRootElement(doc.get()), base, out);
  return out;
}

}  // namespace newsdesk::feed
