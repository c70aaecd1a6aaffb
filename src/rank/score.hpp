// Story scores for a beat, with every term of the score kept for explaining.
// Pure; safe to call concurrently with distinct BeatMatchers.
#pragma once

#include <cstdint>
#include <map>
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
  bool already_sent = false;  // an earlier edition carried it and nothing material changed since
  bool developing = false;    // an earlier edition carried it and it has developed since
  std::vector<ScoreTerm> terms;
};

// A story an earlier edition carried, as it was then.
struct SentRecord {
  std::string date;          // that edition's date
  core::TimePoint at{};      // when it was built
  int outlets = 0;           // independent outlets then
};

// What a story is worth now, as a product of terms kept for explaining:
// - outlets: independent outlets, each once at its authority weight (copies
//   of one wire story we do not hold count once together), plus half a point
//   per follow-up an outlet wrote;
// - relevance to the beat;
// - recency: none lost for rank.fresh_hours after the last article, then
//   halving every rank.half_life_hours;
// - velocity: the share of the coverage that came in the last 12 hours;
// - preferred: the beat's preferred sources covering it;
// - novelty: a story an earlier edition carried (`sent`) scores 0 unless it
//   has developed since (two more outlets, or three new articles), and then
//   it is marked developing.
// More outlets never lower a score; age never raises it.
// `explain` = false leaves the terms' notes empty (the values are the same).
StoryScore score_story(const StoryBundle& story, BeatMatcher& beat, const core::RankConfig& config,
                       core::TimePoint now, const SentRecord* sent = nullptr, bool explain = true);

// Scores every story and returns them best first (ties by story id). Only
// the first `explain_top` carry notes.
std::vector<StoryScore> rank_stories(const std::vector<StoryBundle>& stories, BeatMatcher& beat,
                                     const core::RankConfig& config, core::TimePoint now,
                                     const std::map<core::Id, SentRecord>& sent = {},
                                     size_t explain_top = SIZE_MAX);

}  // namespace newsdesk::rank
