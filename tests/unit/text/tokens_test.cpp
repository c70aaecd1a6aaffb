#include <gtest/gtest.h>

#include <cctype>
#include <random>

#include "text/language.hpp"
#include "text/tokens.hpp"

using namespace newsdesk::text;

TEST(Words, FoldCaseAndKeepNumbersWhole) {
  auto w = words("The Navy's $4.2 billion F-35 deal, ÉTÉ");
  std::vector<std::string> expected = {"the", "navy", "s", "4.2", "billion", "f-35", "deal", "été"};
  EXPECT_EQ(w, expected);
}

TEST(Words, SplitAtTypographicPunctuation) {
  auto w = words("“Drones”—about 40—were shot down…");
  std::vector<std::string> expected = {"drones", "about", "40", "were", "shot", "down"};
  EXPECT_EQ(w, expected);
}

TEST(Words, HandleNonLatinScripts) {
  auto w = words("Флот получил фрегат; 海军 новости");
  ASSERT_EQ(w.size(), 5u);
  EXPECT_EQ(w[0], "флот");
}

// Chinese, Japanese and Thai write no space between words: a run of their
// characters is cut by ICU's dictionaries, not kept as one "word" per
// clause (two reports of one event would then share no word at all).
TEST(Words, TextsWithoutSpacesAreCutIntoDictionaryWords) {
  EXPECT_EQ(words("海军今天在南海举行演习，出动了驱逐舰。"),
            (std::vector<std::string>{"海军", "今天", "在", "南海", "举行", "演习", "出动", "了", "驱逐", "舰"}));
  EXPECT_EQ(words("ロシア軍がウクライナ東部で攻勢"),
            (std::vector<std::string>{"ロシア", "軍", "が", "ウクライナ", "東部", "で", "攻勢"}));
  EXPECT_EQ(words("人々は東京で"), (std::vector<std::string>{"人々", "は", "東京", "で"}));  // the iteration mark stays
  EXPECT_EQ(words("ทหารเรือไทยฝึกซ้อมร่วมกับสหรัฐ"),
            (std::vector<std::string>{"ทหาร", "เรือ", "ไทย", "ฝึก", "ซ้อม", "ร่วม", "กับ", "สหรัฐ"}));
  // Latin words and numbers inside such text stay as they were; emoji are no words.
  EXPECT_EQ(words("F-35战机在2026年首飞 😀 Navy"),
            (std::vector<std::string>{"f-35", "战机", "在", "2026", "年", "首", "飞", "navy"}));
}

TEST(Words, DictionaryWordsKeepTheirOffsets) {
  const std::string text = "Navy: 南海演习 starts";
  const WordList tokens = tokenize(text);
  std::vector<std::string> got;
  for (const auto& t : tokens.words) {
    got.push_back(std::string(tokens.folded_of(t)) + "@" + std::to_string(t.begin) + "-" + std::to_string(t.end));
    EXPECT_EQ(t.hash, word_hash(tokens.folded_of(t)));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"navy@0-4", "南海@6-12", "演习@12-18", "starts@19-25"}));
}

TEST(Terms, StemAndDropStopwords) {
  Stemmer stemmer("english");
  auto t = terms("The drones were attacking the ports", stemmer);
  std::vector<std::string> expected = {"drone", "attack", "port"};
  EXPECT_EQ(t, expected);
}

TEST(Entities, FindCapitalisedPhrasesAndNumbers) {
  auto e = entities("Rear Adm. Helen Voss said the Kessel Bay port lost 40 drones to The Navy.");
  auto has = [&](const std::string& x) { return std::find(e.begin(), e.end(), x) != e.end(); };
  EXPECT_TRUE(has("kessel bay")) << ::testing::PrintToString(e);
  EXPECT_TRUE(has("40"));
  EXPECT_TRUE(has("navy"));
  EXPECT_FALSE(has("the"));
}

TEST(Sentences, HoldAbbreviationsAndCloseQuotes) {
  auto s = sentences("Rear Adm. Helen Voss spoke. “It was deliberate.” Then the U.S. Navy left. 40 drones fell.");
  ASSERT_EQ(s.size(), 4u) << ::testing::PrintToString(s);
  EXPECT_EQ(s[0], "Rear Adm. Helen Voss spoke.");
  EXPECT_EQ(s[1], "“It was deliberate.”");
}

TEST(Shingles, SameTextSameHashesAndShortTextOneHash) {
  EXPECT_EQ(shingle_hashes("a b c d e", 4).size(), 2u);
  EXPECT_EQ(shingle_hashes("a b", 4).size(), 1u);
  EXPECT_EQ(shingle_hashes("One two three four", 4), shingle_hashes("one, TWO three four!", 4));
  EXPECT_TRUE(shingle_hashes("", 4).empty());
}

// A shingle's hash is rolled from the one before it: it must depend on its
// own words only, in their order, whatever came before.
TEST(Shingles, RolledHashDependsOnTheWindowAlone) {
  auto tail = shingle_hashes("alpha beta gamma delta epsilon", 4);
  auto alone = shingle_hashes("beta gamma delta epsilon", 4);
  ASSERT_EQ(tail.size(), 2u);
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_EQ(tail[1], alone[0]);
  EXPECT_NE(shingle_hashes("beta gamma delta epsilon", 4), shingle_hashes("epsilon delta gamma beta", 4));
  EXPECT_NE(shingle_hashes("beta gamma delta epsilon", 4), shingle_hashes("beta gamma delta epsilons", 4));
}

// Words keep their folded form in one buffer with a hash of it: the same
// word in any case has the same hash, and named things found as hashes are
// the same ones found as strings.
TEST(Words, FoldedFormsAndHashesAgreeAcrossCase) {
  const WordList list = tokenize("NAVY navy Navy ÉCOLE école");
  ASSERT_EQ(list.words.size(), 5u);
  EXPECT_EQ(list.folded_of(list.words[0]), "navy");
  EXPECT_EQ(list.words[0].hash, list.words[1].hash);
  EXPECT_EQ(list.words[0].hash, list.words[2].hash);
  EXPECT_NE(list.words[0].hash, list.words[3].hash);
  EXPECT_EQ(list.folded_of(list.words[3]), "école");
  EXPECT_EQ(list.words[3].hash, list.words[4].hash);

  const std::string a = "Rear Adm. Helen Voss said the Kessel Bay port lost 40 drones to The Navy.";
  const std::string b = "REAR ADM. HELEN VOSS said the KESSEL BAY port lost 40 drones to THE NAVY.";
  const WordList la = tokenize(a), lb = tokenize(b);
  std::vector<std::uint64_t> ha, hb;
  entity_hashes(a, la, la.words.size(), ha);
  entity_hashes(b, lb, lb.words.size(), hb);
  EXPECT_EQ(ha.size(), entities(a).size());
  EXPECT_EQ(ha, hb);
  for (const auto& w : la.words) {
    EXPECT_EQ(is_stopword(w), is_stopword(la.folded_of(w))) << la.folded_of(w);
    EXPECT_EQ(w.hash, word_hash(la.folded_of(w)));
  }
  EXPECT_TRUE(is_stopword(tokenize("The").words[0]));
  EXPECT_FALSE(is_stopword(tokenize("Thee").words[0]));
  EXPECT_NE(word_hash("abcdefgh"), word_hash("abcdefgi"));
  EXPECT_NE(word_hash("abcdefghi"), word_hash("abcdefgh"));  // past one chunk, and the length counts
  EXPECT_NE(word_hash(""), word_hash(std::string_view("\0", 1)));
  std::vector<std::uint64_t> first_three;
  entity_hashes(a, la, 3, first_three);  // "Rear Adm" and "Helen": the count cuts the words read
  EXPECT_EQ(first_three.size(), 2u);
}

TEST(Language, DetectsTheLanguageOfRealSentences) {
  EXPECT_EQ(detect_language("Navy awards frigate contract",
                            "The Navy on Tuesday awarded a contract to build six frigates at the shipyard, officials "
                            "said, ending a two-year competition between the two bidders."),
            "en");
  EXPECT_EQ(detect_language("La marine commande six frégates",
                            "La marine a attribué mardi un contrat pour la construction de six frégates au chantier "
                            "naval, a indiqué le ministère, mettant fin à deux ans de concurrence."),
            "fr");
  EXPECT_EQ(detect_language("Флот заказал шесть фрегатов",
                            "Во вторник военно-морской флот заключил контракт на строительство шести фрегатов на "
                            "верфи, сообщили в министерстве обороны."),
            "ru");
}

TEST(Language, FallsBackToTheHintWhenUnsure) {
  EXPECT_EQ(detect_language("", "42", "de-DE"), "de");
  EXPECT_EQ(detect_language("", "", ""), "");
  EXPECT_EQ(detect_language("ok", "x", "English"), "en") << "a hint is cut to two letters";
}

// Offsets, capitals and digits of each token, across ASCII runs, joiners and
// other scripts in one word: the fast path for ASCII runs must agree with
// the code-point path at every boundary.
TEST(Words, TokensKeepOffsetsCapitalsAndDigitsAcrossScripts) {
  const std::string text = "US-led drills: Straße42 ÉCOLE x1,200 U.S. don't Ab.cd 7.5kg naïve--end";
  const WordList tokens = tokenize(text);
  std::vector<std::string> got;
  for (const auto& t : tokens.words) {
    got.push_back(std::string(tokens.folded_of(t)) + "@" + std::to_string(t.begin) + "-" + std::to_string(t.end) + (t.capitalised ? "C" : "") +
                  (t.has_digit ? "D" : ""));
    EXPECT_LE(t.end, text.size());
  }
  const std::vector<std::string> want = {
      "us-led@0-6C", "drills@7-13", "straße42@15-24CD", "école@25-31C", "x1200@32-38D",
      "u.s@39-42C",  // the closing dot is not part of the word
      "don@44-47",   "t@48-49",
      "ab@50-52C",   "cd@53-55",  // a dot joins only before a capital: "U.S.", not "Ab.cd"
      "7.5kg@56-61D", "naïve@62-68", "end@70-73"};
  EXPECT_EQ(got, want);
}

// ASCII runs are cut 16 bytes at a time where the CPU allows: the words of
// a text must not depend on where its runs fall against those blocks. The
// same texts, shifted by 0 to 17 bytes, give the same words, with offsets
// shifted by as much; and plain ASCII words come out as a reference split
// would cut them.
TEST(Words, TheSameWordsWhereverTheTextStarts) {
  std::mt19937 rng(20261129);
  const std::vector<std::string> pieces = {
      " ", "  ", "\n", ", ", ". ", "-", ".", ",", "'", "4.2", "1,200", "F-35", "U.S.", "Éléphant", "Флот", "海军",
      "\xff", "\xc3", "x", "Navy", "kessel", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz0123456789",
      "Guardian-class", "MixedCaseWordThatRunsPastSixteenBytes", "z9", "[", "\t"};
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) text += pieces[rng() % pieces.size()];
    const WordList base = tokenize(text);
    for (size_t shift = 1; shift <= 17; ++shift) {
      const std::string shifted = std::string(shift, ' ') + text;
      const WordList moved = tokenize(shifted);
      ASSERT_EQ(moved.words.size(), base.words.size()) << text;
      for (size_t w = 0; w < base.words.size(); ++w) {
        const Word& a = base.words[w];
        const Word& b = moved.words[w];
        EXPECT_EQ(base.folded_of(a), moved.folded_of(b)) << text;
        EXPECT_EQ(a.hash, b.hash) << text;
        EXPECT_EQ(a.begin + shift, b.begin) << text;
        EXPECT_EQ(a.end + shift, b.end) << text;
        EXPECT_EQ(a.capitalised, b.capitalised) << text;
        EXPECT_EQ(a.has_digit, b.has_digit) << text;
      }
    }
  }
  // Plain ASCII words between spaces: each is one word, lower-cased.
  for (int round = 0; round < 200; ++round) {
    std::string text;
    std::vector<std::string> expected;
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) {
      std::string word;
      const int length = 1 + static_cast<int>(rng() % 40);
      for (int c = 0; c < length; ++c) {
        const char* alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        word += alphabet[rng() % 62];
      }
      text += word + std::string(1 + rng() % 3, ' ');
      std::string folded = word;
      for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      expected.push_back(folded);
    }
    const WordList list = tokenize(text);
    std::vector<std::string> got;
    for (const auto& w : list.words) got.emplace_back(list.folded_of(w));
    EXPECT_EQ(got, expected) << text;
    for (size_t w = 0; w < list.words.size(); ++w) {
      const std::string_view original = std::string_view(text).substr(list.words[w].begin, list.words[w].end - list.words[w].begin);
      EXPECT_EQ(list.words[w].has_digit, original.find_first_of("0123456789") != std::string_view::npos) << original;
      EXPECT_EQ(list.words[w].capitalised, original[0] >= 'A' && original[0] <= 'Z') << original;
    }
  }
}

TEST(Language, NamesALanguageForPeopleToRead) {
  EXPECT_EQ(language_name("fr"), "French");
  EXPECT_EQ(language_name("pt-BR"), "Portuguese");
  EXPECT_EQ(language_name("ZH"), "Chinese");
  EXPECT_EQ(language_name("zz"), "") << "a code ICU has no language for";
  EXPECT_EQ(language_name("und"), "") << "undetermined";
  EXPECT_EQ(language_name(""), "");
  EXPECT_EQ(language_name("\"><b>"), "");
}

TEST(Language, ThePrimarySubtagOfATagIsItsLanguage) {
  EXPECT_EQ(primary_language("fr-CA"), "fr");
  EXPECT_EQ(primary_language("FR"), "fr");
  EXPECT_EQ(primary_language("pt_BR"), "pt");
  EXPECT_EQ(primary_language("fil"), "fil");
  EXPECT_EQ(primary_language("f"), "");
  EXPECT_EQ(primary_language("english"), "");
  EXPECT_EQ(primary_language("e1"), "");
  EXPECT_EQ(primary_language(""), "");
}
