#include "feed/xml_reading.hpp"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <cctype>
#include <cstring>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "text/charset.hpp"

namespace newsdesk::feed::xml {
namespace {

constexpr size_t kKeptMessages = 3;

// Recover what a careful reader would; never touch the network, never load
// or validate against a DTD, never substitute entities into the tree (so no
// external entity is read, XXE, and no expansion happens in the parser).
constexpr int kParseOptions = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOCDATA;

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
  // The next "<!" (a CDATA section or comment may start there), found lazily.
  size_t special = body.find("<!");
  size_t i = body.find('&');
  while (i != std::string_view::npos) {
    while (special != std::string_view::npos && special < i) {
      // CDATA sections and comments hold "&" as text: step over one.
      std::string_view close = body.compare(special, 9, "<![CDATA[") == 0 ? "]]>"
                               : body.compare(special, 4, "<!--") == 0    ? "-->"
                                                                          : "";
      size_t end = close.empty() ? special + 2 : body.find(close, special);
      if (end == std::string_view::npos) {
        i = std::string_view::npos;  // unterminated: the rest is inside it
        break;
      }
      end += close.size();
      if (end > i) i = body.find('&', end);
      special = body.find("<!", std::max(end, special + 2));
      if (i == std::string_view::npos) break;
    }
    if (i == std::string_view::npos) break;
    if (!starts_reference(body, i)) {
      if (fixed == 0) out.reserve(body.size() + 64);
      out.append(body.substr(copied, i - copied));
      out += "&amp;";
      copied = i + 1;
      ++fixed;
    }
    i = body.find('&', i + 1);
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
    if (!says_utf8) return declared;
    return text::is_valid_utf8(body, false) ? std::string() : text::detect_charset(body, "");
  }
  std::string chosen = text::detect_charset(body, http_charset);
  return chosen == "utf-8" ? std::string() : chosen;
}

Recovered recover(std::string_view body, const std::string& encoding) {
  Recovered out;
  xmlSetStructuredErrorFunc(&out, [](void* user, xmlErrorPtr error) {
    auto* r = static_cast<Recovered*>(user);
    if (error == nullptr || error->level < XML_ERR_ERROR) return;  // warnings are not damage
    ++r->errors;
    if (r->messages.size() >= kKeptMessages) return;
    std::string message = error->message != nullptr ? std::string(core::trim(error->message)) : "unknown error";
    r->messages.push_back(fmt::format("line {}: {}", error->line, message));
  });
  xmlSetGenericErrorFunc(nullptr, ignore_generic);
  xmlDoc* doc = xmlReadMemory(body.data(), static_cast<int>(body.size()), nullptr,
                              encoding.empty() ? nullptr : encoding.c_str(), kParseOptions);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  xmlSetGenericErrorFunc(nullptr, nullptr);
  if (doc == nullptr) return out;
  if (xmlDocGetRootElement(doc) != nullptr) {
    xmlChar* dumped = nullptr;
    int size = 0;
    xmlDocDumpMemoryEnc(doc, &dumped, &size, "UTF-8");
    if (dumped != nullptr) {
      out.xml.assign(reinterpret_cast<const char*>(dumped), static_cast<size_t>(size));
      xmlFree(dumped);
    }
  }
  xmlFreeDoc(doc);
  return out;
}

}  // namespace newsdesk::feed::xml
