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
    // As browsers do: bytes 0x80-0x9F in a feed declared Latin-1 or ASCII are
    // Windows-1252's curly quotes and dashes, not control characters.
    if (declared == "iso-8859-1" || declared == "latin1" || declared == "iso8859-1" || declared == "iso_8859-1" ||
        declared == "us-ascii" || declared == "ascii") {
      return "windows-1252";
    }
    if (!says_utf8) return declared;
    return text::is_valid_utf8(body, false) ? std::string() : text::detect_charset(body, "");
  }
  std::string chosen = text::detect_charset(body, http_charset);
  return chosen == "utf-8" ? std::string() : chosen;
}

namespace {

constexpr size_t kMaxEntityGrowth = 1 << 20;
constexpr int kMaxEntityDepth = 8;

bool xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool xml_name_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '.' || c == '-' || c == '_' || c == ':' || u >= 0x80;
}

// Where the document type declaration starts in the prolog; npos when none
// (only the XML declaration, processing instructions, comments and white
// space may come before it).
size_t find_doctype(std::string_view body) {
  size_t i = body.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (i < body.size()) {
    if (xml_space(body[i])) {
      ++i;
    } else if (body.compare(i, 2, "<?") == 0) {
      size_t end = body.find("?>", i + 2);
      if (end == std::string_view::npos) return std::string_view::npos;
      i = end + 2;
    } else if (body.compare(i, 4, "<!--") == 0) {
      size_t end = body.find("-->", i + 4);
      if (end == std::string_view::npos) return std::string_view::npos;
      i = end + 3;
    } else {
      return body.compare(i, 9, "<!DOCTYPE") == 0 ? i : std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

struct Declarations {
  std::vector<std::pair<std::string, std::string>> entities;  // name, literal value
  std::vector<std::string> external;                          // names declared SYSTEM/PUBLIC
  size_t end = std::string_view::npos;                        // just past the doctype's ">"
};

// The general entities of the internal subset of the doctype at `at`.
Declarations read_internal_subset(std::string_view body, size_t at) {
  Declarations d;
  size_t i = at + 9;
  char quote = 0;
  for (; i < body.size(); ++i) {  // to the subset's "[" (or the doctype's end)
    char c = body[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      d.end = i + 1;
      return d;
    } else if (c == '[') {
      break;
    }
  }
  for (++i; i < body.size();) {
    if (body[i] == ']') {
      size_t close = body.find('>', i);
      if (close != std::string_view::npos) d.end = close + 1;
      return d;
    }
    if (body.compare(i, 4, "<!--") == 0) {
      size_t end = body.find("-->", i + 4);
      if (end == std::string_view::npos) return d;
      i = end + 3;
      continue;
    }
    if (body.compare(i, 8, "<!ENTITY") != 0) {
      // Another declaration or a PI: step over it, its quoted parts whole.
      if (body[i] == '<') {
        quote = 0;
        for (++i; i < body.size() && (quote != 0 || body[i] != '>'); ++i) {
          if (quote != 0 && body[i] == quote) quote = 0;
          else if (quote == 0 && (body[i] == '"' || body[i] == '\'')) quote = body[i];
        }
      }
      ++i;
      continue;
    }
    i += 8;
    while (i < body.size() && xml_space(body[i])) ++i;
    bool parameter = i < body.size() && body[i] == '%';
    if (parameter) {
      ++i;
      while (i < body.size() && xml_space(body[i])) ++i;
    }
    size_t name_at = i;
    while (i < body.size() && xml_name_char(body[i])) ++i;
    std::string name(body.substr(name_at, i - name_at));
    while (i < body.size() && xml_space(body[i])) ++i;
    if (i < body.size() && (body[i] == '"' || body[i] == '\'')) {
      size_t close = body.find(body[i], i + 1);
      if (close == std::string_view::npos) return d;
      if (!parameter && !name.empty()) d.entities.emplace_back(name, std::string(body.substr(i + 1, close - i - 1)));
      i = close + 1;
    } else if (!parameter && !name.empty()) {
      d.external.push_back(name);
    }
    quote = 0;
    for (; i < body.size() && (quote != 0 || body[i] != '>'); ++i) {
      if (quote != 0 && body[i] == quote) quote = 0;
      else if (quote == 0 && (body[i] == '"' || body[i] == '\'')) quote = body[i];
    }
    ++i;
  }
  return d;
}

struct Expander {
  const std::vector<std::pair<std::string, std::string>>& entities;
  size_t limit;  // the most the expanded document may hold
  bool exhausted = false;

  const std::string* find(std::string_view name) const {
    // The first declaration binds (XML 1.0 §4.2); predefined ones stay XML's.
    if (name == "lt" || name == "gt" || name == "amp" || name == "apos" || name == "quot") return nullptr;
    for (const auto& [n, v] : entities) {
      if (n == name) return &v;
    }
    return nullptr;
  }

  // Appends `text` to `out` with declared references expanded; stops (and
  // says so) at the depth or size bound.
  void expand(std::string_view text, std::string& out, int depth, size_t* replaced) {
    size_t copied = 0;
    for (size_t amp = text.find('&'); amp != std::string_view::npos && !exhausted; amp = text.find('&', amp + 1)) {
      size_t semi = text.find(';', amp + 1);
      if (semi == std::string_view::npos || semi - amp > 64) continue;
      const std::string* value = find(text.substr(amp + 1, semi - amp - 1));
      if (value == nullptr) continue;
      if (depth >= kMaxEntityDepth || out.size() + (amp - copied) + value->size() > limit) {
        exhausted = true;
        break;
      }
      out.append(text.substr(copied, amp - copied));
      expand(*value, out, depth + 1, nullptr);
      copied = semi + 1;
      if (replaced != nullptr) ++*replaced;
    }
    out.append(text.substr(copied));
  }
};

}  // namespace

size_t expand_internal_entities(std::string_view body, std::string& out, std::vector<std::string>& warnings) {
  size_t doctype = find_doctype(body);
  if (doctype == std::string_view::npos) return 0;
  Declarations d = read_internal_subset(body, doctype);
  for (const auto& name : d.external) {
    warnings.push_back(fmt::format("the entity '{}' is external (SYSTEM/PUBLIC) and is not read; its references stay as written", name));
  }
  if (d.entities.empty() || d.end == std::string_view::npos) return 0;
  Expander x{d.entities, body.size() + kMaxEntityGrowth};
  std::string result;
  result.reserve(body.size() + 256);
  result.append(body.substr(0, d.end));
  size_t replaced = 0;
  // The rest, CDATA sections and comments copied as they are.
  size_t i = d.end;
  while (i < body.size()) {
    size_t special = body.find("<!", i);
    size_t stop = special == std::string_view::npos ? body.size() : special;
    x.expand(body.substr(i, stop - i), result, 0, &replaced);
    if (x.exhausted || special == std::string_view::npos) break;
    std::string_view close = body.compare(special, 9, "<![CDATA[") == 0 ? "]]>" : body.compare(special, 4, "<!--") == 0 ? "-->" : "";
    size_t end = close.empty() ? special + 2 : body.find(close, special);
    end = end == std::string_view::npos ? body.size() : end + close.size();
    result.append(body.substr(special, end - special));
    i = end;
  }
  if (x.exhausted) {
    // Past the bounds a document is an expansion bomb, not a feed's shorthand:
    // none of its entities is expanded.
    warnings.push_back(fmt::format("the DTD's entities expand past {} levels or {} bytes; none is expanded",
                                   kMaxEntityDepth, kMaxEntityGrowth));
    return 0;
  }
  if (replaced == 0) return 0;
  out = std::move(result);
  return replaced;
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
