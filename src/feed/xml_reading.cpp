#include "feed/xml_reading.hpp"

#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <cctype>
#include <cstring>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "core/url.hpp"
#include "text/charset.hpp"

namespace newsdesk::feed::xml {
namespace {

constexpr size_t kMaxFieldBytes = 1 << 20;
constexpr size_t kKeptMessages = 3;

// Recover what a careful reader would; never touch the network, never load
// or validate against a DTD, never substitute entities into the tree (so no
// external entity is read, XXE, and no expansion happens in the parser).
constexpr int kParseOptions = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOCDATA;

void collect_error(void* user, xmlErrorPtr error) {
  auto* parsed = static_cast<Parsed*>(user);
  if (error == nullptr || error->level < XML_ERR_ERROR) return;  // warnings are not damage
  ++parsed->errors;
  if (parsed->messages.size() >= kKeptMessages) return;
  std::string message = error->message != nullptr ? std::string(core::trim(error->message)) : "unknown error";
  parsed->messages.push_back(fmt::format("line {}: {}", error->line, message));
}

void ignore_generic(void*, const char*, ...) {}

std::string declared_xml_encoding(std::string_view body) {
  std::string_view head = body.substr(0, 256);
  if (head.substr(0, 5) != "<?xml") return {};
  size_t end = head.find("?>");
  size_t at = head.find("encoding");
  if (at == std::string_view::npos || (end != std::string_view::npos && at > end)) return {};
  size_t quote = head.find_first_of("\"'", at);
  if (quote == std::string_view::npos) return {};
  size_t close = head.find(head[quote], quote + 1);
  if (close == std::string_view::npos) return {};
  return core::to_lower_ascii(core::trim(head.substr(quote + 1, close - quote - 1)));
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

// An "&" that starts a character or entity reference ("&amp;", "&#38;", "&x;").
bool starts_reference(std::string_view s, size_t at) {
  size_t i = at + 1;
  if (i < s.size() && s[i] == '#') {
    ++i;
    bool hex = i < s.size() && (s[i] == 'x' || s[i] == 'X');
    if (hex) ++i;
    size_t digits = i;
    while (i < s.size() && (hex ? std::isxdigit(static_cast<unsigned char>(s[i])) : std::isdigit(static_cast<unsigned char>(s[i])))) ++i;
    return i > digits && i < s.size() && s[i] == ';';
  }
  if (i >= s.size() || !std::isalpha(static_cast<unsigned char>(s[i]))) return false;
  while (i < s.size() && i - at < 40 && is_name_char(s[i])) ++i;
  return i < s.size() && s[i] == ';';
}

}  // namespace

size_t escape_bare_ampersands(std::string_view body, std::string& out) {
  size_t fixed = 0;
  size_t copied = 0;
  const char* data = body.data();
  size_t i = 0;
  while (i < body.size()) {
    // A plain byte loop: find_first_of("&<") would call memchr once per byte.
    char c = data[i];
    if (c != '&' && c != '<') {
      ++i;
      continue;
    }
    if (c == '<') {
      // CDATA sections and comments hold "&" as text: step over them.
      std::string_view close = body.compare(i, 9, "<![CDATA[") == 0 ? "]]>" : body.compare(i, 4, "<!--") == 0 ? "-->" : "";
      if (!close.empty()) {
        size_t end = body.find(close, i);
        if (end == std::string_view::npos) break;
        i = end + close.size();
        continue;
      }
    } else if (!starts_reference(body, i)) {
      if (fixed == 0) out.reserve(body.size() + 64);
      out.append(body.substr(copied, i - copied));
      out += "&amp;";
      copied = i + 1;
      ++fixed;
    }
    ++i;
  }
  if (fixed > 0) out.append(body.substr(copied));
  return fixed;
}

std::string encoding_for(std::string_view body, std::string_view http_charset) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF" || body.substr(0, 2) == "\xFF\xFE" || body.substr(0, 2) == "\xFE\xFF") {
    return {};  // a byte-order mark says it all, and libxml2 reads it
  }
  std::string declared = declared_xml_encoding(body);
  if (!declared.empty()) {
    bool says_utf8 = declared == "utf-8" || declared == "utf8";
    if (says_utf8 && !text::is_valid_utf8(body, false)) return text::detect_charset(body, "");
    return {};
  }
  std::string chosen = text::detect_charset(body, http_charset);
  return chosen == "utf-8" ? std::string() : chosen;
}

Parsed parse(std::string_view body, const std::string& encoding) {
  Parsed out;
  // A bare "&" ("Guns & Ammo") is the commonest breakage in real feeds, and
  // recover mode would drop it: read it as the text it obviously is.
  std::string repaired;
  out.bare_ampersands = escape_bare_ampersands(body, repaired);
  if (out.bare_ampersands > 0) body = repaired;
  xmlSetStructuredErrorFunc(&out, collect_error);
  xmlSetGenericErrorFunc(nullptr, ignore_generic);
  out.doc = Doc(xmlReadMemory(body.data(), static_cast<int>(body.size()), nullptr,
                              encoding.empty() ? nullptr : encoding.c_str(), kParseOptions));
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  xmlSetGenericErrorFunc(nullptr, nullptr);
  return out;
}

bool named(const xmlNode* n, const char* local, const char* ns) {
  if (n == nullptr || n->type != XML_ELEMENT_NODE || n->name == nullptr) return false;
  if (std::strcmp(reinterpret_cast<const char*>(n->name), local) != 0) return false;
  if (ns == nullptr) return true;
  return n->ns != nullptr && n->ns->href != nullptr && std::strcmp(reinterpret_cast<const char*>(n->ns->href), ns) == 0;
}

std::string attr(const xmlNode* n, const char* name) {
  if (n == nullptr || n->type != XML_ELEMENT_NODE) return {};
  // Any namespace: rdf:about and plain about are both wanted.
  for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    if (a->name == nullptr || std::strcmp(reinterpret_cast<const char*>(a->name), name) != 0) continue;
    return std::string(core::trim(text(reinterpret_cast<const xmlNode*>(a))));
  }
  return {};
}

namespace {

void gather(const xmlNode* n, std::string& out) {
  for (const xmlNode* c = n->children; c != nullptr && out.size() < kMaxFieldBytes; c = c->next) {
    switch (c->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        if (c->content != nullptr) out += reinterpret_cast<const char*>(c->content);
        break;
      case XML_ENTITY_REF_NODE: {
        // The declared value of an internal entity, as written: entities it
        // names stay unexpanded, so an expansion bomb stays small.
        const auto* entity = reinterpret_cast<const xmlEntity*>(c->children);
        if (entity != nullptr && entity->content != nullptr &&
            (entity->etype == XML_INTERNAL_GENERAL_ENTITY || entity->etype == XML_INTERNAL_PREDEFINED_ENTITY)) {
          out += reinterpret_cast<const char*>(entity->content);
        }
        break;
      }
      case XML_ELEMENT_NODE:
        gather(c, out);
        break;
      default:
        break;
    }
  }
  if (out.size() > kMaxFieldBytes) out.resize(kMaxFieldBytes);
}

bool has_element_children(const xmlNode* n) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) return true;
  }
  return false;
}

}  // namespace

std::string text(const xmlNode* n) {
  if (n == nullptr) return {};
  std::string out;
  gather(n, out);
  return std::string(core::trim(out));
}

std::string inner_xml(xmlNode* n) {
  xmlBuffer* buf = xmlBufferCreate();
  for (xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_ENTITY_REF_NODE) continue;  // never serialise entity content
    xmlNodeDump(buf, n->doc, c, 0, 0);
  }
  std::string out(reinterpret_cast<const char*>(xmlBufferContent(buf)), static_cast<size_t>(xmlBufferLength(buf)));
  xmlBufferFree(buf);
  if (out.size() > kMaxFieldBytes) out.resize(kMaxFieldBytes);
  return std::string(core::trim(out));
}

std::string markup(xmlNode* n) {
  if (n == nullptr) return {};
  return has_element_children(n) ? inner_xml(n) : text(n);
}

std::string resolve(const xmlNode* n, const std::string& link, std::string_view base_url) {
  if (link.empty()) return {};
  std::string base(base_url);
  // xml:base in force at n: the nearest ancestor-or-self's, resolved against outer ones.
  std::vector<std::string> bases;
  for (const xmlNode* p = n; p != nullptr && p->type == XML_ELEMENT_NODE; p = p->parent) {
    xmlChar* b = xmlGetNsProp(p, reinterpret_cast<const xmlChar*>("base"), XML_XML_NAMESPACE);
    if (b != nullptr) {
      bases.emplace_back(reinterpret_cast<char*>(b));
      xmlFree(b);
    }
  }
  for (auto it = bases.rbegin(); it != bases.rend(); ++it) base = core::resolve_url(base, core::trim(*it));
  return core::resolve_url(base, core::trim(link));
}

}  // namespace newsdesk::feed::xml
