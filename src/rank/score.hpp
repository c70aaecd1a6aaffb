// Story scores for a beat, with every term of the score kept for explaining.
// Pure; safe to call concurrently with distinct BeatMatchers.
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"
#include "rank/beat.hpp"
#include "rank/story_bundle.hpp"

namespace newsdesk::rank {

struct ScoreTerm {
  std::string name;  // "outlets", "relevance", "recency", "velocity"
  double value = 0;
  std::string note;  // how it was reached, for people
};

struct StoryScore {
  core::Id story_id = 0;
  double score = 0;
  bool on_beat = false;
  int independent_outlets = 0;
  double relevance = 0;
  std::vector<ScoreTerm> terms;
};

// What a story is worth now. Independent outlets count once each (copies do
// not count), weighted by source authority; relevance to the beat; recency
// (halving every half_life_hours since the last article); velocity (share of
// coverage in the last 12 hours). More outlets never lower a score; age never
// raises it.
StoryScore score_story(const StoryBundle& story, BeatMatcher& beat, const core::RankConfig& config,
                       core::TimePoint now);

// Scores every story and returns them best first (ties by story id).
std::vector<StoryScore> rank_stories(const std::vector<StoryBundle>& stories, BeatMatcher& beat,
                                     const core::RankConfig& config, core::TimePoint now);

}  // namespace newsdesk::rank
