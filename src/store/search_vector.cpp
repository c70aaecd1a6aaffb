#include "store/search_vector.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <deque>
#include <unordered_map>

namespace newsdesk::store {
namespace {

constexpr std::uint32_t kMaxPosition = 16383;  // PostgreSQL's MAXENTRYPOS - 1
constexpr size_t kMaxPositions = 256;          // a lexeme's positions (MAXNUMPOS)

void append_utf8(std::string& out, UChar32 c) {
  char buf[4];
  int32_t n = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buf), n, 4, c, error);
  if (!error) out.append(buf, static_cast<size_t>(n));
}

bool is_mark(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0; }

// Letters without a decomposition that unaccent (and a reader) folds all the
// same: "Straße" is found by "strasse", "Ørsted" by "orsted".
const char* folded_letter(UChar32 c) {
  switch (c) {
    case 0x00DF: return "ss";  // ß
    case 0x00E6: return "ae";  // æ
    case 0x0153: return "oe";  // œ
    case 0x00F8: return "o";   // ø
    case 0x0111: return "d";   // đ
    case 0x00F0: return "d";   // ð
    case 0x0142: return "l";   // ł
    case 0x0127: return "h";   // ħ
    case 0x0131: return "i";   // ı
    case 0x00FE: return "th";  // þ
    default: return nullptr;
  }
}

// Appends a letter or digit outside ASCII, case-folded and without its
// diacritics: its canonical decomposition less the marks, when it has marks
// to lose. A decomposition without marks is kept composed (a Hangul
// syllable is a letter of its own, not its jamo).
void append_folded(std::string& out, UChar32 c) {
  c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
  if (const char* f = folded_letter(c)) {
    out += f;
    return;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  icu::UnicodeString parts;
  bool has_marks = false;
  if (U_SUCCESS(status) && nfd->getDecomposition(c, parts)) {
    for (int32_t i = 0; i < parts.length(); i += U16_LENGTH(parts.char32At(i))) has_marks |= is_mark(parts.char32At(i));
  }
  if (!has_marks) {
    append_utf8(out, c);
    return;
  }
  for (int32_t i = 0; i < parts.length();) {
    const UChar32 p = parts.char32At(i);
    i += U16_LENGTH(p);
    if (!is_mark(p)) append_utf8(out, u_foldCase(p, U_FOLD_CASE_DEFAULT));
  }
}

bool is_word_char(UChar32 c) {
  return c >= 0 && (u_isalnum(c) || u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || is_mark(c));
}

// Calls each(word) for every word of `text`, in order.
template <class Each>
void for_each_word(std::string_view text, Each&& each) {
  std::string word;
  auto flush = [&] {
    if (!word.empty() && word.size() <= kMaxSearchWordBytes) each(std::string_view(word));
    word.clear();
  };
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(std::min<size_t>(text.size(), INT32_MAX));
  for (int32_t i = 0; i < length;) {
    const uint8_t b = s[i];
    if (b < 0x80) {  // ASCII without ICU: most news text is ASCII
      ++i;
      if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) {
        word += static_cast<char>(b);
      } else if (b >= 'A' && b <= 'Z') {
        word += static_cast<char>(b + 32);
      } else {
        flush();
      }
      continue;
    }
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (!is_word_char(c)) {
      flush();
    } else if (!is_mark(c)) {  // a combining mark stays in its word, unwritten
      append_folded(word, c);
    }
  }
  flush();
}

// The first `limit` bytes of `text`, not cutting a character in two.
std::string_view cut(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

void append_quoted(std::string& out, std::string_view lexeme) {
  out += '\'';
  for (char ch : lexeme) {
    if (ch == '\'') out += "''";
    else if (ch == '\\') out += "\\\\";
    else out += ch;
  }
  out += '\'';
}

}  // namespace

std::vector<std::string> search_words(std::string_view text) {
  std::vector<std::string> out;
  for_each_word(text, [&](std::string_view w) { out.emplace_back(w); });
  return out;
}

std::string search_vector(std::string_view title, std::string_view text, size_t text_limit) {
  title = cut(title, text_limit);
  text = cut(text, text_limit);
  // Each distinct word numbered, kept once in a deque (which never moves
  // what it holds, so the views into it stay good); an occurrence is (word,
  // position, weight).
  std::deque<std::string> spellings;
  std::unordered_map<std::string_view, std::uint32_t> number;
  std::vector<std::string_view> lexemes;
  std::vector<std::uint32_t> count, last_position;
  struct Occurrence {
    std::uint32_t lexeme, position;  // position << 1 | 1 for the title's
  };
  std::vector<Occurrence> occurrences;
  std::uint32_t position = 0;
  auto add = [&](std::string_view word, bool in_title) {
    position = std::min(position + 1, kMaxPosition);
    auto it = number.find(word);
    if (it == number.end()) {
      const std::string_view kept = spellings.emplace_back(word);
      it = number.emplace(kept, static_cast<std::uint32_t>(lexemes.size())).first;
      lexemes.push_back(kept);
      count.push_back(0);
      last_position.push_back(0);
    }
    const std::uint32_t n = it->second;
    // At most kMaxPositions a word; positions clamped at the limit written once.
    if (count[n] >= kMaxPositions || last_position[n] == position) return;
    ++count[n];
    last_position[n] = position;
    occurrences.push_back({n, position << 1 | (in_title ? 1u : 0u)});
  };
  for_each_word(title, [&](std::string_view w) { add(w, true); });
  for_each_word(text, [&](std::string_view w) { add(w, false); });

  // Lexemes in byte order, each with its positions in order: the
  // occurrences placed by lexeme in one pass, keeping their order.
  std::vector<std::uint32_t> order(lexemes.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return lexemes[a] < lexemes[b]; });
  std::vector<std::uint32_t> start(lexemes.size());
  std::uint32_t next = 0;
  for (std::uint32_t n : order) {
    start[n] = next;
    next += count[n];
  }
  std::vector<Occurrence> placed(occurrences.size());
  for (const Occurrence& o : occurrences) placed[start[o.lexeme]++] = o;
  occurrences.swap(placed);
  std::string out;
  out.reserve(occurrences.size() * 6 + lexemes.size() * 12);
  char digits[16];
  for (size_t i = 0; i < occurrences.size(); ++i) {
    const Occurrence& o = occurrences[i];
    const bool first = i == 0 || occurrences[i - 1].lexeme != o.lexeme;
    if (first) {
      if (i > 0) out += ' ';
      append_quoted(out, lexemes[o.lexeme]);
      out += ':';
    } else {
      out += ',';
    }
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, o.position >> 1);
    out.append(digits, static_cast<size_t>(end - digits));
    if ((o.position & 1u) != 0) out += 'A';
  }
  return out;
}

std::string search_query(const std::vector<std::string>& typed_words, bool last_is_prefix) {
  std::vector<std::string> lexemes;
  for (const auto& typed : typed_words) {
    for (auto& w : search_words(typed)) lexemes.push_back(std::move(w));
  }
  std::string out;
  for (size_t i = 0; i < lexemes.size(); ++i) {
    if (i > 0) out += " & ";
    append_quoted(out, lexemes[i]);
    if (last_is_prefix && i + 1 == lexemes.size()) out += ":*";
  }
  return out;
}

}  // namespace newsdesk::store
