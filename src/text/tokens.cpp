#include "text/tokens.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <libstemmer.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>
#include <xxhash.h>

namespace newsdesk::text {
namespace {

// MurmurHash3's 64-bit finaliser: every output bit depends on every input bit.
constexpr std::uint64_t murmur_finalise(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

// Writes c's case-folded UTF-8 at out (room for 4 bytes); returns the end.
char* append_folded(char* out, UChar32 c) {
  if (c >= 0 && c < 0x80) {
    *out++ = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return out;
  }
  c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
  int32_t n = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(out), n, 4, c, error);
  return error ? out : out + n;
}

// ASCII bytes classed by a table instead of compares: most news text is ASCII.
constexpr std::uint8_t kAlnum = 1, kDigit = 2;
constexpr auto kAsciiClass = [] {
  std::array<std::uint8_t, 128> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kAlnum | kDigit;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kAlnum;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kAlnum;
  return t;
}();

// ASCII answers without ICU's tables: most news text is ASCII.
bool is_word_char(UChar32 c) {
  if (c >= 0 && c < 0x80) return (kAsciiClass[c] & kAlnum) != 0;
  return c >= 0 && (u_isalnum(c) || u_hasBinaryProperty(c, UCHAR_ALPHABETIC));
}
bool is_upper(UChar32 c) { return c < 0x80 ? (c >= 'A' && c <= 'Z') : (u_isupper(c) || u_istitle(c)); }
bool is_digit(UChar32 c) { return c < 0x80 ? (c >= '0' && c <= '9') : u_isdigit(c) != 0; }

// Chinese, Japanese, Thai, Lao, Khmer and Burmese put no space between
// words: their characters are the line-break classes ideographic (ID),
// conditional Japanese starter (CJ: small kana, the long-vowel mark) and
// South-East Asian (SA), and the letters among the non-starters (NS: the
// iteration marks of 人々). A run of them is cut into words by ICU's
// dictionaries. Nothing below U+0E00 (Thai) is one, so Latin, Cyrillic and
// Arabic text pays one compare.
bool needs_dictionary(UChar32 c) {
  if (c < 0x0E00) return false;
  const auto lb = static_cast<ULineBreak>(u_getIntPropertyValue(c, UCHAR_LINE_BREAK));
  return lb == U_LB_IDEOGRAPHIC || lb == U_LB_CONDITIONAL_JAPANESE_STARTER || lb == U_LB_COMPLEX_CONTEXT ||
         (lb == U_LB_NONSTARTER && u_isalnum(c));
}

// Calls `word(begin, end)` for each word ICU's word break iterator finds in
// text[begin, end) (a run of needs_dictionary characters): dictionary words
// for Chinese, Japanese and the South-East Asian scripts. One iterator per
// thread, opened once (loading the dictionaries costs milliseconds). Returns
// false when ICU cannot (no break data): the caller then keeps the run as
// one word, as before there was a dictionary.
template <class Emit>
bool dictionary_words(const char* text, size_t begin, size_t end, Emit&& word) {
  struct Iterator {
    UBreakIterator* it = nullptr;
    UText* utext = nullptr;
    Iterator() {
      UErrorCode error = U_ZERO_ERROR;
      it = ubrk_open(UBRK_WORD, "", nullptr, 0, &error);
      if (U_FAILURE(error)) it = nullptr;
    }
    ~Iterator() {
      if (it != nullptr) ubrk_close(it);
      if (utext != nullptr) utext_close(utext);
    }
  };
  thread_local Iterator iterator;
  if (iterator.it == nullptr) return false;
  UErrorCode error = U_ZERO_ERROR;
  iterator.utext = utext_openUTF8(iterator.utext, text + begin, static_cast<int64_t>(end - begin), &error);
  ubrk_setUText(iterator.it, iterator.utext, &error);
  if (U_FAILURE(error)) return false;
  int32_t from = ubrk_first(iterator.it);
  for (int32_t to = ubrk_next(iterator.it); to != UBRK_DONE; from = to, to = ubrk_next(iterator.it)) {
    // Rule status: below UBRK_WORD_NUMBER, the piece is punctuation or space.
    if (ubrk_getRuleStatus(iterator.it) >= UBRK_WORD_NUMBER) word(begin + static_cast<size_t>(from), begin + static_cast<size_t>(to));
  }
  return true;
}

// A joiner keeps "4.2", "F-35" and "U.S." as one word when letters or digits
// stand on both sides.
bool is_joiner(UChar32 c) { return c == '.' || c == '-' || c == ',' || c == '\''; }

// word_hash of the `size` bytes at p. With `padded`, 7 bytes past the end
// may be read (they are masked off), so the last chunk is one load instead
// of a loop over its bytes: tokenize's buffer has that room.
template <bool padded>
std::uint64_t hash_word(const char* p, size_t size) {
  // Each 8-byte chunk (the last one padded with zeros) is folded in by a
  // multiply and a shift, both one-to-one, after the length; MurmurHash3's
  // finaliser then mixes every bit.
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = (size + 1) * kMul;
  size_t n = size;
  auto fold = [&](std::uint64_t k) {
    h = (h ^ k) * kMul;
    h ^= h >> 29;
  };
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t k;
    std::memcpy(&k, p, 8);
    fold(k);
  }
  if (n > 0) {
    std::uint64_t k = 0;
    if constexpr (padded) {
      std::memcpy(&k, p, 8);  // little-endian: the word's bytes are the low ones
      k &= (std::uint64_t{1} << (8 * n)) - 1;
    } else {
      for (size_t i = 0; i < n; ++i) k |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    }
    fold(k);
  }
  return murmur_finalise(h);
}

}  // namespace

void tokenize(std::string_view text, WordList& out) {
  out.words.clear();
  text = text.substr(0, UINT32_MAX / 2);
  // Folding never more than doubles a text (an ASCII byte stays one byte, a
  // code point of 2+ bytes folds to at most 4), so the folded forms are
  // written straight into a buffer of twice the text's size.
  // 16 bytes more: a word's hash reads its last chunk whole (hash_word<true>),
  // and ASCII runs are written 16 bytes at a time.
  out.folded.resize(text.size() * 2 + 4 + 16);
  char* const folded = out.folded.data();
  char* f = folded;
  out.words.reserve(text.size() / 6);
  Word current;
  bool in_word = false;
  bool pending_joiner = false;
  UChar32 joiner = 0;
  auto start_word = [&](size_t begin, UChar32 c) {
    current = Word{static_cast<std::uint32_t>(begin), 0, static_cast<std::uint32_t>(f - folded), 0, 0, is_upper(c), false};
  };
  auto finish_word = [&] {
    // Field by field: `current` was written a field at a time, and copying
    // it whole would read it back in wider loads than were stored, which
    // stalls the store buffer on every word.
    const auto folded_size = static_cast<std::uint32_t>(f - folded) - current.folded_begin;
    Word& word = out.words.emplace_back();
    word.begin = current.begin;
    word.end = current.end;
    word.folded_begin = current.folded_begin;
    word.folded_size = folded_size;
    word.hash = hash_word<true>(folded + current.folded_begin, folded_size);
    word.capitalised = current.capitalised;
    word.has_digit = current.has_digit;
  };
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c = p[i];
    if (c < 0x80) {
      ++i;
    } else {
      U8_NEXT(p, i, length, c);  // invalid bytes give c < 0
    }
    if (needs_dictionary(c)) {
      // The whole run of such characters, cut by the dictionary.
      if (in_word) finish_word();
      in_word = false;
      pending_joiner = false;
      int32_t run_end = i;
      while (run_end < length) {
        int32_t next = run_end;
        UChar32 d;
        U8_NEXT(p, next, length, d);
        if (!needs_dictionary(d)) break;  // invalid bytes too (d < 0)
        run_end = next;
      }
      // A word of the run (valid UTF-8 throughout; these scripts have no capitals).
      auto add_word = [&](size_t begin, size_t end) {
        start_word(begin, 0);
        for (int32_t k = static_cast<int32_t>(begin); k < static_cast<int32_t>(end);) {
          UChar32 d;
          U8_NEXT(p, k, static_cast<int32_t>(end), d);
          f = append_folded(f, d);
          current.has_digit |= is_digit(d);
        }
        current.end = static_cast<std::uint32_t>(end);
        finish_word();
      };
      if (!dictionary_words(text.data(), static_cast<size_t>(start), static_cast<size_t>(run_end), add_word)) {
        add_word(static_cast<size_t>(start), static_cast<size_t>(run_end));
      }
      i = run_end;
      continue;
    }
    if (is_word_char(c)) {
      if (!in_word) {
        start_word(static_cast<size_t>(start), c);
        in_word = true;
      } else if (pending_joiner) {
        // Keep numeric joiners (4.2, 1,200) and hyphens/dots inside words.
        bool digit_join = (joiner == '.' || joiner == ',') && is_digit(c) && current.has_digit;
        bool word_join = joiner == '-' || (joiner == '.' && is_upper(c));
        if (digit_join || word_join) {
          if (joiner != ',') *f++ = static_cast<char>(joiner);
        } else {
          finish_word();
          start_word(static_cast<size_t>(start), c);
        }
      }
      pending_joiner = false;
      f = append_folded(f, c);
      current.has_digit |= is_digit(c);
      // The rest of an ASCII run straight through: most words are one.
      std::uint8_t classes = 0;
#if defined(__SSE2__)
      // Sixteen bytes at a time while they last: classed, case-folded and
      // written at once, the run's end found by its first byte that is not
      // a letter or digit. Up to 16 bytes are written at f, which the
      // buffer has room for (f stays within twice the bytes read).
      while (i + 16 <= length) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        // Signed compares: bytes of 0x80 and over are negative, so in no range.
        auto in_range = [&](char low, char high) {
          return _mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8(static_cast<char>(low - 1))),
                               _mm_cmplt_epi8(bytes, _mm_set1_epi8(static_cast<char>(high + 1))));
        };
        const __m128i digit = in_range('0', '9');
        const __m128i upper = in_range('A', 'Z');
        const __m128i alnum = _mm_or_si128(_mm_or_si128(digit, upper), in_range('a', 'z'));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(f), _mm_add_epi8(bytes, _mm_and_si128(upper, _mm_set1_epi8(0x20))));
        const unsigned word_bytes = static_cast<unsigned>(_mm_movemask_epi8(alnum));
        const unsigned run = word_bytes == 0xFFFF ? 16 : static_cast<unsigned>(__builtin_ctz(~word_bytes));
        const unsigned in_run = run == 16 ? 0xFFFF : (1u << run) - 1;
        if ((static_cast<unsigned>(_mm_movemask_epi8(digit)) & in_run) != 0) classes |= kDigit;
        f += run;
        i += static_cast<int32_t>(run);
        if (run < 16) break;
      }
#endif
      while (i < length && p[i] < 0x80 && (kAsciiClass[p[i]] & kAlnum) != 0) {
        const std::uint8_t b = p[i++];
        classes |= kAsciiClass[b];
        *f++ = static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b);
      }
      current.has_digit |= (classes & kDigit) != 0;
      current.end = static_cast<std::uint32_t>(i);
      continue;
    }
    if (in_word && !pending_joiner && is_joiner(c)) {
      pending_joiner = true;
      joiner = c;
      continue;
    }
    if (in_word) finish_word();
    in_word = false;
    pending_joiner = false;
  }
  if (in_word) finish_word();
  out.folded.resize(static_cast<size_t>(f - folded));
}

WordList tokenize(std::string_view text) {
  WordList out;
  tokenize(text, out);
  return out;
}

std::vector<std::string> words(std::string_view text) {
  const WordList list = tokenize(text);
  std::vector<std::string> out;
  out.reserve(list.words.size());
  for (const auto& w : list.words) out.emplace_back(list.folded_of(w));
  return out;
}

std::uint64_t word_hash(std::string_view s) { return hash_word<false>(s.data(), s.size()); }

bool is_stopword(std::string_view folded_word) { return Stopwords::english().contains_folded(folded_word); }

bool is_stopword(const Word& word) { return Stopwords::english().contains(word); }

Stemmer::Stemmer(std::string_view language) {
  std::string name(language);
  stemmer_ = sb_stemmer_new(name.c_str(), "UTF_8");
}

Stemmer::~Stemmer() {
  if (stemmer_ != nullptr) sb_stemmer_delete(stemmer_);
}

const std::string& Stemmer::stem(std::string_view folded_word) {
  std::string key(folded_word);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  if (cache_.size() > 200000) cache_.clear();  // bounded: a long stream's rare words
  std::string stemmed = key;
  if (stemmer_ != nullptr) {
    const sb_symbol* s = sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(folded_word.data()),
                                         static_cast<int>(folded_word.size()));
    if (s != nullptr) stemmed.assign(reinterpret_cast<const char*>(s), static_cast<size_t>(sb_stemmer_length(stemmer_)));
  }
  return cache_.emplace(std::move(key), std::move(stemmed)).first->second;
}

std::string_view Stemmer::stem_once(std::string_view folded_word) {
  if (stemmer_ == nullptr) return folded_word;
  const sb_symbol* s = sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(folded_word.data()),
                                       static_cast<int>(folded_word.size()));
  if (s == nullptr) return folded_word;
  return {reinterpret_cast<const char*>(s), static_cast<size_t>(sb_stemmer_length(stemmer_))};
}

std::vector<std::string> terms(const WordList& list, Stemmer& stemmer) {
  std::vector<std::string> out;
  out.reserve(list.words.size());
  for (const auto& w : list.words) {
    std::string_view folded = list.folded_of(w);
    if (folded.size() < 2 && !w.has_digit) continue;
    if (is_stopword(folded)) continue;
    out.emplace_back(w.has_digit ? folded : std::string_view(stemmer.stem(folded)));
  }
  return out;
}

std::vector<std::string> terms(std::string_view text, Stemmer& stemmer) { return terms(tokenize(text), stemmer); }

namespace {

// Calls on_entity(first, last) for each named thing among the first `count`
// words: a run [first, last) of capitalised words joined by plain spaces, less
// a leading capitalised stopword ("The Navy"), or one word with a digit. A
// lone stopword or single letter is not one.
template <class Fn>
void for_each_entity(std::string_view text, const WordList& list, size_t count, const Stopwords& stopwords, Fn&& on_entity) {
  const auto& ws = list.words;
  count = std::min(count, ws.size());
  size_t first = 0, words = 0;
  auto flush = [&] {
    if (words > 1) {
      on_entity(first, first + words);
    } else if (words == 1) {
      if (ws[first].folded_size > 1 && !stopwords.contains(ws[first])) on_entity(first, first + 1);
    }
    words = 0;
  };
  for (size_t k = 0; k < count; ++k) {
    const Word& w = ws[k];
    // A phrase continues only across plain spaces.
    bool adjacent = words > 0 && w.begin == ws[k - 1].end + 1 && text[ws[k - 1].end] == ' ';
    if (w.has_digit) {
      flush();
      on_entity(k, k + 1);
    } else if (w.capitalised) {
      if (!adjacent) flush();
      if (words == 0 && stopwords.contains(w)) {
        // "The Navy": skip the leading article.
      } else {
        if (words == 0) first = k;
        ++words;
      }
    } else {
      flush();
    }
  }
  flush();
}

}  // namespace

std::vector<std::string> entities(std::string_view text) { return entities(text, tokenize(text)); }

std::vector<std::string> entities(std::string_view text, const WordList& list, const Stopwords& stopwords) {
  std::vector<std::string> out;
  for_each_entity(text, list, list.words.size(), stopwords, [&](size_t first, size_t last) {
    std::string phrase;
    for (size_t k = first; k < last; ++k) {
      if (k > first) phrase += ' ';
      phrase += list.folded_of(list.words[k]);
    }
    out.push_back(std::move(phrase));
  });
  return out;
}

void entity_hashes(std::string_view text, const WordList& list, size_t count, std::vector<std::uint64_t>& out,
                   const Stopwords& stopwords) {
  for_each_entity(text, list, count, stopwords, [&](size_t first, size_t last) {
    std::uint64_t h = list.words[first].hash;
    for (size_t k = first + 1; k < last; ++k) h = XXH3_64bits_withSeed(&list.words[k].hash, sizeof h, h);
    out.push_back(h);
  });
}

std::vector<std::string> sentences(std::string_view text) {
  static const std::array<std::string_view, 16> kAbbreviations = {
      "Mr", "Mrs", "Ms", "Dr", "Adm", "Gen", "Col", "Lt", "Sgt", "Capt", "Cmdr", "Rep", "Sen", "St",
      "Gov", "No"};
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '.' && c != '!' && c != '?') continue;
    size_t j = i + 1;
    // closing quotes and brackets: ASCII and the UTF-8 right quotes
    while (j < text.size()) {
      if (text[j] == '"' || text[j] == '\'' || text[j] == ')') {
        ++j;
      } else if (text.compare(j, 3, "\xE2\x80\x9D") == 0 || text.compare(j, 3, "\xE2\x80\x99") == 0) {
        j += 3;
      } else {
        break;
      }
    }
    if (j >= text.size() || text[j] != ' ') continue;
    size_t k = j;
    while (k < text.size() && text[k] == ' ') ++k;
    if (k >= text.size()) continue;
    unsigned char next = static_cast<unsigned char>(text[k]);
    bool opens = std::isupper(next) || std::isdigit(next) || next == '"' || next >= 0x80;
    if (!opens) continue;
    if (c == '.') {
      size_t w = i;
      while (w > start && std::isalpha(static_cast<unsigned char>(text[w - 1]))) --w;
      std::string_view word = text.substr(w, i - w);
      bool abbreviation = word.size() == 1 ||
                          std::find(kAbbreviations.begin(), kAbbreviations.end(), word) != kAbbreviations.end();
      if (abbreviation) continue;
    }
    out.emplace_back(text.substr(start, j - start));
    start = k;
    i = k - 1;
  }
  if (start < text.size()) {
    auto rest = text.substr(start);
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back()))) rest.remove_suffix(1);
    if (!rest.empty()) out.emplace_back(rest);
  }
  return out;
}

std::vector<std::uint64_t> shingle_hashes(std::string_view text, size_t k) { return shingle_hashes(tokenize(text), k); }

std::vector<std::uint64_t> shingle_hashes(const WordList& list, size_t k) {
  std::vector<std::uint64_t> out;
  shingle_hashes(list, k, out);
  return out;
}

void shingle_hashes(const WordList& list, size_t k, std::vector<std::uint64_t>& out) {
  out.clear();
  const auto& ws = list.words;
  if (ws.empty() || k == 0) return;
  // A shingle's hash is a polynomial in its words' hashes (taken as the
  // words were cut), rolled from one shingle to the next in O(1), then mixed
  // (MurmurHash3's finaliser) so that every bit, the low ones sampled on
  // too, depends on every word. Order matters: "a b" and "b a" differ.
  constexpr std::uint64_t kBase = 0x9E3779B97F4A7C15ull;  // odd: multiplying by it loses nothing
  const size_t width = std::min(k, ws.size());
  std::uint64_t top = 1;  // kBase^(width - 1): the weight of a shingle's first word
  std::uint64_t h = 0;
  for (size_t j = 0; j < width; ++j) {
    h = h * kBase + ws[j].hash;
    if (j > 0) top *= kBase;
  }
  out.reserve(ws.size() - width + 1);
  out.push_back(murmur_finalise(h));
  for (size_t i = width; i < ws.size(); ++i) {
    h = (h - ws[i - width].hash * top) * kBase + ws[i].hash;
    out.push_back(murmur_finalise(h));
  }
}

}  // namespace newsdesk::text
