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

#include "text/stopwords.hpp"

struct sb_stemmer;

namespace newsdesk::text {

// One word of a text: where it stands, where its case-folded form lies in
// its WordList's buffer, a hash of that form, and the two facts entity
// finding needs. No string of its own: a text is cut into words without an
// allocation per word.
struct Word {
  std::uint32_t begin = 0, end = 0;                // byte offsets in the text
  std::uint32_t folded_begin = 0, folded_size = 0;  // in WordList::folded
  std::uint64_t hash = 0;                           // word_hash of the folded form
  bool capitalised = false;
  bool has_digit = false;
};

inline bool Stopwords::contains(const Word& word) const { return contains_hash(word.hash); }

// The words of one text, cut once: terms, entities and shingles all derive
// from it. Cutting another text into the same list reuses its memory.
struct WordList {
  std::string folded;  // every word's folded form, back to back
  std::vector<Word> words;
  std::string_view folded_of(const Word& w) const { return std::string_view(folded).substr(w.folded_begin, w.folded_size); }
};
void tokenize(std::string_view text, WordList& out);  // texts over 4 GiB are cut at 4 GiB
WordList tokenize(std::string_view text);

// Case-folded words: runs of letters and digits (any script), split at
// punctuation and spaces; "4.2" and "F-35" stay whole. Invalid UTF-8 is skipped.
std::vector<std::string> words(std::string_view text);

// The 64-bit hash of a folded word that Word::hash holds. Distinct words of
// up to 8 bytes and the same length never share one.
std::uint64_t word_hash(std::string_view folded_word);

// English function words ("the", "said", "would"): Stopwords::english().
bool is_stopword(std::string_view folded_word);
bool is_stopword(const Word& word);

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
  // The stem, not remembered: for callers that keep their own memory of
  // words. Good until the next call.
  std::string_view stem_once(std::string_view folded_word);

 private:
  sb_stemmer* stemmer_ = nullptr;
  std::unordered_map<std::string, std::string> cache_;
};

// Stemmed words without stopwords: the features of TF-IDF.
std::vector<std::string> terms(std::string_view text, Stemmer& stemmer);
std::vector<std::string> terms(const WordList& words, Stemmer& stemmer);

// Named things as written: runs of capitalised words ("Kessel Bay", "Helen
// Voss") and numbers ("4.2", "81–17"), case-folded. A lone capitalised
// stopword ("The"; "Les" in French, with French stopwords) is not an
// entity, nor the start of one.
std::vector<std::string> entities(std::string_view text);
// The same from the text's words (`text` is the string they were cut from).
std::vector<std::string> entities(std::string_view text, const WordList& words,
                                  const Stopwords& stopwords = Stopwords::english());
// The same named things as hashes, from the first `count` words only:
// phrase hashes combine their words' hashes, so no string is built. Appends
// to `out`.
void entity_hashes(std::string_view text, const WordList& words, size_t count, std::vector<std::uint64_t>& out,
                   const Stopwords& stopwords = Stopwords::english());

// Sentences: split after . ! ? (and their closing quotes) followed by a space
// and an upper-case letter or digit; abbreviations like "Adm." and "U.S." hold.
std::vector<std::string> sentences(std::string_view text);

// 64-bit hashes of every run of `k` consecutive folded words ("shingles"),
// in text order. Texts with fewer than k words give one hash of all of them.
std::vector<std::uint64_t> shingle_hashes(std::string_view text, size_t k);
std::vector<std::uint64_t> shingle_hashes(const WordList& words, size_t k);
// The same into `out` (cleared first), whose memory is reused.
void shingle_hashes(const WordList& words, size_t k, std::vector<std::uint64_t>& out);

}  // namespace newsdesk::text
