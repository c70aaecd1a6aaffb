// Function words of a language ("the", "said"; "les", "dans"; "и", "что"):
// words too common to say what a text is about, left out of its terms.
// Pure; safe to use concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace newsdesk::text {

struct Word;

class Stopwords {
 public:
  // The list for an ISO 639-1 code ("fr", "fr-CA", "FR"): Snowball's lists
  // (Danish, Dutch, English, Finnish, French, German, Hungarian, Italian,
  // Norwegian, Portuguese, Russian, Spanish, Swedish; Debian's
  // Lingua::StopWords, read at build time), English's with the words of news
  // reports ("said", "told", "according", the weekdays), French's with the
  // articles and pronouns it lacks ("les", "ils"). A language without a
  // list, or "", gets the English one: the Latin-script words in such texts
  // are mostly English.
  static const Stopwords& of(std::string_view language);
  static const Stopwords& english();

  // Matched on the word's hash (word_hash of its case-folded form), so no
  // string is compared. contains(Word) is defined in tokens.hpp, with Word.
  bool contains(const Word& word) const;
  bool contains_folded(std::string_view folded_word) const;
  bool contains_hash(std::uint64_t hash) const {
    const size_t mask = table_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      if (table_[i] == 0) return false;
      if (table_[i] == hash) return true;
    }
  }

  // Builds a list from words separated by spaces (public for the tables
  // behind of()).
  explicit Stopwords(std::string_view words);

 private:
  std::vector<std::uint64_t> table_;  // open addressing, at most a quarter full; 0 = empty slot
};

}  // namespace newsdesk::text
