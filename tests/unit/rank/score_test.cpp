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
  ASSERT_EQ(s.terms.size(), 4u);
  double product = 100.0;
  for (const auto& t : s.terms) product *= t.value;
  EXPECT_NEAR(product, s.score, 1e-6);
}
