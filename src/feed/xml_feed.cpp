// RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0 and sitemaps over the libxml2 DOM;
// OPML; and the choice between them.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_set>

#include <fmt/format.h>

#include "core/base64.hpp"
#include "core/strings.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "feed/feed.hpp"
#include "feed/json_feed.hpp"
#include "feed/plain_title.hpp"
#include "feed/xml_reading.hpp"
#include "feed/xml_tree.hpp"
#include "text/charset.hpp"

namespace newsdesk::feed {
namespace {

using tree::attr;

constexpr std::string_view kAtomNs = "http://www.w3.org/2005/Atom";
constexpr std::string_view kXhtmlNs = "http://www.w3.org/1999/xhtml";
constexpr std::string_view kDcTermsNs = "http://purl.org/dc/terms/";
constexpr std::string_view kContentNs = "http://purl.org/rss/1.0/modules/content/";
constexpr std::string_view kDcNs = "http://purl.org/dc/elements/1.1/";
constexpr std::string_view kMediaNs = "http://search.yahoo.com/mrss/";
constexpr std::string_view kNewsNs = "http://www.google.com/schemas/sitemap-news/0.9";
constexpr std::string_view kImageNs = "http://www.google.com/schemas/sitemap-image/1.1";

// An element's name, resolved once, with the tests the readers ask of it.
struct El {
  pugi::xml_node node;
  tree::Name name;
  explicit El(pugi::xml_node n) : node(n), name(tree::name_of(n)) {}
  El(pugi::xml_node n, const tree::NsScope& scope) : node(n), name(scope.name_of(n)) {}
  bool is(std::string_view local, std::string_view ns) const { return name.local == local && name.ns == ns; }
  bool is(std::string_view local) const { return name.local == local; }
  // No namespace, or one of the RSS namespaces (and the sitemap one).
  bool plain(std::string_view local) const {
    if (name.local != local) return false;
    std::string_view href = name.ns;
    return href.empty() || href == "http://purl.org/rss/1.0/" || href.find("backend.userland.com") != std::string_view::npos ||
           href == "http://my.netscape.com/rdf/simple/0.9/" || href.find("sitemaps.org/schemas/sitemap") != std::string_view::npos;
  }
};

// Calls fn(El) for each child element of n.
template <class Fn>
void for_each_element(pugi::xml_node n, Fn&& fn) {
  const tree::NsScope scope(n);
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) fn(El(c, scope));
  }
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
  std::unordered_set<size_t> seen_ids;  // hashes of the ids kept (a collision is ~1 in 10^19)
  // The namespace of an Atom feed's elements: Atom's, or none for a <feed>
  // written without it (its entries are read all the same).
  std::string_view atom_ns = kAtomNs;

  // Reads a date into `slot`. A repeated element overwrites what it wrote
  // before (the last one stands, as in feedparser); a fallback (`Fill::kIfEmpty`:
  // dc:date beside pubDate, Atom 0.3's created beside issued) never does.
  enum class Fill { kOverwrite, kIfEmpty };
  void date(std::optional<core::TimePoint>& slot, std::optional<int>& offset, const std::string& text,
            std::string_view kind, size_t position, Fill fill = Fill::kIfEmpty) {
    if (text.empty() || (slot && fill == Fill::kIfEmpty)) return;
    auto z = core::parse_zoned(text);
    if (!z) {
      feed.warnings.push_back(fmt::format("{} {}: unreadable date '{}'", kind, position, text));
      return;
    }
    slot = z->utc;
    offset = z->offset_minutes;
  }

  void enclosure(core::FeedEntry& e, pugi::xml_node n, std::string_view url_attr, std::string_view length_attr) {
    core::Enclosure enc;
    enc.url = tree::resolve(n, attr(n, url_attr), base_url);
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
  bool media(core::FeedEntry& e, const El& c) {
    if (c.is("group", kMediaNs)) {
      for_each_element(c.node, [&](const El& g) { media(e, g); });
      return true;
    }
    if (c.is("content", kMediaNs)) {
      enclosure(e, c.node, "url", "fileSize");
      return true;
    }
    if (c.is("thumbnail", kMediaNs)) {
      if (e.image.empty()) e.image = tree::resolve(c.node, attr(c.node, "url"), base_url);
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
    if (!seen_ids.insert(std::hash<std::string>{}(e.guid)).second) {
      feed.warnings.push_back(fmt::format("item {}: duplicate id '{}'; dropped", position, e.guid));
      return;
    }
    if (!e.published) {
      e.published = e.updated;
      e.published_offset = e.updated_offset;
    }
    feed.entries.push_back(std::move(e));
  }

  // Summary or content HTML with its relative links made absolute.
  std::string html(pugi::xml_node n, std::string markup) const { return tree::resolve_links(n, std::move(markup), base_url); }

  void rss_item(pugi::xml_node item, size_t position) {
    core::FeedEntry e;
    constexpr std::string_view where = "item";
    std::string link, guid_link;
    // Dublin Core's title and description stand in for RSS's own when absent.
    std::string dc_title, dc_description;
    for_each_element(item, [&](const El& c) {
      pugi::xml_node n = c.node;
      if (c.plain("title")) e.title = plain_title(tree::text(n));
      else if (c.is("title", kDcNs)) dc_title = plain_title(tree::text(n));
      else if (c.plain("link")) link = tree::text(n);
      else if (c.plain("guid")) {
        e.guid = tree::text(n);
        if (attr(n, "isPermaLink") != "false" && (e.guid.rfind("http://", 0) == 0 || e.guid.rfind("https://", 0) == 0)) {
          guid_link = e.guid;
        }
      } else if (c.plain("description")) e.summary = html(n, tree::markup(n));
      else if (c.is("description", kDcNs)) dc_description = html(n, tree::markup(n));
      else if (c.is("encoded", kContentNs) || c.plain("fullitem")) e.content = html(n, tree::markup(n));
      else if (c.is("body", kXhtmlNs) || c.plain("body")) e.content = html(n, tree::inner_xml(n));
      else if (c.plain("author") || c.is("creator", kDcNs) || c.is("author", kDcNs)) {
        std::string who = author_name(tree::text(n));
        if (!who.empty()) e.authors.push_back(who);
      } else if (c.plain("pubDate") || c.is("issued", kDcTermsNs)) {
        date(e.published, e.published_offset, tree::text(n), where, position, Fill::kOverwrite);
      } else if (c.is("date", kDcNs) || c.is("created", kDcTermsNs)) {
        date(e.published, e.published_offset, tree::text(n), where, position);
      } else if (c.is("updated", kAtomNs) || c.is("modified", kDcTermsNs)) {
        date(e.updated, e.updated_offset, tree::text(n), where, position, Fill::kOverwrite);
      } else if (c.plain("category") || c.is("subject", kDcNs)) {
        std::string cat = core::collapse_whitespace(tree::text(n));
        if (!cat.empty()) e.categories.push_back(cat);
      } else if (c.plain("enclosure")) enclosure(e, n, "url", "length");
      else if (c.is("link", kAtomNs) && link.empty() && (attr(n, "rel").empty() || attr(n, "rel") == "alternate")) {
        link = attr(n, "href");
      } else media(e, c);
    });
    if (e.title.empty()) e.title = std::move(dc_title);
    if (e.summary.empty()) e.summary = std::move(dc_description);
    if (link.empty()) link = guid_link;
    if (link.empty()) link = attr(item, "about");  // RSS 1.0 rdf:about
    e.url = tree::resolve(item, link, base_url);
    keep(std::move(e), position);
  }

  void atom_link(pugi::xml_node c, std::string& alternate, core::FeedEntry* entry) {
    std::string rel = attr(c, "rel");
    std::string href = tree::resolve(c, attr(c, "href"), base_url);
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

  std::vector<std::string> atom_authors(pugi::xml_node n) const {
    std::vector<std::string> out;
    for_each_element(n, [&](const El& c) {
      if (!c.is("author", atom_ns)) return;
      for_each_element(c.node, [&](const El& a) {
        if (!a.is("name", atom_ns)) return;
        std::string who = core::collapse_whitespace(tree::text(a.node));
        if (!who.empty()) out.push_back(who);
      });
    });
    return out;
  }

  // What an Atom text construct (title, summary, content) holds, read by
  // its type: Atom 1.0's text, html and xhtml or a MIME type, and Atom 0.3's
  // mode (xml, escaped or base64). `html` says the value is markup.
  struct Construct {
    std::string value;
    bool html = false;
  };

  static Construct atom_construct(pugi::xml_node c) {
    std::string type = core::to_lower_ascii(attr(c, "type"));
    std::string mode = core::to_lower_ascii(attr(c, "mode"));
    bool html_type = type == "html" || type == "text/html";
    bool xhtml_type = type == "xhtml" || type == "application/xhtml+xml";
    bool text_type = type.empty() || type == "text" || type.rfind("text/", 0) == 0;
    bool xml_type = type.ends_with("+xml") || type.ends_with("/xml");
    if (mode == "base64" || (!html_type && !xhtml_type && !text_type && !xml_type)) {
      // Base64 of the bytes (RFC 4287 §4.1.3.3): text when they are UTF-8.
      std::string written = tree::text(c);
      auto bytes = core::decode_base64(written);
      if (!bytes || !text::is_valid_utf8(*bytes, false)) return {};
      return {std::move(*bytes), html_type || xhtml_type};
    }
    if (xhtml_type || (mode == "xml" && html_type)) {
      // The content is one xhtml:div; its inside is the markup.
      for (pugi::xml_node d = c.first_child(); d; d = d.next_sibling()) {
        if (d.type() == pugi::node_element && tree::name_of(d).local == "div") return {tree::inner_xml(d), true};
      }
      return {tree::markup(c), true};
    }
    if (html_type || mode == "escaped") return {tree::markup(c), true};
    // Text (and XML types): element children written in it are markup all the same.
    for (pugi::xml_node d = c.first_child(); d; d = d.next_sibling()) {
      if (d.type() == pugi::node_element) return {tree::inner_xml(c), true};
    }
    return {tree::text(c), false};
  }

  // A title is plain text: markup stripped from HTML, text kept as written.
  static std::string atom_title(pugi::xml_node c) {
    Construct t = atom_construct(c);
    return t.html ? plain_title(t.value) : core::collapse_whitespace(t.value);
  }

  std::string atom_html(pugi::xml_node c) const { return atom_html(c, atom_construct(c)); }
  std::string atom_html(pugi::xml_node c, Construct t) const {
    return t.html ? html(c, std::move(t.value)) : std::move(t.value);
  }

  // Atom 1.0 entries, and Atom 0.3's (issued, modified, created), in the
  // namespace the feed's root has.
  void atom_entry(pugi::xml_node entry, size_t position, const std::vector<std::string>& feed_authors) {
    core::FeedEntry e;
    constexpr std::string_view where = "entry";
    std::string alternate;
    bool content_is_text = false;
    for_each_element(entry, [&](const El& c) {
      pugi::xml_node n = c.node;
      bool own = c.name.ns == atom_ns;
      if (own && c.is("title")) e.title = atom_title(n);
      else if (own && c.is("id")) {
        e.guid = tree::text(n);
        // An id written as a path ("/2026/12/story") is a relative reference:
        // made absolute, it stays one outlet's and as stable as its base.
        if (e.guid.size() > 1 && e.guid[0] == '/' && e.guid[1] != '/') e.guid = tree::resolve(n, e.guid, base_url);
      }
      else if (own && c.is("link")) atom_link(n, alternate, &e);
      else if (own && c.is("summary")) e.summary = atom_html(n);
      else if (own && c.is("content")) {
        // Atom 0.3 may offer several: the first HTML one wins over text.
        Construct content = atom_construct(n);
        bool text_kind = !content.html;
        if (e.content.empty() || (content_is_text && !text_kind)) {
          e.content = atom_html(n, std::move(content));
          content_is_text = text_kind;
        }
        if (alternate.empty() && !attr(n, "src").empty()) alternate = tree::resolve(n, attr(n, "src"), base_url);
      } else if (own && (c.is("published") || c.is("issued"))) {
        date(e.published, e.published_offset, tree::text(n), where, position, Fill::kOverwrite);
      } else if (own && c.is("created")) {
        date(e.published, e.published_offset, tree::text(n), where, position);
      } else if (own && (c.is("updated") || c.is("modified"))) {
        date(e.updated, e.updated_offset, tree::text(n), where, position, Fill::kOverwrite);
      } else if (own && c.is("category")) {
        std::string term = attr(n, "term");
        if (term.empty()) term = attr(n, "label");
        if (!term.empty()) e.categories.push_back(term);
      } else if (c.is("subject", kDcNs)) {
        std::string cat = core::collapse_whitespace(tree::text(n));
        if (!cat.empty()) e.categories.push_back(cat);
      } else if (c.is("date", kDcNs)) {
        date(e.published, e.published_offset, tree::text(n), where, position);
      } else if (c.is("creator", kDcNs)) {
        std::string who = author_name(tree::text(n));
        if (!who.empty()) e.authors.push_back(who);
      } else media(e, c);
    });
    std::vector<std::string> authors = atom_authors(entry);
    if (!authors.empty()) e.authors = std::move(authors);
    if (e.authors.empty()) e.authors = feed_authors;
    e.url = alternate;
    keep(std::move(e), position);
  }

  void atom(pugi::xml_node root) {
    feed.format = Format::kAtom;
    feed.language = attr(root, "lang");
    std::replace(feed.language.begin(), feed.language.end(), '_', '-');  // "en_US" is written too
    std::vector<std::string> authors = atom_authors(root);
    std::string alternate;
    size_t n = 0;
    for_each_element(root, [&](const El& c) {
      if (c.name.ns != atom_ns) return;
      if (c.is("title")) feed.title = atom_title(c.node);
      else if (c.is("link")) atom_link(c.node, alternate, nullptr);
      else if (c.is("entry")) atom_entry(c.node, ++n, authors);
    });
    feed.link = alternate;
  }

  void channel_field(const El& c) {
    pugi::xml_node n = c.node;
    if (c.plain("title")) feed.title = plain_title(tree::text(n));
    else if (c.is("title", kDcNs) && feed.title.empty()) feed.title = plain_title(tree::text(n));
    else if (c.plain("link")) feed.link = tree::resolve(n, tree::text(n), base_url);
    else if (c.plain("language") || c.is("language", kDcNs)) feed.language = tree::text(n);
    else if (c.plain("ttl")) {
      std::string t = tree::text(n);
      auto minutes = number(t);
      if (minutes && *minutes <= 100000) feed.ttl_minutes = static_cast<int>(*minutes);
      else feed.warnings.push_back(fmt::format("channel: ttl '{}' is not a number of minutes; ignored", t));
    } else if (c.plain("skipHours")) {
      for_each_element(n, [&](const El& h) {
        auto hour = h.plain("hour") ? number(tree::text(h.node)) : std::nullopt;
        if (hour && *hour <= 23) feed.skip_hours.push_back(static_cast<int>(*hour));  // RSS: 0-23, GMT
      });
      std::sort(feed.skip_hours.begin(), feed.skip_hours.end());
      feed.skip_hours.erase(std::unique(feed.skip_hours.begin(), feed.skip_hours.end()), feed.skip_hours.end());
    } else if (c.plain("skipDays")) {
      for_each_element(n, [&](const El& d) {
        if (d.plain("day")) feed.skip_days.push_back(tree::text(d.node));
      });
    } else if (c.is("link", kAtomNs)) {
      std::string ignored;
      atom_link(n, ignored, nullptr);
    }
  }

  void rss(pugi::xml_node channel, bool rdf) {
    feed.format = rdf ? Format::kRdf : Format::kRss;
    size_t n = 0;
    // RDF puts items beside the channel; RSS 2.0 inside it.
    for_each_element(channel, [&](const El& c) {
      if (c.plain("item")) {
        rss_item(c.node, ++n);
      } else if (rdf && c.plain("channel")) {
        for_each_element(c.node, [&](const El& d) { channel_field(d); });
      } else if (!rdf) {
        channel_field(c);
      }
    });
  }

  void sitemap(pugi::xml_node root) {
    feed.format = Format::kSitemap;
    size_t n = 0;
    for_each_element(root, [&](const El& u) {
      if (!u.plain("url")) return;
      core::FeedEntry e;
      constexpr std::string_view where = "url";
      ++n;
      for_each_element(u.node, [&](const El& c) {
        if (c.plain("loc")) e.url = tree::resolve(c.node, tree::text(c.node), base_url);
        else if (c.plain("lastmod")) date(e.updated, e.updated_offset, tree::text(c.node), where, n);
        else if (c.is("news", kNewsNs)) {
          for_each_element(c.node, [&](const El& d) {
            if (d.is("title", kNewsNs)) e.title = plain_title(tree::text(d.node));
            else if (d.is("publication_date", kNewsNs)) date(e.published, e.published_offset, tree::text(d.node), where, n);
            else if (d.is("keywords", kNewsNs)) {
              for (const auto& k : core::split(tree::text(d.node), ',')) {
                std::string word(core::trim(k));
                if (!word.empty()) e.categories.push_back(word);
              }
            } else if (d.is("publication", kNewsNs)) {
              for_each_element(d.node, [&](const El& p) {
                if (p.is("language", kNewsNs) && feed.language.empty()) feed.language = tree::text(p.node);
                else if (p.is("name", kNewsNs) && feed.title.empty()) feed.title = plain_title(tree::text(p.node));
              });
            }
          });
        } else if (c.is("image", kImageNs) && e.image.empty()) {
          for_each_element(c.node, [&](const El& d) {
            if (d.is("loc", kImageNs)) e.image = tree::resolve(d.node, tree::text(d.node), base_url);
          });
        }
      });
      keep(std::move(e), n);
    });
  }

  void sitemap_index(pugi::xml_node root) {
    feed.format = Format::kSitemapIndex;
    for_each_element(root, [&](const El& s) {
      if (!s.plain("sitemap")) return;
      for_each_element(s.node, [&](const El& c) {
        if (!c.plain("loc")) return;
        std::string url = tree::resolve(c.node, tree::text(c.node), base_url);
        if (!url.empty()) feed.sitemaps.push_back(url);
      });
    });
  }
};

// A feed document as a well-formed UTF-8 tree: pugixml on the bytes as they
// are when they are UTF-8 and well-formed (nearly always, and fast); else
// libxml2's recover mode first, its errors kept as warnings.
struct Document {
  pugi::xml_document doc;
  std::string recovered;  // the buffer pugixml parsed on the slow path (kept alive)
  std::vector<std::string> warnings;
  std::string failure;    // why no tree could be read
};

constexpr unsigned kPugiOptions = pugi::parse_default & ~pugi::parse_wconv_attribute;

void load(Document& d, std::string_view body, std::string_view http_charset) {
  std::string expanded;
  if (xml::expand_internal_entities(body, expanded, d.warnings) > 0) body = expanded;
  std::string repaired;
  size_t bare = xml::escape_bare_ampersands(body, repaired);
  if (bare > 0) {
    body = repaired;
    d.warnings.push_back(fmt::format("{} bare '&' in the XML read as text", bare));
  }
  std::string encoding = xml::encoding_for(body, http_charset);
  bool utf16 = body.substr(0, 2) == "\xFF\xFE" || body.substr(0, 2) == "\xFE\xFF";
  if (!encoding.empty() && !utf16) {
    // Another single-byte or multi-byte encoding: to UTF-8 first, then the fast path.
    if (auto converted = text::to_utf8(body, encoding)) {
      d.recovered = std::move(*converted);
      auto result = d.doc.load_buffer(d.recovered.data(), d.recovered.size(), kPugiOptions, pugi::encoding_utf8);
      if (result && d.doc.document_element()) return;
    }
  } else if (!utf16) {
    auto result = d.doc.load_buffer(body.data(), body.size(), kPugiOptions, pugi::encoding_utf8);
    if (result && d.doc.document_element()) return;
  }
  xml::Recovered r = xml::recover(body, encoding);
  if (r.xml.empty()) {
    d.failure = "not XML and not JSON: no feed could be read" + (r.messages.empty() ? "" : " (" + r.messages.front() + ")");
    return;
  }
  d.recovered = std::move(r.xml);
  d.doc.reset();
  auto result = d.doc.load_buffer(d.recovered.data(), d.recovered.size(), kPugiOptions, pugi::encoding_utf8);
  if (!result || !d.doc.document_element()) {
    d.failure = std::string("the recovered document could not be read: ") + result.description();
    return;
  }
  if (r.errors > 0) {
    std::string more = r.errors > 1 ? fmt::format(" (and {} more)", r.errors - 1) : "";
    d.warnings.insert(d.warnings.begin(), fmt::format("XML errors recovered from: {}{}; items after the damage may be missing",
                                                      r.messages.empty() ? "" : r.messages.front(), more));
  }
}

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
  Document d;
  load(d, body, http_charset);
  if (!d.failure.empty()) return core::fail(core::ErrorCode::kInvalidInput, d.failure);
  pugi::xml_node root = d.doc.document_element();
  Feed feed;
  Reader reader{base_url, feed, {}};
  El r(root);
  if (r.is("feed")) {
    // Atom 1.0; Atom 0.3 (http://purl.org/atom/ns#) and its drafts' namespaces;
    // or none: the elements are read in the namespace the root is in.
    reader.atom_ns = r.name.ns;
    reader.atom(root);
  } else if (r.is("rss")) {
    pugi::xml_node channel;
    for_each_element(root, [&](const El& c) {
      if (!channel && c.is("channel")) channel = c.node;
    });
    // Without a <channel>, items and channel fields are read from the root.
    reader.rss(channel ? channel : root, /*rdf=*/false);
  } else if (r.is("RDF")) {
    reader.rss(root, /*rdf=*/true);
  } else if (r.is("urlset")) {
    reader.sitemap(root);
  } else if (r.is("sitemapindex")) {
    reader.sitemap_index(root);
  } else if (core::to_lower_ascii(r.name.local) == "html") {
    return core::fail(core::ErrorCode::kInvalidInput, not_a_feed_page(body, base_url));
  } else {
    return core::fail(core::ErrorCode::kInvalidInput, fmt::format("not a feed: the root element is <{}>", root.name()));
  }
  feed.warnings.insert(feed.warnings.begin(), d.warnings.begin(), d.warnings.end());
  return feed;
}

core::Result<std::vector<OpmlOutline>> parse_opml(std::string_view body) {
  Document d;
  load(d, body, "");
  pugi::xml_node root = d.failure.empty() ? d.doc.document_element() : pugi::xml_node();
  if (!root || El(root).name.local != "opml") {
    return core::fail(core::ErrorCode::kInvalidInput, "not an OPML document (no <opml> root element)");
  }
  // The line of a node in the buffer pugixml parsed (the document's own bytes
  // on the fast path; libxml2's rewrite after a recovery, close to them).
  std::string_view parsed = d.recovered.empty() ? body : std::string_view(d.recovered);
  auto line_at = [&](pugi::xml_node node) -> size_t {
    ptrdiff_t offset = node.offset_debug();
    if (offset < 0 || static_cast<size_t>(offset) > parsed.size()) return 0;
    return 1 + static_cast<size_t>(std::count(parsed.begin(), parsed.begin() + offset, '\n'));
  };
  std::vector<OpmlOutline> out;
  // Pre-order walk in document order; a folder outline's title is the category below it.
  std::vector<std::pair<pugi::xml_node, std::string>> stack{{root, ""}};
  while (!stack.empty()) {
    auto [node, category] = stack.back();
    stack.pop_back();
    std::string below = category;
    if (El(node).is("outline")) {
      std::string xml_url = attr(node, "xmlUrl");
      std::string title = attr(node, "title").empty() ? attr(node, "text") : attr(node, "title");
      if (!xml_url.empty()) {
        out.push_back({title, xml_url, attr(node, "htmlUrl"), attr(node, "language"), attr(node, "country"), category,
                       line_at(node)});
      } else {
        below = title;
      }
    }
    std::vector<pugi::xml_node> children;
    for_each_element(node, [&](const El& c) {
      if (c.is("body") || c.is("outline")) children.push_back(c.node);
    });
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
