// The words the PostgreSQL store searches by (store/search_vector.hpp): one
// cut for the articles' vectors and the readers' queries.
#include "store/search_vector.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace newsdesk::store {
namespace {

using Words = std::vector<std::string>;

TEST(SearchWords, FoldCaseAndDiacriticsAndSplitAtEverythingButLettersAndDigits) {
  EXPECT_EQ(search_words("Café au lait, F-35 ÉCOLE naïve 4.2"),
            (Words{"cafe", "au", "lait", "f", "35", "ecole", "naive", "4", "2"}));
  // Letters without a decomposition that readers type plainly.
  EXPECT_EQ(search_words("Straße Ørsted Łódź Æsir œuvre"), (Words{"strasse", "orsted", "lodz", "aesir", "oeuvre"}));
  // A combining mark stays in its word, unwritten.
  EXPECT_EQ(search_words("Cafe\xCC\x81 ole\xCC\x81"), (Words{"cafe", "ole"}));
  // Other scripts are words too, case-folded.
  EXPECT_EQ(search_words("МОСКВА и 東京"), (Words{"москва", "и", "東京"}));
  // A letter whose decomposition has no marks stays composed: a Hangul
  // syllable is not cut into its jamo.
  EXPECT_EQ(search_words("한국어 뉴스"), (Words{"한국어", "뉴스"}));
  // Quotes, apostrophes and dashes of any kind split.
  EXPECT_EQ(search_words("l\xE2\x80\x99\xC3\xA9t\xC3\xA9 \xE2\x80\x94 it's"), (Words{"l", "ete", "it", "s"}));
}

TEST(SearchWords, InvalidUtf8SplitsAndOverlongWordsAreLeftOut) {
  EXPECT_EQ(search_words("ab\xFF" "cd \xC3"), (Words{"ab", "cd"}));
  EXPECT_EQ(search_words(std::string(kMaxSearchWordBytes + 1, 'x') + " kept"), (Words{"kept"}));
  EXPECT_EQ(search_words(std::string(kMaxSearchWordBytes, 'x')).size(), 1u);
  EXPECT_TRUE(search_words(" ,.;— ").empty());
}

TEST(SearchVector, TitleWordsWeighAAndPositionsRunOnIntoTheText) {
  EXPECT_EQ(search_vector("Café opens", "The café opened. Café!"), "'cafe':1A,4,6 'opened':5 'opens':2A 'the':3");
  EXPECT_EQ(search_vector("", ""), "");
  EXPECT_EQ(search_vector("", "one"), "'one':1");
}

TEST(SearchVector, KeepsWithinPostgresqlsLimits) {
  // At most 256 positions a word.
  std::string many;
  for (int i = 0; i < 300; ++i) many += "x ";
  const std::string v = search_vector("", many);
  EXPECT_EQ(v.rfind("'x':1,2,", 0), 0u) << v.substr(0, 40);
  EXPECT_TRUE(v.ends_with(",256")) << v.substr(v.size() - 20);
  // Positions stop at 16,383, each written once a word.
  std::string longer;
  for (int i = 0; i < 17000; ++i) longer += (i % 2 == 0 ? "a " : "b ");
  longer += "c d";
  const std::string w = search_vector("", longer, 1000000);
  EXPECT_NE(w.find("'c':16383"), std::string::npos);
  EXPECT_NE(w.find("'d':16383"), std::string::npos);
  EXPECT_EQ(w.find("16383,16383"), std::string::npos);
}

TEST(SearchVector, ManyDistinctWordsOfAnyScriptAreEachKeptOnce) {
  // Thousands of distinct words, of a script whose letters take three bytes:
  // every one of them written once, with its two positions.
  std::string text;
  for (char32_t c = 0xAC00; c < 0xAC00 + 3000; ++c) {
    const std::string syllable{static_cast<char>(0xE0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
                               static_cast<char>(0x80 | (c & 0x3F))};
    text += syllable + "x " + syllable + "x ";
  }
  const std::string v = search_vector("", text);
  size_t lexemes = 0;
  for (size_t at = v.find("x':"); at != std::string::npos; at = v.find("x':", at + 1)) ++lexemes;
  EXPECT_EQ(lexemes, 3000u);
  EXPECT_NE(v.find("'\xEA\xB0\x80x':1,2"), std::string::npos) << v.substr(0, 60);
}

TEST(SearchVector, ReadsOnlyTheFirstBytesOfTheTextAtAWholeCharacter) {
  EXPECT_EQ(search_vector("", "aaa bbb", 4), "'aaa':1");
  EXPECT_EQ(search_vector("", "\xC3\xA9\xC3\xA9\xC3\xA9 z", 3), "'e':1") << "cut back to a whole character";
}

TEST(SearchQuery, EveryWordRequiredTheLastAPrefix) {
  EXPECT_EQ(search_query({"Café", "F-35"}, true), "'cafe' & 'f' & '35':*");
  EXPECT_EQ(search_query({"Café"}, false), "'cafe'");
  EXPECT_EQ(search_query({"—"}, true), "");
  EXPECT_EQ(search_query({}, false), "");
}

}  // namespace
}  // namespace newsdesk::store
