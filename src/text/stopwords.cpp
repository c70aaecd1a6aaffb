#include "text/stopwords.hpp"

#include <bit>
#include <map>
#include <string>

#include "text/language.hpp"
#include "text/tokens.hpp"

namespace newsdesk::text {
namespace {

// English as news writes it, beyond Snowball's list: the words of
// reporting, time and quantity that every article has ("said", "told",
// "week", "monday", "percent"), and a few that Snowball keeps ("can", "will").
constexpr std::string_view kNewsEnglish =
    "also can just now said says will s t mr mrs ms one two new year years told according many much may "
    "might must last first week day yesterday today tomorrow monday tuesday wednesday thursday friday "
    "saturday sunday including however since still yet per cent percent around another make made get got us";

// Articles and pronouns that Snowball's French list lacks.
constexpr std::string_view kMoreFrench = "les ils elles cette cet";

struct List {
  std::string_view language;
  std::string_view words;
};
// Snowball's lists, written at build time by stopword_lists.pl.
constexpr List kSnowball[] = {
#include "stopword_lists.inc"
};

}  // namespace

Stopwords::Stopwords(std::string_view words) {
  const WordList list = tokenize(words);
  // A table at most a quarter full: a miss (most words) ends at an empty slot soon.
  table_.assign(std::bit_ceil(list.words.size() * 4 + 16), 0);
  const size_t mask = table_.size() - 1;
  for (const Word& w : list.words) {
    size_t i = w.hash & mask;
    while (table_[i] != 0 && table_[i] != w.hash) i = (i + 1) & mask;
    table_[i] = w.hash;
  }
}

bool Stopwords::contains_folded(std::string_view folded_word) const { return contains_hash(word_hash(folded_word)); }

const Stopwords& Stopwords::english() {
  static const Stopwords list = [] {
    std::string words(kNewsEnglish);
    for (const List& l : kSnowball) {
      if (l.language == "en") (words += ' ') += l.words;
    }
    return Stopwords(words);
  }();
  return list;
}

const Stopwords& Stopwords::of(std::string_view language) {
  static const std::map<std::string, Stopwords, std::less<>> lists = [] {
    std::map<std::string, Stopwords, std::less<>> out;
    for (const List& l : kSnowball) {
      if (l.language == "fr") {
        out.emplace("fr", Stopwords(std::string(l.words) + ' ' + std::string(kMoreFrench)));
      } else if (l.language != "en") {
        out.emplace(std::string(l.language), Stopwords(l.words));
      }
    }
    return out;
  }();
  std::string code = primary_language(language);
  if (code == "nb" || code == "nn") code = "no";  // Norwegian's two written standards share a list
  auto it = lists.find(code);
  return it != lists.end() ? it->second : english();
}

}  // namespace newsdesk::text
