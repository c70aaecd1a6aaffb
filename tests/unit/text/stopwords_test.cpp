#include <gtest/gtest.h>

#include "text/stopwords.hpp"
#include "text/tokens.hpp"

using namespace newsdesk::text;

namespace {

bool stop(std::string_view language, std::string_view word) {
  const WordList list = tokenize(word);
  EXPECT_EQ(list.words.size(), 1u) << word;
  return !list.words.empty() && Stopwords::of(language).contains(list.words[0]);
}

}  // namespace

TEST(Stopwords, EachLanguageHasItsOwnFunctionWords) {
  EXPECT_TRUE(stop("fr", "dans"));
  EXPECT_TRUE(stop("fr", "les"));
  EXPECT_TRUE(stop("de", "und"));
  EXPECT_TRUE(stop("es", "por"));
  EXPECT_TRUE(stop("ru", "что"));
  EXPECT_TRUE(stop("sv", "och"));
  // A French function word is a word like any other in English, and the other way round.
  EXPECT_FALSE(stop("en", "dans"));
  EXPECT_FALSE(stop("fr", "the"));
  // Words that say what a text is about are in no list.
  EXPECT_FALSE(stop("fr", "frégate"));
  EXPECT_FALSE(stop("de", "Fregatte"));
}

TEST(Stopwords, WordsAreMatchedCaseFoldedWithTheirAccents) {
  EXPECT_TRUE(stop("fr", "Été"));     // "été" (been), at the start of a sentence
  EXPECT_TRUE(stop("de", "ÜBER"));
  EXPECT_FALSE(stop("fr", "Ete"));    // no accent: not the same word
  EXPECT_TRUE(Stopwords::of("fr").contains_folded("été"));
}

TEST(Stopwords, EnglishHasSnowballsListAndTheWordsOfNewsReports) {
  EXPECT_TRUE(stop("en", "ourselves"));  // Snowball's
  EXPECT_TRUE(stop("en", "said"));       // reporting
  EXPECT_TRUE(stop("en", "Tuesday"));
  EXPECT_TRUE(stop("en", "percent"));
  EXPECT_FALSE(stop("en", "frigate"));
}

TEST(Stopwords, LanguageCodesAreReadLikeTheDetectorWritesThem) {
  EXPECT_EQ(&Stopwords::of("FR"), &Stopwords::of("fr"));
  EXPECT_EQ(&Stopwords::of("fr-CA"), &Stopwords::of("fr"));
  EXPECT_EQ(&Stopwords::of("nb"), &Stopwords::of("no"));  // Norwegian's written standards share a list
  EXPECT_TRUE(stop("nb", "ikke"));
  // No list (Indonesian), none known, or no language: English's, for the
  // English words such texts quote.
  EXPECT_EQ(&Stopwords::of("id"), &Stopwords::english());
  EXPECT_EQ(&Stopwords::of("zz"), &Stopwords::english());
  EXPECT_EQ(&Stopwords::of(""), &Stopwords::english());
}

TEST(Entities, ALeadingFunctionWordOfTheTextsLanguageIsNotPartOfAName) {
  const std::string text = "La Banque centrale et Les Échos";
  const WordList list = tokenize(text);
  const auto french = entities(text, list, Stopwords::of("fr"));
  EXPECT_EQ(french, (std::vector<std::string>{"banque", "échos"}));
  // Read as English, "La" and "Les" are names.
  const auto english = entities(text, list);
  EXPECT_EQ(english, (std::vector<std::string>{"la banque", "les échos"}));
}
