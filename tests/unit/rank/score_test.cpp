#include <gtest/gtest.h>

#include "core/time.hpp"
#include "rank/score.hpp"

using namespace newsdesk;

namespace {

core::TimePoint now() { return *core::parse_rfc3339("2026-11-29T18:00:00Z"); }

rank::StoryBundle story(int outlets, int age_hours, const std::string& title, const std::string& text) {
  rank::StoryBundle b;
  b.story.id = 1;
  b.story.last_updated = now() - std::chrono::hours(age_hours);
  for (int i = 0; i < outlets; ++i) {
    rank::CoveredArticle ca;
    ca.article.id = i + 1;
    ca.article.title = title;
    ca.article.text = text;
    ca.article.published = b.story.last_updated;
    ca.source.id = i + 1;
    ca.source.name = "Outlet " + std::to_string(i);
    b.articles.push_back(ca);
  }
  return b;
}

const char* kMilitaryText = "The Navy said its air defenses shot down 40 drones over the naval station. Missile "
                            "interceptors and troops from an air defense battalion were deployed.";
const char* kSportsText = "The Mariners won the cup final 3-2 in extra time, with a late goal from their striker "
                          "in front of 40,000 fans at the stadium.";

}  // namespace

TEST(Beat, MilitaryTextIsRelevantAndSportsIsNot) {
  rank::BeatMatcher beat(rank::military_beat());
  double military = beat.relevance("Air defenses shoot down drone swarm over naval port", kMilitaryText);
  double sports = beat.relevance("Mariners win cup final in extra time", kSportsText);
  EXPECT_GT(military, 0.6);
  EXPECT_LT(sports, 0.1);
}

TEST(Score, OffBeatStoryIsMarkedOffBeat) {
  rank::BeatMatcher beat(rank::military_beat());
  auto s = rank::score_story(story(6, 1, "Mariners win cup final", kSportsText), beat, core::RankConfig{}, now());
  EXPECT_FALSE(s.on_beat);
  auto m = rank::score_story(story(2, 1, "Drones shot down over naval port", kMilitaryText), beat, core::RankConfig{}, now());
  EXPECT_TRUE(m.on_beat);
}

TEST(Score, MoreIndependentOutletsNeverLowerTheScore) {
  rank::BeatMatcher beat(rank::military_beat());
  double previous = 0;
  for (int outlets = 1; outlets <= 12; ++outlets) {
    auto s = rank::score_story(story(outlets, 3, "Drones shot down", kMilitaryText), beat, core::RankConfig{}, now());
    EXPECT_GE(s.score, previous) << outlets;
    previous = s.score;
  }
}

TEST(Score, AgeNeverRaisesTheScore) {
  rank::BeatMatcher beat(rank::military_beat());
  double previous = 1e18;
  for (int age = 0; age <= 96; age += 6) {
    auto s = rank::score_story(story(4, age, "Drones shot down", kMilitaryText), beat, core::RankConfig{}, now());
    EXPECT_LE(s.score, previous) << age;
    previous = s.score;
  }
}

TEST(Score, CopiesDoNotCountAsIndependentOutlets) {
  rank::BeatMatcher beat(rank::military_beat());
  auto b = story(4, 1, "Drones shot down", kMilitaryText);
  b.articles[2].article.copy_of = 1;
  b.articles[3].article.copy_of = 1;
  auto s = rank::score_story(b, beat, core::RankConfig{}, now());
  EXPECT_EQ(s.independent_outlets, 2);
}

TEST(Score, ExplainsEveryTerm) {
  rank::BeatMatcher beat(rank::military_beat());
  auto s = rank::score_story(story(3, 2, "Drones shot down", kMilitaryText), beat, core::RankConfig{}, now());
  ASSERT_EQ(s.terms.size(), 6u);  // outlets, relevance, recency, velocity, preferred, novelty
  double product = 100.0;
  for (const auto& t : s.terms) product *= t.value;
  EXPECT_NEAR(product, s.score, 1e-6);
}

TEST(Score, CopiesOfAWireStoryWeDoNotHoldCountOnceTogether) {
  rank::BeatMatcher beat(rank::military_beat());
  auto b = story(5, 1, "Drones shot down", kMilitaryText);
  for (int i : {2, 3, 4}) b.articles[static_cast<size_t>(i)].article.copy_of = 999;  // the wire original, not served
  auto s = rank::score_story(b, beat, core::RankConfig{}, now());
  EXPECT_EQ(s.independent_outlets, 3);  // two originals and the wire
}

TEST(Score, AFollowUpFromTheSameOutletAddsLessThanANewOutlet) {
  rank::BeatMatcher beat(rank::military_beat());
  auto base = story(3, 1, "Drones shot down", kMilitaryText);
  auto follow_up = base;
  auto extra = base.articles[0];
  extra.article.id = 50;
  follow_up.articles.push_back(extra);  // same source again
  auto another = base;
  extra.source.id = 77;
  extra.source.name = "Outlet 77";
  another.articles.push_back(extra);
  auto s0 = rank::score_story(base, beat, core::RankConfig{}, now());
  auto s1 = rank::score_story(follow_up, beat, core::RankConfig{}, now());
  auto s2 = rank::score_story(another, beat, core::RankConfig{}, now());
  EXPECT_GT(s1.score, s0.score);
  EXPECT_GT(s2.score, s1.score);
  EXPECT_EQ(s1.independent_outlets, 3);
}

TEST(Score, TodaysNewsDoesNotDecayWithinTheFreshHours) {
  rank::BeatMatcher beat(rank::military_beat());
  core::RankConfig config;  // fresh for 12 h
  auto young = rank::score_story(story(4, 1, "Drones shot down", kMilitaryText), beat, config, now());
  auto older = rank::score_story(story(4, 11, "Drones shot down", kMilitaryText), beat, config, now());
  auto stale = rank::score_story(story(4, 30, "Drones shot down", kMilitaryText), beat, config, now());
  EXPECT_NEAR(young.terms[2].value, 1.0, 1e-9);
  EXPECT_NEAR(older.terms[2].value, 1.0, 1e-9);
  EXPECT_NEAR(stale.terms[2].value, 0.5, 1e-9);  // 30 - 12 = 18 h: one half-life
}

TEST(Score, AStoryAlreadySentIsLeftOutUnlessItDeveloped) {
  rank::BeatMatcher beat(rank::military_beat());
  auto b = story(4, 30, "Drones shot down", kMilitaryText);
  rank::SentRecord sent{"2026-11-28", now() - std::chrono::hours(20), 4};
  auto same = rank::score_story(b, beat, core::RankConfig{}, now(), &sent);
  EXPECT_TRUE(same.already_sent);
  EXPECT_EQ(same.score, 0);
  EXPECT_NE(same.terms.back().note.find("2026-11-28"), std::string::npos);
  auto grown = story(6, 2, "Drones shot down", kMilitaryText);  // two more outlets, published since
  auto developed = rank::score_story(grown, beat, core::RankConfig{}, now(), &sent);
  EXPECT_FALSE(developed.already_sent);
  EXPECT_TRUE(developed.developing);
  EXPECT_GT(developed.score, 0);
}

TEST(Score, APreferredSourceOfTheBeatRaisesTheScore) {
  auto profile = rank::military_beat();
  profile.sources = {"Outlet 0"};
  rank::BeatMatcher plain(rank::military_beat()), preferring(profile);
  auto b = story(3, 1, "Drones shot down", kMilitaryText);
  EXPECT_GT(rank::score_story(b, preferring, core::RankConfig{}, now()).score,
            rank::score_story(b, plain, core::RankConfig{}, now()).score);
}

TEST(Beats, AConfiguredBeatHasItsTermsExclusionsRulesAndLanguages) {
  core::BeatConfig energy;
  energy.name = "energy";
  energy.terms = {{"pipeline", 3}, {"oil", 2}, {"refinery", 3}};
  energy.exclude = {"horoscope"};
  energy.rules = {{"\\b[A-Z]{2,}-\\d+ pipeline\\b", 3}};
  energy.languages = {"en"};
  auto profile = rank::beat_named("energy", {energy});
  ASSERT_TRUE(profile) << profile.error().message;
  rank::BeatMatcher beat(*profile);
  const char* text = "The NS-2 pipeline reopened on Monday and the refinery at the coast resumed oil deliveries.";
  EXPECT_GT(beat.relevance("Pipeline reopens, refinery back", text, "en"), 0.5);
  EXPECT_EQ(beat.relevance("Pipeline reopens, refinery back", text, "de"), 0);  // not a language of the beat
  EXPECT_EQ(beat.relevance("Your horoscope: pipeline luck", text, "en"), 0);     // excluded
  EXPECT_LT(beat.relevance("Mariners win cup final", kSportsText, "en"), 0.1);
}

TEST(Beats, TheBuiltInBeatCanBeExtendedAndUnknownOrBrokenBeatsAreErrors) {
  core::BeatConfig extra;
  extra.name = "military";
  extra.terms = {{"kessel bay", 3}};
  auto profile = rank::beat_named("military", {extra});
  ASSERT_TRUE(profile);
  EXPECT_GT(profile->terms.size(), rank::military_beat().terms.size());
  auto unknown = rank::beat_named("gardening", {extra});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("military"), std::string::npos) << unknown.error().message;
  core::BeatConfig broken;
  broken.name = "broken";
  broken.rules = {{"(unclosed", 1}};
  auto bad = rank::beat_named("broken", {broken});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("(unclosed"), std::string::npos) << bad.error().message;
}
