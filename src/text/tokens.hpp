// Words, terms, entities and sentences of UTF-8 text: what clustering and
// ranking compare. Free functions are pure and safe to call concurrently; a
// Stemmer is not (keep one per thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sb_stemmer;

namespace newsdesk::text {

// One word of a text: where it stands, its case-folded form, and the two
// facts entity finding needs. Tokenise once, derive terms, entities and
// shingles from the same tokens.
struct Token {
  size_t begin = 0, end = 0;  // byte offsets in the text
  std::string folded;
  bool capitalised = false;
  bool has_digit = false;
};
std::vector<Token> tokenize(std::string_view text);

// Case-folded words: runs of letters and digits (any script), split at
// punctuation and spaces; "4.2" and "F-35" stay whole. Invalid UTF-8 is skipped.
std::vector<std::string> words(std::string_view text);

// English function words ("the", "said", "would"), matched on folded words.
bool is_stopword(std::string_view folded_word);

// Snowball stemmer for one language. Not thread-safe.
class Stemmer {
 public:
  // `language` is a Snowball name or ISO code ("english", "en"); unknown
  // languages fall back to returning words unchanged.
  explicit Stemmer(std::string_view language = "english");
  ~Stemmer();
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;
  // Stems are remembered (news repeats its words); the memory is bounded,
  // so the reference is good only until the next call.
  const std::string& stem(std::string_view folded_word);

 private:
  sb_stemmer* stemmer_ = nullptr;
  std::unordered_map<std::string, std::string> cache_;
};

// Stemmed words without stopwords: the features of TF-IDF.
std::vector<std::string> terms(std::string_view text, Stemmer& stemmer);
std::vector<std::string> terms(const std::vector<Token>& tokens, Stemmer& stemmer);

// Named things as written: runs of capitalised words ("Kessel Bay", "Helen
// Voss") and numbers ("4.2", "81–17"), case-folded. A lone capitalised
// stopword ("The") is not an entity.
std::vector<std::string> entities(std::string_view text);
// The same from the text's tokens (`text` is the string they were cut from).
std::vector<std::string> entities(std::string_view text, const std::vector<Token>& tokens);

// Sentences: split after . ! ? (and their closing quotes) followed by a space
// and an upper-case letter or digit; abbreviations like "Adm." and "U.S." hold.
std::vector<std::string> sentences(std::string_view text);

// 64-bit hashes of every run of `k` consecutive folded words ("shingles"),
// in text order. Texts with fewer than k words give one hash of all of them.
std::vector<std::uint64_t> shingle_hashes(std::string_view text, size_t k);
std::vector<std::uint64_t> shingle_hashes(const std::vector<Token>& tokens, size_t k);

}  // namespace newsdesk::text
