#include "feed/xml_tree.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <vector>

#include "core/strings.hpp"
#include "core/url.hpp"

namespace newsdesk::feed::tree {
namespace {

constexpr size_t kMaxFieldBytes = 1 << 20;

std::string_view local_part(std::string_view qualified) {
  size_t colon = qualified.find(':');
  return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

void gather(pugi::xml_node n, std::string& out) {
  for (pugi::xml_node c = n.first_child(); c && out.size() < kMaxFieldBytes; c = c.next_sibling()) {
    switch (c.type()) {
      case pugi::node_pcdata:
      case pugi::node_cdata: out += c.value(); break;
      case pugi::node_element: gather(c, out); break;
      default: break;
    }
  }
}

// Trims in place: no second string.
void trim_in_place(std::string& s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  size_t end = s.size();
  while (end > 0 && space(s[end - 1])) --end;
  s.resize(end);
  size_t begin = 0;
  while (begin < s.size() && space(s[begin])) ++begin;
  if (begin > 0) s.erase(0, begin);
}

struct StringWriter final : pugi::xml_writer {
  std::string out;
  void write(const void* data, size_t size) override { out.append(static_cast<const char*>(data), size); }
};

}  // namespace

Name name_of(pugi::xml_node n) { return NsScope(n.parent()).name_of(n); }

NsScope::NsScope(pugi::xml_node parent) {
  for (pugi::xml_node p = parent; p && p.type() == pugi::node_element; p = p.parent()) {
    for (pugi::xml_attribute a = p.first_attribute(); a; a = a.next_attribute()) {
      const char* raw = a.name();
      if (raw[0] != 'x' || std::strncmp(raw, "xmlns", 5) != 0) continue;
      if (raw[5] == '\0') declared_.emplace_back(std::string_view(), a.value());
      else if (raw[5] == ':') declared_.emplace_back(std::string_view(raw + 6), a.value());
    }
  }
}

Name NsScope::name_of(pugi::xml_node child) const {
  std::string_view qualified = child.name();
  size_t colon = qualified.find(':');
  std::string_view prefix = colon == std::string_view::npos ? std::string_view() : qualified.substr(0, colon);
  Name out{colon == std::string_view::npos ? qualified : qualified.substr(colon + 1), {}};
  // The child's own declarations first, then the parent's scope.
  for (pugi::xml_attribute a = child.first_attribute(); a; a = a.next_attribute()) {
    const char* raw = a.name();
    if (raw[0] != 'x' || std::strncmp(raw, "xmlns", 5) != 0) continue;
    bool match = prefix.empty() ? raw[5] == '\0' : (raw[5] == ':' && std::string_view(raw + 6) == prefix);
    if (match) {
      out.ns = a.value();
      return out;
    }
  }
  for (const auto& [p, uri] : declared_) {
    if (p == prefix) {
      out.ns = uri;
      return out;
    }
  }
  return out;
}

std::string attr(pugi::xml_node n, std::string_view local) {
  for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
    if (local_part(a.name()) == local) return std::string(core::trim(a.value()));
  }
  return {};
}

std::string text(pugi::xml_node n) {
  // The common case, one text child, is copied once.
  pugi::xml_node only = n.first_child();
  if (only && !only.next_sibling() && (only.type() == pugi::node_pcdata || only.type() == pugi::node_cdata)) {
    std::string_view v = core::trim(only.value());
    return std::string(v.substr(0, kMaxFieldBytes));
  }
  std::string out;
  gather(n, out);
  if (out.size() > kMaxFieldBytes) out.resize(kMaxFieldBytes);
  trim_in_place(out);
  return out;
}

std::string inner_xml(pugi::xml_node n) {
  StringWriter w;
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) c.print(w, "", pugi::format_raw);
  if (w.out.size() > kMaxFieldBytes) w.out.resize(kMaxFieldBytes);
  return std::string(core::trim(w.out));
}

std::string markup(pugi::xml_node n) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) return inner_xml(n);
  }
  return text(n);
}

namespace {

// An absolute http(s) URL that needs no resolving (nothing to normalise).
bool plain_absolute(std::string_view link) {
  bool http = link.substr(0, 7) == "http://" || link.substr(0, 8) == "https://";
  if (!http) return false;
  for (char c : link) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '\\' || c == '#' || c == '%') return false;
  }
  return link.find("/./") == std::string_view::npos && link.find("/../") == std::string_view::npos;
}

// RFC 3986 resolution for the everyday case, without a URL parser: a plain
// absolute base without query, and a path ("/a/b.html" or "b.html") with no
// dot segments, maybe with a plain query and fragment ("b.html?id=4#top").
// nullopt for anything else.
std::optional<std::string> resolve_simple(std::string_view base, std::string_view link) {
  if (!plain_absolute(base) || base.find('?') != std::string_view::npos || link.empty()) return std::nullopt;
  size_t authority = base.find("://") + 3;
  size_t path = base.find('/', authority);
  if (path == std::string_view::npos) return std::nullopt;
  size_t suffix_at = link.find_first_of("?#");
  std::string_view own_path = link.substr(0, suffix_at);
  std::string_view suffix = suffix_at == std::string_view::npos ? std::string_view() : link.substr(suffix_at);
  if (own_path.empty() || own_path.substr(0, 2) == "//" || own_path == "." || own_path == ".." ||
      own_path.substr(0, 2) == "./" || own_path.substr(0, 3) == "../") {
    return std::nullopt;
  }
  for (char c : own_path) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == ':' || c == '%' || c == '\\') return std::nullopt;
  }
  // What a URL parser would encode, drop (an empty query or fragment) or
  // reject in a query or fragment.
  if (!suffix.empty() && (suffix.back() == '?' || suffix.back() == '#' || suffix.find("?#") != std::string_view::npos)) {
    return std::nullopt;
  }
  bool fragment = false;
  for (char c : suffix) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '%' || c == '\\' || c == '"' || c == '<' || c == '>' || c == '{' || c == '}' ||
        c == '|' || c == '^' || c == '`' || (c == '#' && fragment)) {
      return std::nullopt;
    }
    fragment |= c == '#';
  }
  if (own_path.find("/./") != std::string_view::npos || own_path.find("/../") != std::string_view::npos ||
      own_path.ends_with("/.") || own_path.ends_with("/..")) {
    return std::nullopt;
  }
  std::string out;
  if (link.front() == '/') {
    out.reserve(path + link.size());
    out.append(base.substr(0, path)).append(link);
  } else {
    size_t dir = base.rfind('/') + 1;
    out.reserve(dir + link.size());
    out.append(base.substr(0, dir)).append(link);
  }
  return out;
}

}  // namespace

std::string resolve(pugi::xml_node n, std::string_view link, std::string_view base_url) {
  link = core::trim(link);
  if (link.empty()) return {};
  if (plain_absolute(link)) return std::string(link);  // most feed links: no URL parser needed
  std::vector<std::string_view> bases;  // innermost first
  for (pugi::xml_node p = n; p && p.type() == pugi::node_element; p = p.parent()) {
    if (pugi::xml_attribute b = p.attribute("xml:base")) bases.push_back(b.value());
  }
  // The base in force is the same for every link of an entry (and often of
  // the feed): remember the last one instead of resolving the chain again.
  thread_local std::string last_key, last_base;
  std::string key(base_url);
  for (auto it = bases.rbegin(); it != bases.rend(); ++it) {
    key += '\n';
    key += *it;
  }
  if (key != last_key) {
    std::string base(base_url);
    for (auto it = bases.rbegin(); it != bases.rend(); ++it) base = core::resolve_url(base, core::trim(*it));
    last_key = std::move(key);
    last_base = std::move(base);
  }
  if (auto quick = resolve_simple(last_base, link)) return *quick;
  return core::resolve_url(last_base, link);
}

namespace {

// The attributes of HTML that hold a URL to follow or load.
bool url_attribute(std::string_view name) {
  static constexpr std::string_view kNames[] = {"href", "src", "cite", "poster", "longdesc", "background", "action"};
  for (auto known : kNames) {
    if (name.size() == known.size() && core::starts_with_icase(name, known)) return true;
  }
  return false;
}

bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A reference that needs no base: with a scheme ("https:", "mailto:",
// "data:"), only a fragment, or empty.
bool needs_no_base(std::string_view ref) {
  if (ref.empty() || ref.front() == '#') return true;
  if (!ascii_letter(ref.front())) return false;
  for (char c : ref) {
    if (c == ':') return true;
    if (!ascii_letter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

}  // namespace

std::string resolve_links(pugi::xml_node n, std::string markup, std::string_view base_url) {
  std::string_view html = markup;
  std::string out;
  size_t copied = 0;
  for (size_t lt = html.find('<'); lt != std::string_view::npos; lt = html.find('<', lt + 1)) {
    if (lt + 1 >= html.size() || !ascii_letter(html[lt + 1])) continue;
    size_t i = lt + 1;
    while (i < html.size() && !space(html[i]) && html[i] != '>' && html[i] != '/') ++i;
    // Attributes: name, and maybe = value (quoted or not).
    while (i < html.size() && html[i] != '>') {
      while (i < html.size() && (space(html[i]) || html[i] == '/')) ++i;
      size_t name_at = i;
      while (i < html.size() && !space(html[i]) && html[i] != '=' && html[i] != '>' && html[i] != '/') ++i;
      std::string_view name = html.substr(name_at, i - name_at);
      while (i < html.size() && space(html[i])) ++i;
      if (i >= html.size() || html[i] != '=') {
        if (name.empty() && i < html.size() && html[i] != '>') ++i;  // a stray character
        continue;
      }
      ++i;
      while (i < html.size() && space(html[i])) ++i;
      char quote = i < html.size() && (html[i] == '"' || html[i] == '\'') ? html[i] : 0;
      size_t value_at = quote != 0 ? i + 1 : i;
      size_t value_end = value_at;
      if (quote != 0) {
        value_end = html.find(quote, value_at);
        if (value_end == std::string_view::npos) return out.empty() ? std::move(markup) : out.append(html.substr(copied));
      } else {
        while (value_end < html.size() && !space(html[value_end]) && html[value_end] != '>') ++value_end;
      }
      i = quote != 0 ? value_end + 1 : value_end;
      if (!url_attribute(name)) continue;
      std::string_view value = core::trim(html.substr(value_at, value_end - value_at));
      if (needs_no_base(value)) continue;
      std::string resolved = resolve(n, value, base_url);
      if (resolved.empty() || resolved == value || needs_no_base(resolved) == false) continue;
      if (out.empty()) out.reserve(html.size() + 64);
      out.append(html.substr(copied, value_at - copied));
      for (char c : resolved) {
        if (c == '"' && quote != '\'') out += "&quot;";
        else if (c == '\'' && quote == '\'') out += "&#39;";
        else out += c;
      }
      copied = value_end;
    }
    lt = std::min(i, html.size() - 1);
  }
  if (copied == 0) return markup;  // nothing relative: no copy
  out.append(html.substr(copied));
  return out;
}

}  // namespace newsdesk::feed::tree
