// RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0 and sitemaps over the libxml2 DOM;
// OPML; and the choice between them.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_set>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "feed/feed.hpp"
#include "feed/json_feed.hpp"
#include "feed/plain_title.hpp"
#include "feed/xml_reading.hpp"

namespace newsdesk::feed {
namespace {

using xml::attr;
using xml::named;

constexpr const char* kAtomNs = "http://www.w3.org/2005/Atom";
constexpr const char* kContentNs = "http://purl.org/rss/1.0/modules/content/";
constexpr const char* kDcNs = "http://purl.org/dc/elements/1.1/";
constexpr const char* kMediaNs = "http://search.yahoo.com/mrss/";
constexpr const char* kNewsNs = "http://www.google.com/schemas/sitemap-news/0.9";
constexpr const char* kImageNs = "http://www.google.com/schemas/sitemap-image/1.1";

// An element without a namespace, or in one of the RSS namespaces.
bool plain(const xmlNode* n, const char* local) {
  if (!named(n, local)) return false;
  if (n->ns == nullptr || n->ns->href == nullptr) return true;
  std::string_view href(reinterpret_cast<const char*>(n->ns->href));
  return href == "http://purl.org/rss/1.0/" || href.find("backend.userland.com") != std::string_view::npos ||
         href == "http://my.netscape.com/rdf/simple/0.9/" || href.find("sitemaps.org/schemas/sitemap") != std::string_view::npos;
}

std::string local_name(const xmlNode* n) {
  return n != nullptr && n->name != nullptr ? reinterpret_cast<const char*>(n->name) : "";
}

std::optional<long long> number(const std::string& s) {
  if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  return std::stoll(s);
}

struct Reader {
  std::string_view base_url;
  Feed& feed;
  std::unordered_set<std::string> seen_ids;

  void date(std::optional<core::TimePoint>& slot, std::optional<int>& offset, const std::string& text,
            const std::string& where) {
    if (text.empty() || slot) return;
    auto z = core::parse_zoned(text);
    if (!z) {
      feed.warnings.push_back(fmt::format("{}: unreadable date '{}'", where, text));
      return;
    }
    slot = z->utc;
    offset = z->offset_minutes;
  }

  void enclosure(core::FeedEntry& e, const xmlNode* n, const char* url_attr, const char* length_attr) {
    core::Enclosure enc;
    enc.url = xml::resolve(n, attr(n, url_attr), base_url);
    if (enc.url.empty()) return;
    enc.type = attr(n, "type");
    enc.length = number(attr(n, length_attr));
    bool image = enc.type.rfind("image/", 0) == 0 || attr(n, "medium") == "image";
    if (image && e.image.empty()) e.image = enc.url;
    for (const auto& known : e.enclosures) {
      if (known.url == enc.url) return;
    }
    e.enclosures.push_back(std::move(enc));
  }

  // media:content / media:thumbnail / media:group, in RSS and Atom alike.
  bool media(core::FeedEntry& e, xmlNode* c) {
    if (named(c, "group", kMediaNs)) {
      for (xmlNode* g = c->children; g != nullptr; g = g->next) media(e, g);
      return true;
    }
    if (named(c, "content", kMediaNs)) {
      enclosure(e, c, "url", "fileSize");
      return true;
    }
    if (named(c, "thumbnail", kMediaNs)) {
      if (e.image.empty()) e.image = xml::resolve(c, attr(c, "url"), base_url);
      return true;
    }
    return false;
  }

  // Keeps an entry that can be identified and was not seen before in this feed.
  void keep(core::FeedEntry e, size_t position) {
    if (e.guid.empty()) e.guid = e.url;
    if (e.guid.empty()) {
      feed.warnings.push_back(fmt::format("item {}: no link and no id; dropped", position));
      return;
    }
    if (!seen_ids.insert(e.guid).second) {
      feed.warnings.push_back(fmt::format("item {}: duplicate id '{}'; dropped", position, e.guid));
      return;
    }
    if (!e.published) {
      e.published = e.updated;
      e.published_offset = e.updated_offset;
    }
    feed.entries.push_back(std::move(e));
  }

  void rss_item(xmlNode* item, size_t position) {
    core::FeedEntry e;
    std::string where = fmt::format("item {}", position);
    std::string link, guid_link;
    for (xmlNode* c = item->children; c != nullptr; c = c->next) {
      if (plain(c, "title")) e.title = plain_title(xml::text(c));
      else if (plain(c, "link")) link = xml::text(c);
      else if (plain(c, "guid")) {
        e.guid = xml::text(c);
        if (attr(c, "isPermaLink") != "false" && (e.guid.rfind("http://", 0) == 0 || e.guid.rfind("https://", 0) == 0)) {
          guid_link = e.guid;
        }
      } else if (plain(c, "description")) e.summary = xml::markup(c);
      else if (named(c, "encoded", kContentNs)) e.content = xml::markup(c);
      else if (plain(c, "author") || named(c, "creator", kDcNs)) {
        std::string who = core::collapse_whitespace(xml::text(c));
        if (!who.empty()) e.authors.push_back(who);
      } else if (plain(c, "pubDate") || named(c, "date", kDcNs)) date(e.published, e.published_offset, xml::text(c), where);
      else if (named(c, "updated", kAtomNs)) date(e.updated, e.updated_offset, xml::text(c), where);
      else if (plain(c, "category") || named(c, "subject", kDcNs)) {
        std::string cat = core::collapse_whitespace(xml::text(c));
        if (!cat.empty()) e.categories.push_back(cat);
      } else if (plain(c, "enclosure")) enclosure(e, c, "url", "length");
      else if (named(c, "link", kAtomNs) && link.empty() && (attr(c, "rel").empty() || attr(c, "rel") == "alternate")) {
        link = attr(c, "href");
      } else media(e, c);
    }
    if (link.empty()) link = guid_link;
    if (link.empty()) link = attr(item, "about");  // RSS 1.0 rdf:about
    e.url = xml::resolve(item, link, base_url);
    keep(std::move(e), position);
  }

  void atom_link(xmlNode* c, std::string& alternate, core::FeedEntry* entry) {
    std::string rel = attr(c, "rel");
    std::string href = xml::resolve(c, attr(c, "href"), base_url);
    if (href.empty()) return;
    if (rel.empty() || rel == "alternate") {
      std::string type = attr(c, "type");
      // Prefer the HTML page when a feed offers several alternates.
      if (alternate.empty() || type == "text/html") alternate = href;
    } else if (rel == "enclosure" && entry != nullptr) {
      enclosure(*entry, c, "href", "length");
    } else if (rel == "self" && entry == nullptr) {
      feed.self = href;
    } else if (rel == "hub" && entry == nullptr && feed.hub.empty()) {
      feed.hub = href;
    }
  }

  static std::vector<std::string> atom_authors(const xmlNode* n) {
    std::vector<std::string> out;
    for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
      if (!named(c, "author", kAtomNs)) continue;
      for (const xmlNode* a = c->children; a != nullptr; a = a->next) {
        if (named(a, "name", kAtomNs)) {
          std::string who = core::collapse_whitespace(xml::text(a));
          if (!who.empty()) out.push_back(who);
        }
      }
    }
    return out;
  }

  std::string atom_content(xmlNode* c) {
    if (attr(c, "type") == "xhtml") {
      // The content is one xhtml:div; its inside is the markup.
      for (xmlNode* d = c->children; d != nullptr; d = d->next) {
        if (d->type == XML_ELEMENT_NODE && local_name(d) == "div") return xml::inner_xml(d);
      }
      return xml::inner_xml(c);
    }
    return xml::markup(c);
  }

  void atom_entry(xmlNode* entry, size_t position, const std::vector<std::string>& feed_authors) {
    core::FeedEntry e;
    std::string where = fmt::format("entry {}", position);
    std::string alternate;
    for (xmlNode* c = entry->children; c != nullptr; c = c->next) {
      if (named(c, "title", kAtomNs)) e.title = plain_title(attr(c, "type") == "xhtml" ? xml::inner_xml(c) : xml::text(c));
      else if (named(c, "id", kAtomNs)) e.guid = xml::text(c);
      else if (named(c, "link", kAtomNs)) atom_link(c, alternate, &e);
      else if (named(c, "summary", kAtomNs)) e.summary = atom_content(c);
      else if (named(c, "content", kAtomNs)) {
        e.content = atom_content(c);
        if (alternate.empty() && !attr(c, "src").empty()) alternate = xml::resolve(c, attr(c, "src"), base_url);
      } else if (named(c, "published", kAtomNs)) date(e.published, e.published_offset, xml::text(c), where);
      else if (named(c, "updated", kAtomNs)) date(e.updated, e.updated_offset, xml::text(c), where);
      else if (named(c, "category", kAtomNs)) {
        std::string term = attr(c, "term");
        if (term.empty()) term = attr(c, "label");
        if (!term.empty()) e.categories.push_back(term);
      } else media(e, c);
    }
    e.authors = atom_authors(entry);
    if (e.authors.empty()) e.authors = feed_authors;
    e.url = alternate;
    keep(std::move(e), position);
  }

  void atom(xmlNode* root) {
    feed.format = Format::kAtom;
    feed.language = attr(root, "lang");
    std::vector<std::string> authors = atom_authors(root);
    std::string alternate;
    size_t n = 0;
    for (xmlNode* c = root->children; c != nullptr; c = c->next) {
      if (named(c, "title")) feed.title = plain_title(xml::text(c));
      else if (named(c, "link")) atom_link(c, alternate, nullptr);
      else if (named(c, "entry")) atom_entry(c, ++n, authors);
    }
    feed.link = alternate;
  }

  void channel_field(xmlNode* c) {
    if (plain(c, "title")) feed.title = plain_title(xml::text(c));
    else if (plain(c, "link")) feed.link = xml::resolve(c, xml::text(c), base_url);
    else if (plain(c, "language") || named(c, "language", kDcNs)) feed.language = xml::text(c);
    else if (plain(c, "ttl")) {
      std::string t = xml::text(c);
      auto minutes = number(t);
      if (minutes && *minutes <= 100000) feed.ttl_minutes = static_cast<int>(*minutes);
      else feed.warnings.push_back(fmt::format("channel: ttl '{}' is not a number of minutes; ignored", t));
    } else if (plain(c, "skipHours")) {
      for (xmlNode* h = c->children; h != nullptr; h = h->next) {
        auto hour = plain(h, "hour") ? number(xml::text(h)) : std::nullopt;
        if (hour && *hour <= 23) feed.skip_hours.push_back(static_cast<int>(*hour));  // RSS: 0-23, GMT
      }
      std::sort(feed.skip_hours.begin(), feed.skip_hours.end());
      feed.skip_hours.erase(std::unique(feed.skip_hours.begin(), feed.skip_hours.end()), feed.skip_hours.end());
    } else if (plain(c, "skipDays")) {
      for (xmlNode* d = c->children; d != nullptr; d = d->next) {
        if (plain(d, "day")) feed.skip_days.push_back(xml::text(d));
      }
    } else if (named(c, "link", kAtomNs)) {
      std::string ignored;
      atom_link(c, ignored, nullptr);
    }
  }

  void rss(xmlNode* channel, bool rdf) {
    feed.format = rdf ? Format::kRdf : Format::kRss;
    size_t n = 0;
    // RDF puts items beside the channel; RSS 2.0 inside it.
    for (xmlNode* c = channel->children; c != nullptr; c = c->next) {
      if (plain(c, "item")) {
        rss_item(c, ++n);
      } else if (rdf && plain(c, "channel")) {
        for (xmlNode* d = c->children; d != nullptr; d = d->next) channel_field(d);
      } else if (!rdf) {
        channel_field(c);
      }
    }
  }

  void sitemap(xmlNode* root) {
    feed.format = Format::kSitemap;
    size_t n = 0;
    for (xmlNode* u = root->children; u != nullptr; u = u->next) {
      if (!plain(u, "url")) continue;
      core::FeedEntry e;
      std::string where = fmt::format("url {}", ++n);
      for (xmlNode* c = u->children; c != nullptr; c = c->next) {
        if (plain(c, "loc")) e.url = xml::resolve(c, xml::text(c), base_url);
        else if (plain(c, "lastmod")) date(e.updated, e.updated_offset, xml::text(c), where);
        else if (named(c, "news", kNewsNs)) {
          for (xmlNode* d = c->children; d != nullptr; d = d->next) {
            if (named(d, "title", kNewsNs)) e.title = plain_title(xml::text(d));
            else if (named(d, "publication_date", kNewsNs)) date(e.published, e.published_offset, xml::text(d), where);
            else if (named(d, "keywords", kNewsNs)) {
              for (const auto& k : core::split(xml::text(d), ',')) {
                std::string word(core::trim(k));
                if (!word.empty()) e.categories.push_back(word);
              }
            } else if (named(d, "publication", kNewsNs)) {
              for (xmlNode* p = d->children; p != nullptr; p = p->next) {
                if (named(p, "language", kNewsNs) && feed.language.empty()) feed.language = xml::text(p);
                else if (named(p, "name", kNewsNs) && feed.title.empty()) feed.title = plain_title(xml::text(p));
              }
            }
          }
        } else if (named(c, "image", kImageNs) && e.image.empty()) {
          for (xmlNode* d = c->children; d != nullptr; d = d->next) {
            if (named(d, "loc", kImageNs)) e.image = xml::resolve(d, xml::text(d), base_url);
          }
        }
      }
      keep(std::move(e), n);
    }
  }

  void sitemap_index(xmlNode* root) {
    feed.format = Format::kSitemapIndex;
    for (xmlNode* s = root->children; s != nullptr; s = s->next) {
      if (!plain(s, "sitemap")) continue;
      for (xmlNode* c = s->children; c != nullptr; c = c->next) {
        if (plain(c, "loc")) {
          std::string url = xml::resolve(c, xml::text(c), base_url);
          if (!url.empty()) feed.sitemaps.push_back(url);
        }
      }
    }
  }
};

std::string not_a_feed_page(std::string_view body, std::string_view base_url) {
  auto feeds = discover_feeds(body, base_url);
  if (feeds.empty()) return "an HTML page, not a feed, and it links to no feed";
  std::string list;
  for (const auto& f : feeds) list += (list.empty() ? "" : ", ") + f.url;
  return fmt::format("an HTML page, not a feed; it links to {} feed{}: {}", feeds.size(), feeds.size() == 1 ? "" : "s", list);
}

}  // namespace

const char* to_string(Format format) {
  switch (format) {
    case Format::kRss: return "rss";
    case Format::kRdf: return "rdf";
    case Format::kAtom: return "atom";
    case Format::kJsonFeed: return "jsonfeed";
    case Format::kSitemap: return "sitemap";
    case Format::kSitemapIndex: return "sitemapindex";
  }
  return "rss";
}

bool looks_like_html(std::string_view body) {
  auto start = core::trim(body);
  if (start.substr(0, 3) == "\xEF\xBB\xBF") start = core::trim(start.substr(3));
  // Comments before the doctype happen; skip a few.
  for (int i = 0; i < 4 && start.substr(0, 4) == "<!--"; ++i) {
    size_t end = start.find("-->");
    if (end == std::string_view::npos) return false;
    start = core::trim(start.substr(end + 3));
  }
  return core::starts_with_icase(start, "<!doctype html") || core::starts_with_icase(start, "<html");
}

core::Result<Feed> parse_feed(std::string_view body, std::string_view base_url, std::string_view http_charset) {
  auto start = core::trim(body);
  if (start.substr(0, 3) == "\xEF\xBB\xBF") start = core::trim(start.substr(3));
  if (start.empty()) return core::fail(core::ErrorCode::kInvalidInput, "the feed is empty");
  if (start.front() == '{') return parse_json_feed(start, base_url);
  if (looks_like_html(start)) return core::fail(core::ErrorCode::kInvalidInput, not_a_feed_page(body, base_url));
  if (body.size() > static_cast<size_t>(INT32_MAX)) return core::fail(core::ErrorCode::kLimit, "the feed is too large");
  xml::Parsed parsed = xml::parse(body, xml::encoding_for(body, http_charset));
  xmlNode* root = parsed.doc ? xmlDocGetRootElement(parsed.doc.get()) : nullptr;
  if (root == nullptr) {
    std::string why = parsed.messages.empty() ? "" : " (" + parsed.messages.front() + ")";
    return core::fail(core::ErrorCode::kInvalidInput, "not XML and not JSON: no feed could be read" + why);
  }
  Feed feed;
  Reader reader{base_url, feed, {}};
  std::string name = local_name(root);
  if (named(root, "feed", kAtomNs) || name == "feed") {
    reader.atom(root);
  } else if (name == "rss") {
    xmlNode* channel = nullptr;
    for (xmlNode* c = root->children; c != nullptr && channel == nullptr; c = c->next) {
      if (named(c, "channel")) channel = c;
    }
    if (channel == nullptr) return core::fail(core::ErrorCode::kInvalidInput, "RSS without a <channel>");
    reader.rss(channel, /*rdf=*/false);
  } else if (name == "RDF") {
    reader.rss(root, /*rdf=*/true);
  } else if (name == "urlset") {
    reader.sitemap(root);
  } else if (name == "sitemapindex") {
    reader.sitemap_index(root);
  } else if (core::to_lower_ascii(name) == "html") {
    return core::fail(core::ErrorCode::kInvalidInput, not_a_feed_page(body, base_url));
  } else {
    return core::fail(core::ErrorCode::kInvalidInput, fmt::format("not a feed: the root element is <{}>", name));
  }
  if (parsed.bare_ampersands > 0) {
    feed.warnings.insert(feed.warnings.begin(), fmt::format("{} bare '&' in the XML read as text", parsed.bare_ampersands));
  }
  if (parsed.errors > 0) {
    std::string more = parsed.errors > 1 ? fmt::format(" (and {} more)", parsed.errors - 1) : "";
    feed.warnings.insert(feed.warnings.begin(),
                         fmt::format("XML errors recovered from: {}{}; items after the damage may be missing",
                                     parsed.messages.front(), more));
  }
  return feed;
}

core::Result<std::vector<OpmlOutline>> parse_opml(std::string_view body) {
  xml::Parsed parsed = xml::parse(body, xml::encoding_for(body, ""));
  xmlNode* root = parsed.doc ? xmlDocGetRootElement(parsed.doc.get()) : nullptr;
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
