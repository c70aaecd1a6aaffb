#include "core/strings.hpp"

#include <array>
#include <cstring>

#include <algorithm>
#include <iterator>

#include <cctype>
#include <cstdint>

namespace newsdesk::core {

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

namespace {
// ASCII only, without the C locale's function call per character.
inline char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
constexpr bool space_ascii(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
}  // namespace

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower_ascii(c);
  return out;
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

std::string collapse_whitespace(std::string_view s) {
  std::string out(s);
  collapse_whitespace_in_place(out);
  return out;
}

void collapse_whitespace_in_place(std::string& s) {
  // Rewritten in place: the output is never longer than what has been read
  // (a space is written only once a later byte is read). Runs of ordinary
  // bytes move whole; this runs over every text node of every page.
  static constexpr auto kOrdinary = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = !space_ascii(static_cast<unsigned char>(c)) && c != 0xC2 && c != 0xE2;
    return t;
  }();
  auto ordinary = [](unsigned char c) { return kOrdinary[c]; };
  char* const begin = s.data();
  char* w = begin;
  const size_t n = s.size();
  bool pending_space = false;
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && ordinary(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) {
      if (pending_space) *w++ = ' ';
      pending_space = false;
      if (w != begin + i) std::memmove(w, begin + i, j - i);
      w += j - i;
      i = j;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t width = 1;
    bool space = space_ascii(c);
    if (c == 0xC2 && i + 1 < n &&
        (static_cast<unsigned char>(s[i + 1]) == 0xA0 || static_cast<unsigned char>(s[i + 1]) == 0x85)) {
      space = true;  // no-break space, next line
      width = 2;
    } else if (c == 0xE2 && i + 2 < n && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      space = true;  // line and paragraph separators
      width = 3;
    }
    if (space) {
      pending_space = w != begin;
    } else {
      if (pending_space) *w++ = ' ';
      pending_space = false;
      *w++ = static_cast<char>(c);  // a 0xC2 or 0xE2 that starts another character
    }
    i += width;
  }
  s.resize(static_cast<size_t>(w - begin));
}

std::string sanitize_utf8(std::string_view s) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    // A run of ASCII (but NUL) goes in whole: most text is such runs.
    size_t j = i;
    while (j < s.size() && static_cast<unsigned char>(s[j] - 1) < 0x7F) ++j;
    if (j > i) {
      out.append(s.substr(i, j - i));
      i = j;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0) {
      ++i;
      continue;
    }
    int len = (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    }
    if (ok && len == 3) {  // overlongs and surrogates
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
    } else if (ok && len == 4) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += kReplacement;
      ++i;
    }
  }
  return out;
}

namespace {


// Every named character reference of HTML (WHATWG's list, generated by
// scripts/gen-html-entities): a French or German outlet's escaped titles say
// &eacute; and &szlig;, not only the handful of punctuation names.
struct NamedReference {
  std::string_view name;   // without the ';'
  const char* value;       // UTF-8: one or two code points
};
constexpr NamedReference kNamedReferences[] = {
#include "core/html_entities.inc"
};
constexpr size_t kLongestName = 31;  // "CounterClockwiseContourIntegral"
static_assert(std::is_sorted(std::begin(kNamedReferences), std::end(kNamedReferences),
                             [](const NamedReference& a, const NamedReference& b) { return a.name < b.name; }),
              "scripts/gen-html-entities writes the names sorted");
static_assert(std::all_of(std::begin(kNamedReferences), std::end(kNamedReferences),
                          [](const NamedReference& r) { return r.name.size() <= kLongestName; }));

const char* named_reference(std::string_view name) {
  const auto* end = std::end(kNamedReferences);
  const auto* it = std::lower_bound(std::begin(kNamedReferences), end, name,
                                    [](const NamedReference& r, std::string_view n) { return r.name < n; });
  return it != end && it->name == name ? it->value : nullptr;
}

std::string decode_once(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i - 1 > kLongestName) {
      out += s[i];
      continue;
    }
    std::string_view ref = s.substr(i + 1, semi - i - 1);
    bool done = false;
    if (!ref.empty() && ref[0] == '#') {
      uint32_t cp = 0;
      bool hex = ref.size() > 1 && (ref[1] == 'x' || ref[1] == 'X');
      std::string_view digits = ref.substr(hex ? 2 : 1);
      bool ok = !digits.empty();
      for (char c : digits) {
        int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                : hex && std::isxdigit(static_cast<unsigned char>(c)) ? (std::tolower(c) - 'a' + 10)
                                                                      : -1;
        if (v < 0 || cp > 0x10FFFF) {
          ok = false;
          break;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
      }
      if (ok) {
        append_utf8(out, cp);
        done = true;
      }
    } else if (const char* value = named_reference(ref)) {
      out += value;
      done = true;
    }
    if (done) {
      i = semi;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

namespace {

// The byte Windows-1252 shows as this code point, or -1.
int cp1252_byte(uint32_t cp) {
  // Latin-1 readings map C1 controls to themselves; Windows-1252 ones use the table.
  if (cp >= 0x80 && cp <= 0xFF) return static_cast<int>(cp);
  static const std::pair<uint32_t, int> kSpecial[] = {
      {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85}, {0x2020, 0x86},
      {0x2021, 0x87}, {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A}, {0x2039, 0x8B}, {0x0152, 0x8C},
      {0x017D, 0x8E}, {0x2018, 0x91}, {0x2019, 0x92}, {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95},
      {0x2013, 0x96}, {0x2014, 0x97}, {0x02DC, 0x98}, {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B},
      {0x0153, 0x9C}, {0x017E, 0x9E}, {0x0178, 0x9F}, {0x81, 0x81}, {0x8D, 0x8D}, {0x8F, 0x8F},
      {0x90, 0x90}, {0x9D, 0x9D}};
  for (auto [code, byte] : kSpecial) {
    if (code == cp) return byte;
  }
  return -1;
}

// Decodes one UTF-8 code point at s[i]; returns its length (0 if invalid).
size_t next_code_point(std::string_view s, size_t i, uint32_t& cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  return len;
}

}  // namespace

std::string repair_mojibake(std::string_view s) {
  // Quick exit: mojibake of UTF-8 always starts with Â, Ã, â, ð... (C2-F4 read as 1252).
  if (s.find('\xC3') == std::string_view::npos && s.find('\xC2') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    uint32_t cp = 0;
    size_t len = next_code_point(s, i, cp);
    int lead = len > 1 ? cp1252_byte(cp) : -1;
    size_t need = lead >= 0xC2 && lead <= 0xDF ? 1 : lead >= 0xE0 && lead <= 0xEF ? 2 : lead >= 0xF0 && lead <= 0xF4 ? 3 : 0;
    if (need > 0) {
      // Try to read `need` continuation bytes as 1252 characters.
      std::string bytes(1, static_cast<char>(lead));
      size_t j = i + len;
      for (size_t k = 0; k < need && j < s.size(); ++k) {
        uint32_t ncp = 0;
        size_t nlen = next_code_point(s, j, ncp);
        int b = nlen > 0 ? (ncp < 0x80 ? -1 : cp1252_byte(ncp)) : -1;
        if (b < 0x80 || b > 0xBF) break;
        bytes += static_cast<char>(b);
        j += nlen;
      }
      uint32_t fixed = 0;
      if (bytes.size() == need + 1 && next_code_point(bytes, 0, fixed) == bytes.size() && fixed >= 0x80) {
        out += bytes;
        i = j;
        continue;
      }
    }
    if (len == 0) len = 1;
    out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

std::string decode_html_entities(std::string_view s) {
  std::string current(s);
  for (int round = 0; round < 3 && current.find('&') != std::string::npos; ++round) {
    std::string next = decode_once(current);
    if (next == current) break;
    current = std::move(next);
  }
  return current;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string address_domain(std::string_view address) {
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos) return "";
  std::string_view d = address.substr(at + 1);
  d = d.substr(0, d.find('>'));  // "Name <a@news.example>"
  while (!d.empty() && (d.back() == ' ' || d.back() == '\t')) d.remove_suffix(1);
  return to_lower_ascii(d);
}

bool plausible_email(std::string_view a) {
  if (a.size() > 254 || a.size() < 3) return false;
  const size_t at = a.find('@');
  if (at == std::string::npos || at == 0 || at > 64 || a.find('@', at + 1) != std::string::npos) return false;
  const std::string_view local = a.substr(0, at), domain = a.substr(at + 1);
  for (char c : local) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos) return false;
  if (domain.find('.') == std::string::npos || domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string::npos) {
    return false;
  }
  for (char c : domain) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return false;
  }
  return true;
}

void html_escape_append(std::string& out, std::string_view s) {
  // Runs without a special character go in whole: most text has none.
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char* entity = nullptr;
    switch (s[i]) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '"': entity = "&quot;"; break;
      case '\'': entity = "&#39;"; break;
      default: continue;
    }
    out.append(s.substr(start, i - start));
    out += entity;
    start = i + 1;
  }
  out.append(s.substr(start));
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  html_escape_append(out, s);
  return out;
}

std::string slugify(std::string_view s, size_t max_length) {
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
    if (out.size() >= max_length) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

}  // namespace newsdesk::core
