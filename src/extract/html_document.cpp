#include "extract/html_document.hpp"

#include <cctype>

#include <cstring>

#include "core/strings.hpp"

namespace newsdesk::extract {

namespace {

bool starts_with_nocase(std::string_view s, size_t at, std::string_view word) {
  if (at + word.size() > s.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = s[at + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != word[i]) return false;
  }
  return true;
}

size_t find_nocase(std::string_view s, size_t from, std::string_view word) {
  while (from < s.size()) {
    size_t lt = s.find('<', from);
    if (lt == std::string_view::npos) return lt;
    if (starts_with_nocase(s, lt, word)) return lt;
    from = lt + 1;
  }
  return std::string_view::npos;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool is_identifier(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

// Where the JSON object of a state assignment starts in `script` ("window.__X__ = {"
// or "__NEXT_DATA__ = {" near its start), npos for none. Only the script's
// first bytes are looked at: frameworks write the assignment first, and
// reading whole scripts would cost a pass over half the page.
size_t state_object_start(std::string_view script) {
  size_t begin = 0;
  while (begin < script.size() && is_space(script[begin])) ++begin;
  std::string_view head = script.substr(begin, 256);
  for (size_t at = head.find("__"); at != std::string_view::npos; at = head.find("__", at + 2)) {
    if (at > 0 && is_identifier(head[at - 1])) continue;  // inside a name: "my__x"
    size_t end = at;
    while (end < head.size() && is_identifier(head[end])) ++end;
    std::string_view name = head.substr(at, end - at);
    bool on_window = (at >= 7 && head.substr(at - 7, 7) == "window.") || (at >= 5 && head.substr(at - 5, 5) == "self.");
    bool framework = name.size() > 4 && name.substr(name.size() - 2) == "__";  // __INITIAL_STATE__
    if (!on_window && !framework) continue;
    while (end < head.size() && is_space(head[end])) ++end;
    if (end >= head.size() || head[end] != '=') continue;
    ++end;
    while (end < head.size() && is_space(head[end])) ++end;
    if (end < head.size() && head[end] == '{') return begin + end;
  }
  return std::string_view::npos;
}

// Notes a script body that holds application state.
void note_state_blob(std::string_view open_tag, std::string_view script, OffDomSources& off_dom) {
  if (script.size() < 512) return;
  size_t start = std::string_view::npos;
  if (open_tag.find("__NEXT_DATA__") != std::string_view::npos) {
    start = script.find_first_not_of(" \t\r\n");
    if (start != std::string_view::npos && script[start] != '{') start = std::string_view::npos;
  } else {
    start = state_object_start(script);
  }
  if (start != std::string_view::npos) off_dom.state_blobs.push_back(script.substr(start));
}

}  // namespace

std::string without_script_bodies(std::string_view html, OffDomSources* off_dom) {
  std::string out;
  out.reserve(html.size());
  size_t pos = 0;
  bool noscripts_close = off_dom != nullptr;  // false once one was left unclosed: no more searching
  while (pos < html.size()) {
    size_t lt = html.find('<', pos);
    if (lt == std::string_view::npos) break;
    if (noscripts_close && starts_with_nocase(html, lt, "<noscript") && lt + 9 < html.size() &&
        (html[lt + 9] == '>' || is_space(html[lt + 9]))) {
      size_t open_end = html.find('>', lt + 9);
      size_t close = open_end == std::string_view::npos ? open_end : find_nocase(html, open_end + 1, "</noscript");
      if (close == std::string_view::npos) {
        noscripts_close = false;
      } else if (close - open_end - 1 >= 256) {
        off_dom->noscripts.push_back(html.substr(open_end + 1, close - open_end - 1));
      }
    }
    bool script = starts_with_nocase(html, lt, "<script");
    bool style = !script && starts_with_nocase(html, lt, "<style");
    bool svg = !script && !style && starts_with_nocase(html, lt, "<svg");
    size_t name_end = lt + (script ? 7 : svg ? 4 : 6);
    if ((!script && !style && !svg) || name_end >= html.size() ||
        !(html[name_end] == '>' || html[name_end] == ' ' || html[name_end] == '\t' || html[name_end] == '\n' ||
          html[name_end] == '\r' || html[name_end] == '/')) {
      out.append(html.substr(pos, lt + 1 - pos));
      pos = lt + 1;
      continue;
    }
    size_t open_end = html.find('>', name_end);
    if (open_end == std::string_view::npos) break;
    std::string_view open_tag = html.substr(lt, open_end + 1 - lt);
    if (svg && open_tag.size() >= 2 && open_tag[open_tag.size() - 2] == '/') {  // <svg ... />: nothing inside
      out.append(html.substr(pos, open_end + 1 - pos));
      pos = open_end + 1;
      continue;
    }
    size_t close = find_nocase(html, open_end + 1, script ? "</script" : svg ? "</svg" : "</style");
    if (close == std::string_view::npos) break;  // unterminated: let the parser see the rest as it is
    bool keep = script && (open_tag.find("ld+json") != std::string_view::npos ||
                           open_tag.find("LD+JSON") != std::string_view::npos);
    out.append(html.substr(pos, open_end + 1 - pos));
    if (keep) out.append(html.substr(open_end + 1, close - open_end - 1));
    if (script && !keep && off_dom != nullptr) note_state_blob(open_tag, html.substr(open_end + 1, close - open_end - 1), *off_dom);
    pos = close;
  }
  out.append(html.substr(std::min(pos, html.size())));
  return out;
}

HtmlDocument::HtmlDocument(std::string_view html, const std::string& encoding) {
  int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                HTML_PARSE_COMPACT;
  // We decided the encoding (charset.hpp): the page's own hint must not switch it mid-parse.
  if (!encoding.empty()) options |= HTML_PARSE_IGNORE_ENC;
  doc_.reset(htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr,
                            encoding.empty() ? nullptr : encoding.c_str(), options));
}

bool is_element(const xmlNode* n, const char* name) {
  // libxml2's HTML parser has lower-cased the name already.
  return n != nullptr && n->type == XML_ELEMENT_NODE && n->name != nullptr &&
         std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

std::string attribute(const xmlNode* n, const char* name) {
  if (n == nullptr || n->type != XML_ELEMENT_NODE) return {};
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return {};
  std::string out(reinterpret_cast<char*>(v));
  xmlFree(v);
  return out;
}

std::string_view attribute_view(const xmlNode* n, std::string_view name) {
  if (n == nullptr || n->type != XML_ELEMENT_NODE) return {};
  for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    if (a->name == nullptr || name != reinterpret_cast<const char*>(a->name)) continue;
    const xmlNode* value = a->children;
    if (value != nullptr && value->next == nullptr && value->type == XML_TEXT_NODE && value->content != nullptr) {
      return reinterpret_cast<const char*>(value->content);
    }
    return {};
  }
  return {};
}

bool has_attribute(const xmlNode* n, std::string_view name) {
  if (n == nullptr || n->type != XML_ELEMENT_NODE) return false;
  for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    if (a->name != nullptr && name == reinterpret_cast<const char*>(a->name)) return true;
  }
  return false;
}

std::string_view element_name(const xmlNode* n) {
  if (n == nullptr || n->name == nullptr) return {};
  return reinterpret_cast<const char*>(n->name);
}

// libxml2 leaves `name` null on some nodes it recovers from broken markup.
std::string lower_name(const xmlNode* n) {
  if (n == nullptr || n->name == nullptr) return {};
  return core::to_lower_ascii(reinterpret_cast<const char*>(n->name));
}

namespace {

bool is_script_or_style(const xmlNode* n) { return is_element(n, "script") || is_element(n, "style"); }

std::string gather_text(const xmlNode* n, bool spaced, size_t max_chars) {
  std::string out;
  // Script and style elements are never entered below, so a text node met on
  // the way is script or style text only when `n` itself is one.
  if (is_script_or_style(n)) return out;
  // Iterative walk: pages can nest deeper than the stack allows.
  const xmlNode* cur = n->children;
  while (cur != nullptr && cur != n) {
    bool descend = false;
    if (out.size() > max_chars) break;
    if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
      if (cur->content != nullptr) out += reinterpret_cast<const char*>(cur->content);
    } else if (cur->type == XML_ELEMENT_NODE && !is_element(cur, "script") && !is_element(cur, "style")) {
      if (is_element(cur, "br")) out += spaced ? " | " : " ";
      else if (spaced) out += ' ';
      descend = cur->children != nullptr;
    }
    if (descend) {
      cur = cur->children;
      continue;
    }
    while (cur != n && cur->next == nullptr) {
      cur = cur->parent;
      if (spaced) out += ' ';
    }
    if (cur == n) break;
    cur = cur->next;
  }
  core::collapse_whitespace_in_place(out);
  return out;
}

}  // namespace

std::string text_content(const xmlNode* n) { return gather_text(n, false, SIZE_MAX); }

std::string spaced_text(const xmlNode* n, size_t max_chars) { return gather_text(n, true, max_chars); }

void append_words(std::string_view value, std::vector<std::string>& out) {
  std::string cur;
  for (char ch : value) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) {
      cur += static_cast<char>(std::tolower(c));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
}

xmlNode* next_below(const xmlNode* n, xmlNode* cur, bool enter) {
  if (enter && cur->children != nullptr) return cur->children;
  while (cur != n && cur->next == nullptr) cur = cur->parent;
  return cur == n ? nullptr : cur->next;
}

std::vector<xmlNode*> find_all(xmlNode* n, const char* name) {
  std::vector<xmlNode*> out;
  if (n == nullptr) return out;
  xmlNode* cur = n;
  while (cur != nullptr) {
    if (is_element(cur, name)) out.push_back(cur);
    if (cur->children != nullptr && cur->type == XML_ELEMENT_NODE) {
      cur = cur->children;
      continue;
    }
    while (cur != nullptr && cur != n && cur->next == nullptr) cur = cur->parent;
    if (cur == nullptr || cur == n) break;
    cur = cur->next;
  }
  return out;
}

}  // namespace newsdesk::extract
