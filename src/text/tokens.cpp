#include "text/tokens.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <unordered_set>

#include <libstemmer.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <xxhash.h>

namespace newsdesk::text {
namespace {

// Calls fn(start, end, code_point) for each code point; invalid bytes get -1.
template <class Fn>
void for_each_code_point(std::string_view s, Fn&& fn) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t length = static_cast<int32_t>(std::min<size_t>(s.size(), INT32_MAX));
  int32_t i = 0;
  while (i < length) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, length, c);
    fn(static_cast<size_t>(start), static_cast<size_t>(i), c);
  }
}

void append_folded(std::string& out, UChar32 c) {
  if (c >= 0 && c < 0x80) {
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return;
  }
  c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
  uint8_t buf[4];
  int32_t n = 0;
  UBool error = false;
  U8_APPEND(buf, n, 4, c, error);
  if (!error) out.append(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
}

// ASCII answers without ICU's tables: most news text is ASCII.
bool is_ascii_alnum(UChar32 c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_word_char(UChar32 c) {
  if (c >= 0 && c < 0x80) return is_ascii_alnum(c);
  return c >= 0 && (u_isalnum(c) || u_hasBinaryProperty(c, UCHAR_ALPHABETIC));
}
bool is_upper(UChar32 c) { return c < 0x80 ? (c >= 'A' && c <= 'Z') : (u_isupper(c) || u_istitle(c)); }
bool is_digit(UChar32 c) { return c < 0x80 ? (c >= '0' && c <= '9') : u_isdigit(c) != 0; }

// A joiner keeps "4.2", "F-35" and "U.S." as one word when letters or digits
// stand on both sides.
bool is_joiner(UChar32 c) { return c == '.' || c == '-' || c == ',' || c == '\''; }

using RawWord = Token;

std::vector<RawWord> raw_words(std::string_view text) {
  std::vector<RawWord> out;
  out.reserve(text.size() / 6);
  RawWord current{0, 0, {}, false, false};
  bool in_word = false;
  size_t pending_joiner = std::string_view::npos;
  UChar32 joiner = 0;
  for_each_code_point(text, [&](size_t start, size_t end, UChar32 c) {
    if (is_word_char(c)) {
      if (!in_word) {
        current = RawWord{start, end, {}, is_upper(c), false};
        in_word = true;
      } else if (pending_joiner != std::string_view::npos) {
        // Keep numeric joiners (4.2, 1,200) and hyphens/dots inside words.
        bool digit_join = (joiner == '.' || joiner == ',') && is_digit(c) && current.has_digit;
        bool word_join = joiner == '-' || (joiner == '.' && u_isupper(c));
        if (digit_join || word_join) {
          if (joiner != ',') current.folded += static_cast<char>(joiner);
        } else {
          out.push_back(current);
          current = RawWord{start, end, {}, is_upper(c), false};
        }
      }
      pending_joiner = std::string_view::npos;
      append_folded(current.folded, c);
      current.has_digit |= is_digit(c);
      current.end = end;
      return;
    }
    if (in_word && pending_joiner == std::string_view::npos && is_joiner(c)) {
      pending_joiner = start;
      joiner = c;
      return;
    }
    if (in_word) out.push_back(current);
    in_word = false;
    pending_joiner = std::string_view::npos;
  });
  if (in_word) out.push_back(current);
  return out;
}

const std::unordered_set<std::string_view>& stopwords() {
  static const std::unordered_set<std::string_view> kWords = {
      "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
      "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
      "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
      "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
      "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
      "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of",
      "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
      "said", "same", "says", "she", "should", "so", "some", "such", "than", "that", "the",
      "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those",
      "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when",
      "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
      "yours", "yourself", "yourselves", "s", "t", "mr", "mrs", "ms", "one", "two", "new", "year",
      "years", "told", "according", "many", "much", "may", "might", "must", "last", "first",
      "week", "day", "yesterday", "today", "tomorrow", "monday", "tuesday", "wednesday",
      "thursday", "friday", "saturday", "sunday", "including", "however", "since", "still",
      "yet", "per", "cent", "percent", "around", "another", "make", "made", "get", "got", "us"};
  return kWords;
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) { return raw_words(text); }

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  for (auto& w : raw_words(text)) out.push_back(std::move(w.folded));
  return out;
}

bool is_stopword(std::string_view folded_word) { return stopwords().count(folded_word) > 0; }

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

std::vector<std::string> terms(const std::vector<Token>& tokens, Stemmer& stemmer) {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (const auto& w : tokens) {
    if (w.folded.size() < 2 && !w.has_digit) continue;
    if (is_stopword(w.folded)) continue;
    out.push_back(w.has_digit ? w.folded : stemmer.stem(w.folded));
  }
  return out;
}

std::vector<std::string> terms(std::string_view text, Stemmer& stemmer) { return terms(raw_words(text), stemmer); }

std::vector<std::string> entities(std::string_view text) { return entities(text, raw_words(text)); }

std::vector<std::string> entities(std::string_view text, const std::vector<Token>& ws) {
  std::vector<std::string> out;
  std::string phrase;
  size_t phrase_words = 0;
  size_t previous_end = 0;
  auto flush = [&] {
    if (phrase_words > 1 || (phrase_words == 1 && !is_stopword(phrase) && phrase.size() > 1)) {
      out.push_back(phrase);
    }
    phrase.clear();
    phrase_words = 0;
  };
  for (const auto& w : ws) {
    // A phrase continues only across plain spaces.
    bool adjacent = phrase_words > 0 && w.begin == previous_end + 1 && text[previous_end] == ' ';
    if (w.has_digit) {
      flush();
      out.push_back(w.folded);
    } else if (w.capitalised) {
      if (!adjacent) flush();
      if (phrase_words == 0 && is_stopword(w.folded)) {
        // "The Navy": skip the leading article.
      } else {
        if (!phrase.empty()) phrase += ' ';
        phrase += w.folded;
        ++phrase_words;
      }
    } else {
      flush();
    }
    previous_end = w.end;
  }
  flush();
  return out;
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

std::vector<std::uint64_t> shingle_hashes(std::string_view text, size_t k) { return shingle_hashes(raw_words(text), k); }

std::vector<std::uint64_t> shingle_hashes(const std::vector<Token>& ws, size_t k) {
  std::vector<std::uint64_t> out;
  if (ws.empty() || k == 0) return out;
  // Each word is hashed once; a shingle is the hash of its words' hashes
  // (order matters), not of a rebuilt string.
  std::vector<std::uint64_t> word(ws.size());
  for (size_t i = 0; i < ws.size(); ++i) word[i] = XXH3_64bits(ws[i].folded.data(), ws[i].folded.size());
  size_t count = ws.size() < k ? 1 : ws.size() - k + 1;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    out.push_back(XXH3_64bits(word.data() + i, std::min(k, ws.size() - i) * sizeof(std::uint64_t)));
  }
  return out;
}

}  // namespace newsdesk::text
