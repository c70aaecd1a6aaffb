// RSS, RDF and Atom over the libxml2 DOM, and OPML.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "feed/feed.hpp"
#include "feed/json_feed.hpp"

namespace newsdesk::feed {
namespace {

constexpr const char* kAtomNs = "http://www.w3.org/2005/Atom";
constexpr const char* kContentNs = "http://purl.org/rss/1.0/modules/content/";
constexpr const char* kDcNs = "http://purl.org/dc/elements/1.1/";
constexpr const char* kMediaNs = "http://search.yahoo.com/mrss/";

struct XmlDocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using XmlDoc = std::unique_ptr<xmlDoc, XmlDocDeleter>;

// Parse options: recover what a careful reader would, never touch the network,
// never substitute external entities or load DTDs (XXE).
constexpr int kParseOptions = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
                              XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS;

XmlDoc read_xml(std::string_view body) {
  return XmlDoc(xmlReadMemory(body.data(), static_cast<int>(body.size()), nullptr, nullptr, kParseOptions));
}

bool named(const xmlNode* n, const char* local, const char* ns = nullptr) {
  if (n == nullptr || n->type != XML_ELEMENT_NODE || n->name == nullptr) return false;
  if (std::strcmp(reinterpret_cast<const char*>(n->name), local) != 0) return false;
  if (ns == nullptr) return true;
  return n->ns != nullptr && std::strcmp(reinterpret_cast<const char*>(n->ns->href), ns) == 0;
}

// An element without a namespace, or in the default RSS namespaces.
bool plain(const xmlNode* n, const char* local) {
  if (!named(n, local)) return false;
  if (n->ns == nullptr) return true;
  std::string_view href(reinterpret_cast<const char*>(n->ns->href));
  return href == "http://purl.org/rss/1.0/" || href.find("backend.userland.com") != std::string_view::npos ||
         href == "http://my.netscape.com/rdf/simple/0.9/";
}

std::string content(const xmlNode* n) {
  if (n == nullptr) return {};
  xmlChar* c = xmlNodeGetContent(n);
  if (c == nullptr) return {};
  std::string out(reinterpret_cast<char*>(c));
  xmlFree(c);
  return std::string(core::trim(out));
}

std::string attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return {};
  std::string out(reinterpret_cast<char*>(v));
  xmlFree(v);
  return std::string(core::trim(out));
}

// Resolves `link` against xml:base of `n` and the feed URL.
std::string resolve(const xmlNode* n, const std::string& link, std::string_view base_url) {
  if (link.empty()) return {};
  std::string base(base_url);
  xmlChar* node_base = n != nullptr ? xmlNodeGetBase(n->doc, n) : nullptr;
  if (node_base != nullptr) {
    xmlChar* b = xmlBuildURI(node_base, reinterpret_cast<const xmlChar*>(base.c_str()));
    if (b != nullptr) {
      base = reinterpret_cast<char*>(b);
      xmlFree(b);
    }
    xmlFree(node_base);
  }
  return core::resolve_url(base, link);
}

// Inner markup of an Atom xhtml content element, serialised.
std::string inner_xml(xmlNode* n) {
  std::string out;
  xmlBuffer* buf = xmlBufferCreate();
  for (xmlNode* c = n->children; c != nullptr; c = c->next) {
    xmlNodeDump(buf, n->doc, c, 0, 0);
  }
  out.assign(reinterpret_cast<const char*>(xmlBufferContent(buf)), static_cast<size_t>(xmlBufferLength(buf)));
  xmlBufferFree(buf);
  return out;
}

void add_date(std::optional<core::TimePoint>& slot, const std::string& text, std::vector<std::string>& warnings,
              const std::string& where) {
  if (text.empty() || slot) return;
  slot = core::parse_date(text);
  if (!slot) warnings.push_back(fmt::format("{}: unreadable date '{}'", where, text));
}

core::FeedEntry read_rss_item(xmlNode* item, std::string_view base_url, std::vector<std::string>& warnings,
                              size_t position) {
  core::FeedEntry e;
  std::string where = fmt::format("item {}", position + 1);
  std::string guid, link;
  for (xmlNode* c = item->children; c != nullptr; c = c->next) {
    if (plain(c, "title")) e.title = core::collapse_whitespace(content(c));
    else if (plain(c, "link")) link = content(c);
    else if (plain(c, "guid")) {
      guid = content(c);
      if (link.empty() && attr(c, "isPermaLink") != "false" && guid.rfind("http", 0) == 0) link = guid;
    } else if (plain(c, "description")) e.summary = content(c);
    else if (named(c, "encoded", kContentNs)) e.content = content(c);
    else if (plain(c, "author") || named(c, "creator", kDcNs)) e.authors.push_back(content(c));
    else if (plain(c, "pubDate")) add_date(e.published, content(c), warnings, where);
    else if (named(c, "date", kDcNs)) add_date(e.published, content(c), warnings, where);
    else if (plain(c, "category") || named(c, "subject", kDcNs)) e.categories.push_back(content(c));
    else if (plain(c, "enclosure") && e.image.empty() && attr(c, "type").rfind("image/", 0) == 0) {
      e.image = resolve(c, attr(c, "url"), base_url);
    } else if ((named(c, "content", kMediaNs) || named(c, "thumbnail", kMediaNs)) && e.image.empty()) {
      std::string medium = attr(c, "medium"), type = attr(c, "type");
      if (named(c, "thumbnail", kMediaNs) || medium == "image" || type.rfind("image/", 0) == 0) {
        e.image = resolve(c, attr(c, "url"), base_url);
      }
    }
  }
  if (link.empty() && item->properties != nullptr) link = attr(item, "about");  // RSS 1.0 rdf:about
  e.url = resolve(item, link, base_url);
  e.guid = guid.empty() ? e.url : guid;
  return e;
}

core::FeedEntry read_atom_entry(xmlNode* entry, std::string_view base_url, std::vector<std::string>& warnings,
                                size_t position) {
  core::FeedEntry e;
  std::string where = fmt::format("entry {}", position + 1);
  for (xmlNode* c = entry->children; c != nullptr; c = c->next) {
    if (named(c, "title", kAtomNs)) e.title = core::collapse_whitespace(content(c));
    else if (named(c, "id", kAtomNs)) e.guid = content(c);
    else if (named(c, "link", kAtomNs)) {
      std::string rel = attr(c, "rel");
      if (rel.empty() || rel == "alternate") {
        if (e.url.empty()) e.url = resolve(c, attr(c, "href"), base_url);
      } else if (rel == "enclosure" && e.image.empty() && attr(c, "type").rfind("image/", 0) == 0) {
        e.image = resolve(c, attr(c, "href"), base_url);
      }
    } else if (named(c, "summary", kAtomNs)) e.summary = content(c);
    else if (named(c, "content", kAtomNs)) e.content = attr(c, "type") == "xhtml" ? inner_xml(c) : content(c);
    else if (named(c, "author", kAtomNs)) {
      for (xmlNode* a = c->children; a != nullptr; a = a->next) {
        if (named(a, "name", kAtomNs)) e.authors.push_back(content(a));
      }
    } else if (named(c, "published", kAtomNs)) add_date(e.published, content(c), warnings, where);
    else if (named(c, "updated", kAtomNs)) add_date(e.updated, content(c), warnings, where);
    else if (named(c, "category", kAtomNs)) e.categories.push_back(attr(c, "term"));
    else if ((named(c, "content", kMediaNs) || named(c, "thumbnail", kMediaNs)) && e.image.empty()) {
      e.image = resolve(c, attr(c, "url"), base_url);
    }
  }
  if (!e.published) e.published = e.updated;
  if (e.guid.empty()) e.guid = e.url;
  return e;
}

bool keep(core::FeedEntry& e, std::vector<std::string>& warnings, size_t position) {
  if (e.url.empty() && e.guid.empty()) {
    warnings.push_back(fmt::format("item {}: no link and no id; dropped", position + 1));
    return false;
  }
  return true;
}

}  // namespace

const char* to_string(Format format) {
  switch (format) {
    case Format::kRss: return "rss";
    case Format::kRdf: return "rdf";
    case Format::kAtom: return "atom";
    case Format::kJsonFeed: return "jsonfeed";
  }
  return "rss";
}

core::Result<Feed> parse_feed(std::string_view body, std::string_view base_url) {
  auto start = core::trim(body);
  if (start.substr(0, 3) == "\xEF\xBB\xBF") start.remove_prefix(3);
  if (!start.empty() && start.front() == '{') return parse_json_feed(start, base_url);
  if (start.empty()) return core::fail(core::ErrorCode::kInvalidInput, "the feed is empty");
  if (body.size() > static_cast<size_t>(INT32_MAX)) return core::fail(core::ErrorCode::kLimit, "the feed is too large");
  XmlDoc doc = read_xml(body);
  xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (root == nullptr) return core::fail(core::ErrorCode::kInvalidInput, "not XML and not JSON: no feed could be read");
  Feed feed;
  if (named(root, "feed", kAtomNs) || named(root, "feed")) {
    feed.format = Format::kAtom;
    size_t n = 0;
    for (xmlNode* c = root->children; c != nullptr; c = c->next) {
      if (named(c, "title")) feed.title = core::collapse_whitespace(content(c));
      else if (named(c, "link") && (attr(c, "rel").empty() || attr(c, "rel") == "alternate")) {
        feed.link = resolve(c, attr(c, "href"), base_url);
      } else if (named(c, "entry")) {
        auto e = read_atom_entry(c, base_url, feed.warnings, n);
        if (keep(e, feed.warnings, n)) feed.entries.push_back(std::move(e));
        ++n;
      }
    }
    feed.language = attr(root, "lang");
    return feed;
  }
  xmlNode* channel = nullptr;
  if (named(root, "rss")) {
    feed.format = Format::kRss;
    for (xmlNode* c = root->children; c != nullptr; c = c->next) {
      if (named(c, "channel")) channel = c;
    }
  } else if (named(root, "RDF")) {
    feed.format = Format::kRdf;
    channel = root;
  } else {
    std::string name = root->name != nullptr ? reinterpret_cast<const char*>(root->name) : "";
    if (core::to_lower_ascii(name) == "html") {
      return core::fail(core::ErrorCode::kInvalidInput, "an HTML page, not a feed");
    }
    return core::fail(core::ErrorCode::kInvalidInput, fmt::format("not a feed: the root element is <{}>", name));
  }
  if (channel == nullptr) return core::fail(core::ErrorCode::kInvalidInput, "RSS without a <channel>");
  // RDF puts items beside the channel; RSS 2.0 inside it.
  size_t n = 0;
  auto scan = [&](xmlNode* parent) {
    for (xmlNode* c = parent->children; c != nullptr; c = c->next) {
      if (plain(c, "item")) {
        auto e = read_rss_item(c, base_url, feed.warnings, n);
        if (keep(e, feed.warnings, n)) feed.entries.push_back(std::move(e));
        ++n;
      } else if (plain(c, "channel") && c != parent) {
        for (xmlNode* d = c->children; d != nullptr; d = d->next) {
          if (plain(d, "title")) feed.title = core::collapse_whitespace(content(d));
          else if (plain(d, "link")) feed.link = resolve(d, content(d), base_url);
        }
      } else if (parent == channel && feed.format == Format::kRss) {
        if (plain(c, "title")) feed.title = core::collapse_whitespace(content(c));
        else if (plain(c, "link")) feed.link = resolve(c, content(c), base_url);
        else if (plain(c, "language")) feed.language = content(c);
      }
    }
  };
  scan(channel);
  return feed;
}

core::Result<std::vector<OpmlOutline>> parse_opml(std::string_view body) {
  XmlDoc doc = read_xml(body);
  xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (root == nullptr || !named(root, "opml")) {
    return core::fail(core::ErrorCode::kInvalidInput, "not an OPML document (no <opml> root element)");
  }
  std::vector<OpmlOutline> out;
  // Pre-order walk in document order; a folder outline's title is the category below it.
  std::vector<std::pair<xmlNode*, std::string>> stack{{root, ""}};
  while (!stack.empty()) {
    auto [node, category] = stack.back();
    stack.pop_back();
    std::string below = category;
    if (named(node, "outline")) {
      std::string xml_url = attr(node, "xmlUrl");
      std::string title = attr(node, "title").empty() ? attr(node, "text") : attr(node, "title");
      if (!xml_url.empty()) {
        out.push_back({title, xml_url, attr(node, "htmlUrl"), attr(node, "language"), attr(node, "country"), category});
      } else {
        below = title;
      }
    }
    std::vector<xmlNode*> children;
    for (xmlNode* c = node->children; c != nullptr; c = c->next) {
      if (named(c, "body") || named(c, "outline")) children.push_back(c);
    }
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.emplace_back(*it, below);
  }
  return out;
}

std::string write_opml(std::string_view title, const std::vector<OpmlOutline>& outlines) {
  auto a = [](const std::string& s) { return core::html_escape(s); };
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head><title>";
  out += core::html_escape(title);
  out += "</title></head>\n  <body>\n";
  for (const auto& o : outlines) {
    out += fmt::format("    <outline type=\"rss\" text=\"{0}\" title=\"{0}\" xmlUrl=\"{1}\"", a(o.title), a(o.feed_url));
    if (!o.site_url.empty()) out += fmt::format(" htmlUrl=\"{}\"", a(o.site_url));
    if (!o.language.empty()) out += fmt::format(" language=\"{}\"", a(o.language));
    if (!o.country.empty()) out += fmt::format(" country=\"{}\"", a(o.country));
    out += "/>\n";
  }
  out += "  </body>\n</opml>\n";
  return out;
}

}  // namespace newsdesk::feed
