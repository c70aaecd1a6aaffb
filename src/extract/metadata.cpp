#include "extract/metadata.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "core/url.hpp"

namespace newsdesk::extract {
namespace {

using nlohmann::json;

std::string json_text(const json& j) {
  if (j.is_string()) return std::string(core::trim(j.get<std::string>()));
  if (j.is_object()) {
    for (const char* key : {"name", "url", "@id"}) {
      auto it = j.find(key);
      if (it != j.end() && it->is_string()) return it->get<std::string>();
    }
  }
  if (j.is_array() && !j.empty()) return json_text(j.front());
  return {};
}

bool type_is(const json& node, const std::vector<std::string>& names) {
  auto it = node.find("@type");
  if (it == node.end()) return false;
  auto match = [&](const json& t) {
    return t.is_string() && std::find(names.begin(), names.end(), t.get<std::string>()) != names.end();
  };
  if (it->is_array()) return std::any_of(it->begin(), it->end(), match);
  return match(*it);
}

const std::vector<std::string> kArticleTypes = {
    "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
    "LiveBlogPosting", "OpinionNewsArticle", "BackgroundNewsArticle", "Report", "VideoObject",
    "WebPage"};

// Finds the best article-like node in a JSON-LD value (arrays and @graph too).
void collect_nodes(const json& j, std::vector<const json*>& out, int depth = 0) {
  if (depth > 8) return;
  if (j.is_array()) {
    for (const auto& e : j) collect_nodes(e, out, depth + 1);
  } else if (j.is_object()) {
    if (type_is(j, kArticleTypes)) out.push_back(&j);
    if (auto g = j.find("@graph"); g != j.end()) collect_nodes(*g, out, depth + 1);
  }
}

void read_json_ld(xmlNode* root, Metadata& m, const std::string& page_url) {
  std::vector<json> docs;
  for (xmlNode* s : find_all(root, "script")) {
    if (core::to_lower_ascii(attribute(s, "type")).find("ld+json") == std::string::npos) continue;
    std::string body;
    for (xmlNode* c = s->children; c != nullptr; c = c->next) {
      if (c->content != nullptr) body += reinterpret_cast<const char*>(c->content);
    }
    auto j = json::parse(body, nullptr, false);
    if (!j.is_discarded()) docs.push_back(std::move(j));
  }
  std::vector<const json*> nodes;
  for (const auto& d : docs) collect_nodes(d, nodes);
  // Prefer a real article type over WebPage.
  std::stable_sort(nodes.begin(), nodes.end(), [](const json* a, const json* b) {
    return !type_is(*a, {"WebPage"}) && type_is(*b, {"WebPage"});
  });
  if (nodes.empty()) return;
  const json& a = *nodes.front();
  if (auto t = a.find("@type"); t != a.end()) m.schema_type = json_text(*t);
  auto get = [&](const char* key) -> std::string {
    auto it = a.find(key);
    return it == a.end() ? std::string() : json_text(*it);
  };
  if (m.title.empty()) m.title = core::collapse_whitespace(get("headline"));
  if (auto au = a.find("author"); au != a.end() && m.authors.empty()) {
    auto add = [&](const json& x) {
      std::string name = core::collapse_whitespace(json_text(x));
      if (!name.empty() && name.rfind("http", 0) != 0) m.authors.push_back(name);
    };
    if (au->is_array()) {
      for (const auto& x : *au) add(x);
    } else {
      add(*au);
    }
  }
  if (!m.published) m.published = core::parse_date(get("datePublished"));
  if (!m.modified) m.modified = core::parse_date(get("dateModified"));
  if (m.description.empty()) m.description = get("description");
  if (auto p = a.find("publisher"); p != a.end() && m.site_name.empty()) m.site_name = json_text(*p);
  if (auto img = a.find("image"); img != a.end()) {
    if (m.image_url.empty()) m.image_url = core::resolve_url(page_url, json_text(*img));
    const json& first = img->is_array() && !img->empty() ? img->front() : *img;
    if (first.is_object() && m.image_caption.empty()) {
      if (auto c = first.find("caption"); c != first.end()) m.image_caption = json_text(*c);
    }
  }
  if (m.language.empty()) m.language = get("inLanguage");
}

std::optional<core::TimePoint> first_date(const std::map<std::string, std::string>& meta,
                                          std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    auto it = meta.find(k);
    if (it == meta.end()) continue;
    if (auto t = core::parse_date(it->second)) return t;
  }
  return std::nullopt;
}

std::string first_of(const std::map<std::string, std::string>& meta, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    auto it = meta.find(k);
    if (it != meta.end() && !it->second.empty()) return it->second;
  }
  return {};
}

}  // namespace

std::vector<std::string> split_byline(const std::string& byline) {
  std::string s = core::collapse_whitespace(byline);
  if (core::starts_with_icase(s, "by ")) s = s.substr(3);
  for (const char* cut : {" | ", " - ", " — ", ", staff", " for ", ". Updated", " Published", " Updated"}) {
    auto pos = s.find(cut);
    if (pos != std::string::npos) s = s.substr(0, pos);
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
    } else if (s[i] == ',' || s[i] == '&') {
      flush();
    } else {
      current += s[i];
    }
  }
  flush();
  return out;
}

std::string strip_site_suffix(const std::string& title, const std::string& site_name) {
  std::string t = core::collapse_whitespace(title);
  for (const char* sep : {" | ", " – ", " — ", " - ", " :: ", " · "}) {
    auto pos = t.rfind(sep);
    if (pos == std::string::npos || pos == 0) continue;
    std::string head = t.substr(0, pos);
    std::string tail = t.substr(pos + std::string(sep).size());
    bool tail_is_site = (!site_name.empty() && core::to_lower_ascii(tail).find(core::to_lower_ascii(site_name)) !=
                                                   std::string::npos) ||
                        tail.size() * 2 < head.size();
    if (tail_is_site) return std::string(core::trim(head));
  }
  return t;
}

Metadata read_metadata(xmlNode* root, const std::string& page_url) {
  Metadata m;
  std::map<std::string, std::string> meta;  // lower-case name/property -> first content
  for (xmlNode* n : find_all(root, "meta")) {
    std::string key = attribute(n, "property");
    if (key.empty()) key = attribute(n, "name");
    if (key.empty()) key = attribute(n, "itemprop");
    if (key.empty()) key = attribute(n, "http-equiv");
    std::string content = core::collapse_whitespace(attribute(n, "content"));
    if (key.empty() || content.empty()) continue;
    meta.emplace(core::to_lower_ascii(key), content);
  }
  read_json_ld(root, m, page_url);
  if (m.site_name.empty()) m.site_name = first_of(meta, {"og:site_name", "application-name", "twitter:site"});
  if (m.title.empty()) m.title = first_of(meta, {"og:title", "twitter:title", "headline", "dc.title"});
  if (m.title.empty()) {
    auto h1s = find_all(root, "h1");
    if (!h1s.empty()) m.title = text_content(h1s.front());
  }
  if (m.title.empty()) {
    auto titles = find_all(root, "title");
    if (!titles.empty()) m.title = text_content(titles.front());
  }
  m.title = strip_site_suffix(m.title, m.site_name);
  if (m.authors.empty()) {
    std::string author = first_of(meta, {"author", "article:author", "dc.creator", "byl", "sailthru.author"});
    if (!author.empty() && author.rfind("http", 0) != 0) m.authors = split_byline(author);
  }
  if (!m.published) {
    m.published = first_date(meta, {"article:published_time", "og:published_time", "datepublished", "pubdate",
                                    "publishdate", "date", "dc.date", "dc.date.issued", "sailthru.date"});
  }
  if (!m.modified) m.modified = first_date(meta, {"article:modified_time", "og:updated_time", "datemodified"});
  if (!m.published) {
    for (xmlNode* t : find_all(root, "time")) {
      std::string dt = attribute(t, "datetime");
      if (auto when = core::parse_date(dt.empty() ? text_content(t) : dt)) {
        m.published = when;
        break;
      }
    }
  }
  if (m.description.empty()) m.description = first_of(meta, {"og:description", "description", "twitter:description"});
  if (m.image_url.empty()) {
    m.image_url = core::resolve_url(page_url, first_of(meta, {"og:image", "og:image:url", "twitter:image"}));
  }
  m.og_type = first_of(meta, {"og:type"});
  for (xmlNode* l : find_all(root, "link")) {
    if (core::to_lower_ascii(attribute(l, "rel")) == "canonical") {
      m.canonical_url = core::resolve_url(page_url, attribute(l, "href"));
      break;
    }
  }
  if (m.canonical_url.empty()) m.canonical_url = core::resolve_url(page_url, first_of(meta, {"og:url"}));
  if (!core::is_http_url(m.canonical_url)) m.canonical_url = page_url;
  if (xmlNode* html = root; is_element(html, "html")) m.language = attribute(html, "lang");
  if (m.language.empty()) m.language = first_of(meta, {"og:locale", "content-language", "language"});
  if (m.language.size() > 2 && (m.language[2] == '-' || m.language[2] == '_')) m.language = m.language.substr(0, 2);
  m.language = core::to_lower_ascii(m.language);
  return m;
}

}  // namespace newsdesk::extract
