#include "extract/metadata.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/strings.hpp"
#include "core/url.hpp"
#include "text/tokens.hpp"

namespace newsdesk::extract {
namespace {

using nlohmann::json;

// Metadata values arrive HTML-escaped, sometimes twice, and with odd spacing.
std::string clean(const std::string& s) { return core::collapse_whitespace(core::decode_html_entities(s)); }

bool looks_like_url(const std::string& s) { return s.rfind("http", 0) == 0 || s.rfind("//", 0) == 0 || s.rfind('/', 0) == 0; }

// ---- JSON-LD ------------------------------------------------------------

const std::vector<std::string> kArticleTypes = {
    "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting", "LiveBlogPosting",
    "OpinionNewsArticle", "BackgroundNewsArticle", "Report", "VideoObject", "TechArticle", "ScholarlyArticle",
    "SocialMediaPosting", "WebPage", "MedicalWebPage", "Review", "HowTo", "Recipe"};

bool type_in(const json& node, const std::vector<std::string>& names) {
  auto it = node.find("@type");
  if (it == node.end()) return false;
  auto match = [&](const json& t) {
    return t.is_string() && std::find(names.begin(), names.end(), t.get<std::string>()) != names.end();
  };
  if (it->is_array()) return std::any_of(it->begin(), it->end(), match);
  return match(*it);
}

struct JsonLd {
  std::vector<json> documents;
  std::unordered_map<std::string, const json*> by_id;
  std::vector<const json*> articles;  // article-like nodes, best first
};

void index_node(const json& j, JsonLd& ld, int depth) {
  if (depth > 10) return;
  if (j.is_array()) {
    for (const auto& e : j) index_node(e, ld, depth + 1);
    return;
  }
  if (!j.is_object()) return;
  if (auto id = j.find("@id"); id != j.end() && id->is_string() && j.size() > 1) ld.by_id.emplace(id->get<std::string>(), &j);
  if (type_in(j, kArticleTypes)) ld.articles.push_back(&j);
  for (const char* nested : {"@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"}) {
    if (auto it = j.find(nested); it != j.end()) index_node(*it, ld, depth + 1);
  }
}

JsonLd read_json_ld(const std::vector<std::string>& bodies) {
  JsonLd ld;
  for (const auto& body : bodies) {
    auto j = json::parse(body, nullptr, false);
    if (!j.is_discarded()) ld.documents.push_back(std::move(j));
  }
  for (const auto& d : ld.documents) index_node(d, ld, 0);
  // A real article type before a WebPage; otherwise document order.
  std::stable_sort(ld.articles.begin(), ld.articles.end(), [](const json* a, const json* b) {
    return !type_in(*a, {"WebPage", "MedicalWebPage"}) && type_in(*b, {"WebPage", "MedicalWebPage"});
  });
  return ld;
}

// The name of a thing, following an {"@id": ...} reference inside the page.
std::string name_of(const json& j, const JsonLd& ld, int depth = 0) {
  if (depth > 3) return {};
  if (j.is_string()) return clean(j.get<std::string>());
  if (j.is_array()) return j.empty() ? std::string() : name_of(j.front(), ld, depth + 1);
  if (!j.is_object()) return {};
  if (auto n = j.find("name"); n != j.end()) return name_of(*n, ld, depth + 1);
  if (auto id = j.find("@id"); id != j.end() && id->is_string()) {
    auto it = ld.by_id.find(id->get<std::string>());
    if (it != ld.by_id.end() && it->second != &j) return name_of(*it->second, ld, depth + 1);
  }
  return {};
}

// The node an {"@id": ...} stub stands for (Yoast's "image": {"@id": "#primaryimage"}).
const json& resolved(const json& j, const JsonLd& ld) {
  if (!j.is_object() || j.size() != 1) return j;
  auto id = j.find("@id");
  if (id == j.end() || !id->is_string()) return j;
  auto it = ld.by_id.find(id->get<std::string>());
  return it != ld.by_id.end() ? *it->second : j;
}

// JSON-LD booleans arrive as true/false or as "True"/"False" strings.
std::optional<bool> truth_of(const json& j) {
  if (j.is_boolean()) return j.get<bool>();
  if (!j.is_string()) return std::nullopt;
  std::string s = core::to_lower_ascii(core::trim(j.get<std::string>()));
  if (s == "true") return true;
  if (s == "false") return false;
  return std::nullopt;
}

std::string url_of(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_array()) return j.empty() ? std::string() : url_of(j.front());
  if (j.is_object()) {
    for (const char* key : {"url", "contentUrl", "@id"}) {
      if (auto it = j.find(key); it != j.end() && it->is_string()) return it->get<std::string>();
    }
  }
  return {};
}

std::string string_at(const json& node, const char* key) {
  auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void read_article_body(const JsonLd& ld, Metadata& m) {
  for (const json* a : ld.articles) {
    m.article_body = string_at(*a, "articleBody");
    if (!m.article_body.empty()) return;
  }
}

void read_live_updates(const JsonLd& ld, Metadata& m) {
  auto blog = std::find_if(ld.articles.begin(), ld.articles.end(),
                           [](const json* a) { return type_in(*a, {"LiveBlogPosting"}); });
  if (blog == ld.articles.end()) return;
  auto updates = (*blog)->find("liveBlogUpdate");
  if (updates == (*blog)->end()) return;
  auto add = [&](const json& u) {
    if (!u.is_object()) return;
    Metadata::LiveUpdate entry;
    if (auto h = u.find("headline"); h != u.end()) entry.headline = name_of(*h, ld);
    entry.published = core::parse_zoned(string_at(u, "datePublished"));
    entry.body = string_at(u, "articleBody");
    if (entry.body.empty()) entry.body = string_at(u, "text");
    if (!entry.headline.empty() || !entry.body.empty()) m.live_updates.push_back(std::move(entry));
  };
  if (updates->is_array()) {
    for (const auto& u : *updates) add(u);
  } else {
    add(*updates);
  }
}

void apply_json_ld(const JsonLd& ld, Metadata& m, const std::string& page_url) {
  if (ld.articles.empty()) return;
  const json& a = *ld.articles.front();
  if (auto t = a.find("@type"); t != a.end()) m.schema_type = t->is_array() && !t->empty() ? name_of((*t)[0], ld) : name_of(*t, ld);
  auto text = [&](const char* key) -> std::string {
    auto it = a.find(key);
    return it == a.end() ? std::string() : name_of(*it, ld);
  };
  m.title = text("headline");
  if (auto au = a.find("author"); au != a.end()) {
    auto add = [&](const json& x) {
      std::string name = name_of(x, ld);
      if (!name.empty() && !looks_like_url(name)) {
        for (auto& part : split_byline(name)) m.authors.push_back(part);
      }
    };
    if (au->is_array()) {
      for (const auto& x : *au) add(x);
    } else {
      add(*au);
    }
  }
  m.published = core::parse_zoned(text("datePublished"));
  if (!m.published) m.published = core::parse_zoned(text("dateCreated"));
  m.modified = core::parse_date(text("dateModified"));
  m.description = text("description");
  if (auto p = a.find("publisher"); p != a.end()) m.site_name = name_of(*p, ld);
  if (auto img = a.find("image"); img != a.end()) {
    auto add = [&](const json& x) {
      const json& image = resolved(x, ld);
      DeclaredImage d{core::resolve_url(page_url, url_of(image)), {}, {}};
      if (image.is_object()) {
        if (auto c = image.find("caption"); c != image.end()) d.caption = clean(name_of(*c, ld));
        for (const char* key : {"creditText", "copyrightHolder", "author", "creator"}) {
          if (auto c = image.find(key); c != image.end()) d.credit = clean(name_of(*c, ld));
          if (!d.credit.empty()) break;
        }
      }
      if (!d.url.empty() && m.images.size() < 8) m.images.push_back(std::move(d));
    };
    if (img->is_array()) {
      for (const auto& x : *img) add(x);
    } else {
      add(*img);
    }
    if (!m.images.empty()) {
      m.image_url = m.images.front().url;
      m.image_caption = m.images.front().caption;
    }
  }
  m.language = text("inLanguage");
  read_article_body(ld, m);
  read_live_updates(ld, m);
  if (auto free = a.find("isAccessibleForFree"); free != a.end()) m.accessible_for_free = truth_of(*free);
  if (auto parts = a.find("hasPart"); parts != a.end()) {
    auto add = [&](const json& part) {
      if (!part.is_object()) return;
      auto free = part.find("isAccessibleForFree");
      auto selector = part.find("cssSelector");
      if (free == part.end() || truth_of(*free) != false || selector == part.end() || !selector->is_string()) return;
      for (const auto& one : core::split(selector->get<std::string>(), ',')) {
        std::string s(core::trim(one));
        if (!s.empty() && m.paywalled_selectors.size() < 8) m.paywalled_selectors.push_back(std::move(s));
      }
    };
    if (parts->is_array()) {
      for (const auto& x : *parts) add(x);
    } else {
      add(*parts);
    }
  }
}

// ---- meta tags ----------------------------------------------------------

using MetaMap = std::map<std::string, std::string>;  // lower-case name/property -> first content

void add_meta(MetaMap& meta, const xmlNode* n) {
  std::string_view key = attribute_view(n, "property");
  if (key.empty()) key = attribute_view(n, "name");
  if (key.empty()) key = attribute_view(n, "itemprop");
  if (key.empty()) key = attribute_view(n, "http-equiv");
  std::string_view content = attribute_view(n, "content");
  if (key.empty() || content.empty()) return;
  std::string lower_key = core::to_lower_ascii(key);
  if (meta.count(lower_key) == 0) meta.emplace(std::move(lower_key), clean(std::string(content)));
}

std::string first_of(const MetaMap& meta, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    auto it = meta.find(k);
    if (it != meta.end() && !it->second.empty()) return it->second;
  }
  return {};
}

std::optional<core::ZonedTime> first_date(const MetaMap& meta, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    auto it = meta.find(k);
    if (it == meta.end()) continue;
    if (auto t = core::parse_zoned(it->second)) return t;
  }
  return std::nullopt;
}

// ---- the visible page ----------------------------------------------------

std::vector<std::string> tokens_of(const xmlNode* n) {
  std::vector<std::string> out;
  if (n->properties == nullptr) return out;
  for (const char* attr : {"class", "id", "itemprop", "rel", "data-testid"}) append_words(attribute_view(n, attr), out);
  return out;
}

// `wanted` as string views: their lengths are known at compile time, so a
// comparison is a length check before any byte is read.
bool has_token(const std::vector<std::string>& tokens, std::initializer_list<std::string_view> wanted) {
  for (const auto& t : tokens) {
    for (std::string_view w : wanted) {
      if (t == w) return true;
    }
  }
  return false;
}

// "By Jane Doe, Staff Writer · Dec 19, 2025" -> "Jane Doe, Staff Writer";
// "" when what is left does not look like a name.
std::string byline_text(std::string text) {
  text = clean(text);
  for (const char* prefix : {"written by ", "posted by ", "words by ", "reviewed by ", "author: ", "authors: ", "by: ", "by "}) {
    if (core::starts_with_icase(text, prefix)) {
      text = text.substr(std::string(prefix).size());
      break;
    }
  }
  // "Guide by Jane Doe": a short label before " by ".
  auto by = core::to_lower_ascii(text).find(" by ");
  if (by != std::string::npos && by < 20) text = text.substr(by + 4);
  for (const char* cut : {" | ", " · ", " • ", " ⋅ ", " - ", " — ", " – ", " on ", " published", " updated", " posted",
                          "published ", "updated "}) {
    auto lower = core::to_lower_ascii(text);
    auto pos = lower.find(cut);
    if (pos != std::string::npos && pos > 0) text = text.substr(0, pos);
  }
  if (auto date = core::find_date_in_text(text)) {
    // a date run into the name: keep what stands before any digit
    auto digit = text.find_first_of("0123456789");
    if (digit != std::string::npos) text = text.substr(0, digit);
  }
  text = std::string(core::trim(text));
  while (!text.empty() && (text.back() == ',' || text.back() == '|' || text.back() == ':')) text.pop_back();
  text = std::string(core::trim(text));
  // "Will Judd Former Deputy Tech Editor": a job title run into the name.
  {
    auto words = core::split(text, ' ');
    for (size_t i = 2; i < words.size(); ++i) {
      std::string w = core::to_lower_ascii(words[i]);
      bool month = w.size() >= 3 && core::find_date_in_text(w + " 1, 2000").has_value() &&
                   std::isalpha(static_cast<unsigned char>(w[0]));
      if (month || w == "founder" || w == "co-founder" || w == "ceo" || w == "cto" || w == "president" ||
          w == "director" || w == "manager" || w == "head" || w == "former" || w == "senior" || w == "staff" || w == "editor" || w == "writer" || w == "reporter" ||
          w == "analyst" || w == "correspondent" || w == "contributor" || w == "columnist" || w == "associate" ||
          w == "deputy" || w == "chief" || w == "managing" || w == "contributing") {
        std::string kept;
        for (size_t k = 0; k < i; ++k) kept += (k ? " " : "") + words[k];
        text = kept;
        break;
      }
    }
  }
  if (core::to_lower_ascii(text) == "by") return {};
  size_t words = static_cast<size_t>(std::count(text.begin(), text.end(), ' ')) + 1;
  if (text.size() < 2 || text.size() > 80 || words > 8) return {};
  std::string lower = core::to_lower_ascii(text);
  if (text.find('?') != std::string::npos || text.find('!') != std::string::npos) return {};
  if (text.find("'s ") != std::string::npos || text.find("\u2019s ") != std::string::npos) return {};  // "Site's guidelines"
  for (const char* junk : {"share", "follow", "comment", "subscribe", "facebook", "twitter", "email", "read more",
                           "author", "posts by", "view all", "about", "updated", "published", "posted", "bluesky",
                           "linkedin", "instagram", "mastodon", "youtube", "tiktok", "threads"}) {
    if (lower.find(junk) != std::string::npos) return {};
  }
  // A month or weekday is a date, not a name.
  auto first_word = lower.substr(0, lower.find(' '));
  for (const char* when : {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
                           "mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
    if (first_word.rfind(when, 0) == 0 && first_word.size() <= 9) return {};
  }
  if (text.size() < 4 && std::all_of(text.begin(), text.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); })) {
    return {};  // initials or an agency code
  }
  return text;
}

// What one walk over the page collects for the metadata.
// "Jane Q. Doe", "Sergio Martínez-Beltrán", "Arlene van Dyke": two to five
// words, capitalised (particles and initials allowed), no organisation words.
bool looks_like_person(const std::string& name) {
  auto words = core::split(core::collapse_whitespace(name), ' ');
  if (words.size() < 2 || words.size() > 5) return false;
  static const std::unordered_set<std::string_view> kParticles = {"de", "da", "del", "van", "von", "der", "la", "le",
                                                                  "bin", "al", "di", "du", "dos", "das"};
  static const std::unordered_set<std::string_view> kOrganisation = {
      "news", "team", "staff", "editors", "editorial", "foundation", "center", "centre", "inc", "inc.", "llc",
      "ltd", "media", "press", "university", "times", "today", "agency", "group", "association", "department",
      "office", "institute", "network", "magazine", "guidelines", "desk", "wire", "reuters", "associated"};
  size_t upper_words = 0;
  for (const auto& w : words) {
    if (w.empty()) return false;
    std::string lower = core::to_lower_ascii(w);
    if (kOrganisation.count(lower) > 0) return false;
    if (kParticles.count(lower) > 0) continue;
    unsigned char first = static_cast<unsigned char>(w[0]);
    if (!(std::isupper(first) || first >= 0x80)) return false;
    if (w.size() > 3 && std::all_of(w.begin(), w.end(), [](char c) { return !std::islower(static_cast<unsigned char>(c)); })) {
      return false;  // "USA TODAY"
    }
    ++upper_words;
  }
  return upper_words >= 2;
}

// Links inside running text are citations ("says study author <a>"), not bylines.
bool inside_paragraph(const xmlNode* n) {
  for (const xmlNode* up = n->parent; up != nullptr; up = up->parent) {
    if (is_element(up, "p")) return true;
  }
  return false;
}

// The first non-blank text below `n`, trimmed.
std::string first_text_line(const xmlNode* n) {
  auto enter = [](const xmlNode* c) {
    return c->type == XML_ELEMENT_NODE && !is_element(c, "script") && !is_element(c, "style");
  };
  for (xmlNode* cur = n->children; cur != nullptr; cur = next_below(n, cur, enter(cur))) {
    if (cur->type == XML_TEXT_NODE && cur->content != nullptr) {
      std::string_view t = core::trim(reinterpret_cast<const char*>(cur->content));
      if (!t.empty()) return clean(std::string(t));
    }
  }
  return {};
}

// A link that opens a short paragraph of its own ("<p><a>Jane Doe</a>,
// Professor of ...</p>", the credit line of a republished article) names its
// author, where a link inside running text cites someone.
bool opens_short_paragraph(const xmlNode* link) {
  const xmlNode* p = link->parent;
  if (!is_element(p, "p")) return false;
  for (const xmlNode* c = p->children; c != nullptr && c != link; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) return false;
    if (c->type == XML_TEXT_NODE && c->content != nullptr &&
        !core::trim(reinterpret_cast<const char*>(c->content)).empty()) {
      return false;
    }
  }
  return spaced_text(p, 200).size() < 200;
}

// A heading that links to the site's front page is its masthead
// (<h1><a href="/">The Gazette</a></h1>), not an article's headline.
bool links_home(xmlNode* heading) {
  for (xmlNode* a : find_all(heading, "a")) {
    std::string_view href = core::trim(attribute_view(a, "href"));
    if (href == "/" || href == "./") return true;
    for (std::string_view scheme : {"https://", "http://", "//"}) {
      if (href.substr(0, scheme.size()) != scheme) continue;
      std::string_view rest = href.substr(scheme.size());
      size_t slash = rest.find('/');
      if (slash == std::string_view::npos || slash + 1 == rest.size()) return true;
    }
  }
  return false;
}

struct Visible {
  MetaMap meta;
  std::vector<std::string> json_ld;  // bodies of <script type="application/ld+json">
  std::string canonical;              // <link rel="canonical" href>
  std::string title;                  // <title>
  std::vector<std::string> bylines;
  std::vector<std::string> author_links;  // text of links to author pages (/author/jane-doe)
  std::vector<std::string> by_lines;      // short lines that read "By Jane Doe"
  std::optional<core::ZonedTime> date;       // from <time>, itemprop or a date-like box
  std::optional<core::ZonedTime> said_date;  // from a short "Published ..." / "Posted ..." line
  std::optional<core::ZonedTime> byline_date;   // a date inside the author's box
  std::optional<core::ZonedTime> updated_date;  // from a short "Updated ..." line
  std::optional<core::ZonedTime> lone_date;     // the first element that holds nothing but a date
  std::optional<core::ZonedTime> time_attr;  // the first <time datetime>
  std::vector<std::string> h1s;
  int dated_times = 0;  // <time> elements with a datetime attribute
};

// A cheap first look at class/id/itemprop/rel/data-testid for words that
// tokens_of and has_token would then confirm. `scratch` is reused.
bool might_name_author_or_date(const xmlNode* n, std::string& scratch) {
  scratch.clear();
  // One pass over the attributes (not a lookup per name), values appended whole.
  for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    if (a->name == nullptr) continue;
    std::string_view name(reinterpret_cast<const char*>(a->name));
    if (name != "class" && name != "id" && name != "itemprop" && name != "rel" && name != "data-testid") continue;
    std::string_view value = attribute_view(n, name);
    size_t at = scratch.size();
    scratch.append(value);
    for (size_t i = at; i < scratch.size(); ++i) {
      if (scratch[i] >= 'A' && scratch[i] <= 'Z') scratch[i] = static_cast<char>(scratch[i] + 32);
    }
    scratch += ' ';
  }
  if (scratch.size() < 4) return false;
  // One pass: at each letter that opens a hint, compare that hint only.
  std::string_view all(scratch);
  auto at = [&](size_t i, std::string_view hint) { return all.compare(i, hint.size(), hint) == 0; };
  for (size_t i = 0; i + 3 <= all.size(); ++i) {
    switch (all[i]) {
      case 'a': if (at(i, "auth")) return true; break;
      case 'b': if (at(i, "byl")) return true; break;
      case 'w': if (at(i, "writ")) return true; break;
      case 'c': if (at(i, "contrib") || at(i, "creat")) return true; break;
      case 'r': if (at(i, "report")) return true; break;
      case 'd': if (at(i, "date")) return true; break;
      case 't': if (at(i, "time")) return true; break;
      case 'p': if (at(i, "publ") || at(i, "post")) return true; break;
      case 'e': if (at(i, "entry")) return true; break;
      case 'm': if (at(i, "meta")) return true; break;
      default: break;
    }
  }
  return false;
}

Visible read_visible(xmlNode* root) {
  Visible v;
  std::string scratch;
  std::vector<xmlNode*> stack{root};
  while (!stack.empty()) {
    xmlNode* n = stack.back();
    stack.pop_back();
    if (n->type != XML_ELEMENT_NODE) continue;
    std::string_view name = element_name(n);
    if (name == "meta") {
      add_meta(v.meta, n);
      continue;
    }
    if (name == "script") {
      if (core::to_lower_ascii(attribute_view(n, "type")).find("ld+json") != std::string::npos) {
        std::string body;
        for (xmlNode* c = n->children; c != nullptr; c = c->next) {
          if (c->content != nullptr) body += reinterpret_cast<const char*>(c->content);
        }
        v.json_ld.push_back(std::move(body));
      }
      continue;
    }
    if (name == "link") {
      if (v.canonical.empty() && core::to_lower_ascii(attribute_view(n, "rel")) == "canonical") {
        v.canonical = std::string(attribute_view(n, "href"));
      }
      continue;
    }
    if (name == "title") {
      if (v.title.empty()) v.title = clean(text_content(n));
      continue;
    }
    if (name == "style" || name == "noscript" || name == "template" || name == "svg") continue;
    // Most boxes name nothing about authors or dates: look before tokenising.
    std::vector<std::string> tokens;
    if (n->properties != nullptr && might_name_author_or_date(n, scratch)) tokens = tokens_of(n);
    if (name == "h1" && !links_home(n)) {
      std::string t = clean(text_content(n));
      if (!t.empty() && t.size() < 400) v.h1s.push_back(t);
    }
    bool author_box = has_token(tokens, {"author", "authors", "byline", "writer", "authorname", "author_name",
                                         "contributor", "byl", "creator", "reporter"}) ||
                      attribute_view(n, "rel") == "author";
    if (author_box && v.bylines.size() < 4) {
      xmlNode* named = nullptr;
      for (xmlNode* d : find_all(n, "span")) {
        if (attribute_view(d, "itemprop") == "name") named = d;
      }
      std::string raw = spaced_text(named != nullptr ? named : n, 400);
      // A box that holds only "By" leaves the name to its neighbour.
      if (core::to_lower_ascii(core::trim(raw)) == "by" && n->parent != nullptr) raw = spaced_text(n->parent, 400);
      std::string t;
      // A box with the name and then a bio ("Jane Doe" / "Jane Doe is a
      // growth-focused ..."): the name is its first line.
      if (named == nullptr) {
        std::string first = first_text_line(n);
        if (looks_like_person(first) && raw.size() > first.size() + 20) t = byline_text(first);
      }
      if (t.empty()) t = byline_text(raw);
      if (!t.empty()) v.bylines.push_back(t);
      if (!v.byline_date && raw.size() < 300) v.byline_date = core::find_date_in_text(raw);
    }
    if (name == "a" && v.author_links.size() < 2 && (!inside_paragraph(n) || opens_short_paragraph(n))) {
      std::string href = core::to_lower_ascii(attribute_view(n, "href"));
      for (const char* path : {"/author/", "/authors/", "/by/", "/profile/", "/profiles/", "/people/", "/staff/",
                               "/writer/", "/writers/", "/contributor/", "/contributors/", "/journalist/",
                               "/reporter/"}) {
        if (href.find(path) != std::string::npos) {
          std::string t = byline_text(spaced_text(n, 120));
          if (!t.empty()) v.author_links.push_back(t);
          break;
        }
      }
    }
    // Also the inline wrappers a date line is often set in: <i>Updated: 10/31/2024</i>.
    const bool line_element = name == "p" || name == "span" || name == "div" || name == "li" || name == "i" ||
                              name == "em" || name == "small" || name == "b" || name == "strong";
    if (line_element && n->children != nullptr &&
        (v.by_lines.size() < 2 || !v.said_date || !v.updated_date)) {
      const xmlNode* first = n->children;
      if (first->type == XML_TEXT_NODE && first->content != nullptr) {
        std::string_view lead = core::trim(reinterpret_cast<const char*>(first->content));
        if (v.by_lines.size() < 2 && lead.size() >= 2 && core::starts_with_icase(lead, "by") &&
            (lead.size() == 2 || lead[2] == ' ' || lead[2] == ':')) {
          std::string line = spaced_text(n, 120);
          // "<span>By</span><span>Jane Doe</span>": the name is in the neighbour.
          if (core::to_lower_ascii(core::trim(line)) == "by" && n->parent != nullptr) line = spaced_text(n->parent, 120);
          if (line.size() < 100) {
            std::string t = byline_text(line);
            if (!t.empty() && std::isupper(static_cast<unsigned char>(t[0]))) v.by_lines.push_back(t);
          }
        }
        if (!v.said_date && (core::starts_with_icase(lead, "published") || core::starts_with_icase(lead, "posted") ||
                             core::starts_with_icase(lead, "first published"))) {
          std::string line = spaced_text(n, 120);
          if (line.size() < 100) v.said_date = core::find_date_in_text(line);
        }
        if (!v.updated_date && (core::starts_with_icase(lead, "updated") || core::starts_with_icase(lead, "last updated"))) {
          std::string line = spaced_text(n, 120);
          if (line.size() < 100) v.updated_date = core::find_date_in_text(line);
        }
      }
    }
    if (!v.lone_date && (name == "div" || name == "span" || name == "p" || name == "small" || name == "li")) {
      const xmlNode* only = nullptr;  // the element's single text node, if that is all it has
      size_t text_nodes = 0;
      for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content != nullptr && !core::trim(reinterpret_cast<const char*>(c->content)).empty()) {
          only = c;
          ++text_nodes;
        }
      }
      if (text_nodes == 1) {
        std::string_view t = core::trim(reinterpret_cast<const char*>(only->content));
        if (t.size() >= 8 && t.size() <= 24 && std::isdigit(static_cast<unsigned char>(t.back()))) {
          v.lone_date = core::find_date_in_text(t);
        }
      }
    }
    if (name == "time" && has_attribute(n, "datetime")) ++v.dated_times;
    if (name == "time" && !v.time_attr) {
      v.time_attr = core::parse_zoned(attribute_view(n, "datetime"));
      if (!v.time_attr) v.time_attr = core::find_date_in_text(spaced_text(n, 400));
    }
    if (!v.date) {
      std::string_view itemprop = attribute_view(n, "itemprop");
      if (itemprop == "datePublished") {
        std::string_view value = attribute_view(n, "content");
        if (value.empty()) value = attribute_view(n, "datetime");
        v.date = core::parse_zoned(value);
        if (!v.date) v.date = core::find_date_in_text(spaced_text(n, 400));
      } else if (has_token(tokens, {"date", "published", "pubdate", "posted", "timestamp", "dateline", "time",
                                    "publish", "entry", "meta", "byline", "postdate", "post"}) &&
                 !has_token(tokens, {"updated", "modified"})) {
        std::string t = spaced_text(n, 200);
        if (t.size() < 200) v.date = core::find_date_in_text(t);
      }
    }
    for (xmlNode* c = n->last; c != nullptr; c = c->prev) stack.push_back(c);  // first child on top
  }
  return v;
}

std::vector<std::string> title_words(const std::string& s) {
  std::vector<std::string> out;
  for (auto& w : text::words(s)) out.push_back(std::move(w));
  return out;
}

// Whether a headline and a metadata title name the same article: most of the
// headline's words are in the title, or nearly all of a shorter title's words
// are in a longer headline ("4 Emerging Technologies to Fight Climate Change"
// against "4 Emerging Technologies That Are Helping Us in the Fight Against
// Climate Change").
// The second test counts content words only (four letters or more, or a
// number): "to", "in" and "of" agree between any two titles.
bool titles_agree(const std::vector<std::string>& headline, const std::unordered_set<std::string>& title) {
  if (title.empty()) return false;
  auto content = [](const std::string& w) {
    return w.size() >= 4 || std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  size_t shared = 0, headline_content = 0, shared_content = 0;
  for (const auto& w : headline) {
    size_t in_title = title.count(w);
    shared += in_title;
    if (!content(w)) continue;
    ++headline_content;
    shared_content += in_title;
  }
  if (shared_content > 0 && shared * 2 >= headline.size() && shared * 3 >= title.size()) return true;
  size_t title_content = static_cast<size_t>(std::count_if(title.begin(), title.end(), content));
  return title_content >= 3 && shared_content * 5 >= title_content * 4 && shared_content * 3 >= headline_content;
}

// A headline whose characters were lost to '?' on the way (a page saved in
// the wrong encoding: "Beginner? Guide") against a title that kept them
// ("Beginner's Guide"): equal but where the headline has '?', which stands
// for one to three characters of the title.
bool lost_characters_of(std::string_view headline, std::string_view title) {
  if (headline.find('?') == std::string_view::npos || headline.size() > 400 || title.size() > 400) return false;
  // reach[j]: the headline's prefix read so far can match title[0, j).
  std::vector<char> reach(title.size() + 1, 0), next(title.size() + 1, 0);
  reach[0] = 1;
  for (char h : headline) {
    std::fill(next.begin(), next.end(), 0);
    for (size_t j = 0; j <= title.size(); ++j) {
      if (reach[j] == 0) continue;
      if (h == '?') {
        for (size_t k = 1; k <= 3 * 4 && j + k <= title.size(); ++k) {  // up to three characters of UTF-8
          // Stop at the end of the third code point.
          size_t points = 0;
          for (size_t b = j; b < j + k; ++b) points += (static_cast<unsigned char>(title[b]) & 0xC0) != 0x80;
          if (points > 3) break;
          if (j + k == title.size() || (static_cast<unsigned char>(title[j + k]) & 0xC0) != 0x80) next[j + k] = 1;
        }
        if (j < title.size() && title[j] == '?') next[j + 1] = 1;
      } else if (j < title.size() &&
                 std::tolower(static_cast<unsigned char>(h)) == std::tolower(static_cast<unsigned char>(title[j]))) {
        next[j + 1] = 1;
      }
    }
    reach.swap(next);
  }
  return reach[title.size()] != 0;
}

// The headline as the page shows it: the <h1> that agrees with one of the
// metadata titles (JSON-LD headline, og:title, the document's <title>...),
// as the page's own <h1> and <title> agreeing outweigh an og:title written for
// sharing ("Buying a laptop? These are the 9 best..."); the metadata title
// when no <h1> agrees; without metadata, the first plausible <h1>. An <h1>
// that lost characters to a bad encoding gives way to the title that kept them.
std::string choose_title(const std::vector<std::string>& meta_titles, const std::vector<std::string>& h1s,
                         const std::string& site) {
  std::vector<std::unordered_set<std::string>> sets;
  for (const auto& t : meta_titles) {
    auto words = title_words(t);
    sets.emplace_back(words.begin(), words.end());
  }
  const bool no_metadata = meta_titles.empty();
  std::string lower_site = core::to_lower_ascii(site);
  for (size_t k = 0; k < std::max<size_t>(sets.size(), 1); ++k) {
    for (const auto& h : h1s) {
      auto hw = title_words(h);
      if (hw.size() < 2 || core::to_lower_ascii(h) == lower_site) continue;
      if (no_metadata) return h;
      if (!titles_agree(hw, sets[k])) continue;
      for (const auto& t : meta_titles) {
        if (lost_characters_of(h, t)) return t;
      }
      return h;
    }
  }
  return no_metadata ? std::string() : meta_titles.front();
}

}  // namespace

std::vector<std::string> split_byline(const std::string& byline) {
  std::string s = clean(byline);
  if (core::starts_with_icase(s, "by ")) s = s.substr(3);
  for (const char* cut : {" | ", " - ", " — ", ", staff", " for ", ". Updated", " Published", " Updated"}) {
    auto pos = s.find(cut);
    if (pos == std::string::npos) continue;
    // "Jane Doe for The Gazette", but "Center for Drug Evaluation and Research" is one name.
    if (std::string_view(cut) == " for " && !looks_like_person(s.substr(0, pos))) continue;
    s = s.substr(0, pos);
  }
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    auto t = std::string(core::trim(current));
    if (!t.empty() && t.size() < 80) out.push_back(t);
    current.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 5, " and ") == 0) {
      flush();
      i += 4;
    } else if (s[i] == '&' || s[i] == ';') {
      flush();
    } else if (s[i] == ',') {
      // "Jane Doe, Staff Writer": a title after a single name is not a second author.
      std::string rest = std::string(core::trim(s.substr(i + 1)));
      auto lower = core::to_lower_ascii(rest);
      bool role = lower.find("director") != std::string::npos || lower.find("manager") != std::string::npos ||
                  lower.find("founder") != std::string::npos || lower.find("analyst") != std::string::npos ||
                  lower.find("consultant") != std::string::npos || lower.find("specialist") != std::string::npos ||
                  lower.rfind("sr.", 0) == 0 || lower.rfind("jr", 0) == 0 || lower.rfind("ceo", 0) == 0 ||
                  lower.find("writer") != std::string::npos || lower.find("editor") != std::string::npos ||
                  lower.find("reporter") != std::string::npos || lower.find("correspondent") != std::string::npos ||
                  lower.find("staff") != std::string::npos || lower.find("expert") != std::string::npos ||
                  lower.find("m.d") != std::string::npos || lower.find("phd") != std::string::npos ||
                  lower.rfind("md", 0) == 0 || lower.find("dietitian") != std::string::npos;
      if (role) break;
      flush();
    } else {
      current += s[i];
    }
  }
  flush();
  // "Center for Harbour Safety and Navigation", "Morgan & Morgan": when no
  // part is a person, the byline names one organisation, whole.
  if (out.size() > 1 && std::none_of(out.begin(), out.end(), looks_like_person)) {
    std::string whole(core::trim(s));
    if (!whole.empty() && whole.size() < 80) return {whole};
  }
  return out;
}

std::string strip_site_name(const std::string& title, const std::string& site_name) {
  std::string t = clean(title);
  std::string site = core::to_lower_ascii(site_name);
  for (const char* sep : {" | ", " – ", " — ", " - ", " :: ", " · ", " • ", " : ", " / ", " « ", " » "}) {
    std::string separator(sep);
    auto pos = t.rfind(separator);
    if (pos != std::string::npos && pos > 0) {
      std::string head = t.substr(0, pos);
      std::string tail = t.substr(pos + separator.size());
      std::string lower_tail = core::to_lower_ascii(tail);
      // A site name is short and capitalised ("The Gazette", "CNN"); a
      // subtitle ("– tips and tricks") is not.
      auto tail_words = core::split(tail, ' ');
      bool name_like = tail_words.size() <= 4 && std::all_of(tail_words.begin(), tail_words.end(), [](const std::string& w) {
        return !w.empty() && !std::islower(static_cast<unsigned char>(w[0]));
      });
      bool tail_is_site = (!site.empty() && (lower_tail.find(site) != std::string::npos || site.find(lower_tail) != std::string::npos)) ||
                          (tail.size() * 2 < head.size() && tail.size() < 40 && name_like);
      if (tail_is_site) return std::string(core::trim(head));
    }
    auto first = t.find(separator);
    if (first != std::string::npos && first > 0 && !site.empty()) {
      std::string lead = core::to_lower_ascii(t.substr(0, first));
      if (lead.find(site) != std::string::npos || site.find(lead) != std::string::npos) {
        return std::string(core::trim(t.substr(first + separator.size())));
      }
    }
  }
  return t;
}

Metadata read_metadata(xmlNode* root, const std::string& page_url) {
  Metadata m;
  Visible visible = read_visible(root);
  const MetaMap& meta = visible.meta;
  JsonLd ld = read_json_ld(visible.json_ld);
  apply_json_ld(ld, m, page_url);

  if (m.site_name.empty()) m.site_name = first_of(meta, {"og:site_name", "application-name", "twitter:site"});
  // The metadata's titles, most trusted first; the first is the title when no
  // <h1> agrees with any.
  std::vector<std::string> meta_titles;
  auto add_title = [&](const std::string& t) {
    std::string stripped = strip_site_name(t, m.site_name);
    if (!stripped.empty() && std::find(meta_titles.begin(), meta_titles.end(), stripped) == meta_titles.end()) {
      meta_titles.push_back(std::move(stripped));
    }
  };
  add_title(m.title);
  add_title(first_of(meta, {"og:title", "twitter:title", "headline", "dc.title", "title"}));
  add_title(visible.title);
  m.title = strip_site_name(choose_title(meta_titles, visible.h1s, m.site_name), m.site_name);
  // A "title" of a paragraph's length is a paragraph: take the document's own.
  if (m.title.size() > 250 && !visible.title.empty()) m.title = strip_site_name(visible.title, m.site_name);

  if (m.authors.empty()) {
    // The first that names someone: "author" is often a profile URL or a @handle.
    for (const char* key : {"author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author",
                            "cxenseparse:author", "twitter:creator"}) {
      std::string author = first_of(meta, {key});
      if (author.empty() || looks_like_url(author) || author.front() == '@') continue;
      m.authors = split_byline(author);
      if (!m.authors.empty()) break;
    }
  }
  // The page's own byline, when metadata named an organisation rather than a person.
  bool metadata_named_a_person = !m.authors.empty() && looks_like_person(m.authors.front());
  if (!metadata_named_a_person) {
    for (const auto* candidates : {&visible.bylines, &visible.by_lines, &visible.author_links}) {
      auto it = std::find_if(candidates->begin(), candidates->end(), [](const std::string& c) {
        auto names = split_byline(c);
        return !names.empty() && looks_like_person(names.front());
      });
      if (it != candidates->end()) {
        m.authors = split_byline(*it);
        break;
      }
    }
  }
  if (m.authors.empty() && !visible.bylines.empty()) m.authors = split_byline(visible.bylines.front());
  // "Jane Doe, South Carolina Learning Network": keep the people when there are some.
  if (std::any_of(m.authors.begin(), m.authors.end(), looks_like_person)) {
    std::erase_if(m.authors, [](const std::string& a) { return !looks_like_person(a); });
  }

  if (!m.published) {
    m.published = first_date(meta, {"article:published_time", "og:published_time", "datepublished", "pubdate",
                                    "publishdate", "publish-date", "date", "dc.date", "dc.date.issued",
                                    "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published"});
  }
  if (!m.published) m.published = visible.date;
  if (!m.published) m.published = visible.said_date;
  if (!m.published) m.published = visible.time_attr;
  if (!m.published) m.published = visible.byline_date;
  if (!m.modified) {
    auto mod = first_date(meta, {"article:modified_time", "og:updated_time", "datemodified", "dcterms.modified"});
    if (mod) m.modified = mod->utc;
  }

  if (m.description.empty()) m.description = first_of(meta, {"og:description", "description", "twitter:description"});
  for (const char* key : {"og:image", "og:image:url", "twitter:image", "twitter:image:src"}) {
    std::string url = core::resolve_url(page_url, first_of(meta, {key}));
    bool known = std::any_of(m.images.begin(), m.images.end(), [&](const DeclaredImage& d) { return d.url == url; });
    if (!url.empty() && !known) m.images.push_back(DeclaredImage{url, {}, {}});
  }
  if (m.image_url.empty() && !m.images.empty()) m.image_url = m.images.front().url;
  m.content_tier = core::to_lower_ascii(first_of(meta, {"article:content_tier"}));
  m.og_type = first_of(meta, {"og:type"});
  if (!visible.canonical.empty()) m.canonical_url = core::resolve_url(page_url, visible.canonical);
  if (m.canonical_url.empty()) m.canonical_url = core::resolve_url(page_url, first_of(meta, {"og:url"}));
  if (!core::is_http_url(m.canonical_url)) m.canonical_url = page_url;
  if (!m.published) {
    // A date in the address (/2025/12/19/ or /2025-12-19-slug), read after
    // percent-decoding ("%2F2025-12-15%2B").
    for (const std::string& address : {page_url, m.canonical_url, first_of(meta, {"og:url"})}) {
      if (auto from_url = core::find_date_in_url(core::percent_decode(address))) {
        m.published = core::ZonedTime{*from_url, std::nullopt};
        break;
      }
    }
  }
  // Last resorts: a date standing alone near the top; when the page only says it was updated.
  if (!m.published) m.published = visible.lone_date;
  if (!m.published) m.published = visible.updated_date;
  if (!m.published && m.modified) m.published = core::ZonedTime{*m.modified, std::nullopt};
  if (m.language.empty() && is_element(root, "html")) m.language = attribute(root, "lang");
  if (m.language.empty()) m.language = first_of(meta, {"og:locale", "content-language", "language"});
  if (m.language.size() > 2 && (m.language[2] == '-' || m.language[2] == '_')) m.language = m.language.substr(0, 2);
  m.language = core::to_lower_ascii(m.language);
  m.description = clean(m.description);
  m.image_caption = clean(m.image_caption);
  m.site_name = clean(m.site_name);
  m.dated_times = visible.dated_times;
  return m;
}

}  // namespace newsdesk::extract
