// Online story clustering: each article, as it arrives, becomes a copy of an
// earlier one (near-verbatim text), joins the live story it is most similar
// to, or starts a new story. Compares against the live stories of the window
// through an inverted index of story terms, never against everything.
//
// Deterministic: the same stream in the same order gives the same stories.
// Not thread-safe: one clusterer per stream.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/config.hpp"
#include "core/types.hpp"
#include "text/tokens.hpp"

namespace newsdesk::cluster {

struct ClusterInput {
  core::Id article_id = 0;
  core::Id source_id = 0;
  std::optional<core::TimePoint> time;  // absent: the stream's latest time
  std::string title;
  std::string text;
  std::string language;  // ISO 639-1; "" = detect from the text (CLD2)
};

struct Assignment {
  core::Id story_id = 0;
  bool new_story = false;
  std::optional<core::Id> copy_of;  // article this one near-duplicates
  double similarity = 0;            // to the story it joined (1 for copies)
  // Stories that converged with the one joined and were merged into another,
  // as (merged story, surviving story); the survivor is the older story.
  // `story_id` is the survivor when the joined story itself was merged away.
  std::vector<std::pair<core::Id, core::Id>> merged;
  // What the clusterer set aside about this article, for a log line ("" when
  // nothing): e.g. a date far from the stream's, which would otherwise close
  // every live story or never let this one close.
  std::string note;
};

// A live story as the clusterer sees it.
struct StorySummary {
  core::Id id = 0;
  std::string headline;
  core::TimePoint first_seen{};
  core::TimePoint last_updated{};
  std::vector<core::Id> articles;
};

// The merges of a stream, remembered: what story an old story id became.
// A stream's output names each article's story as it stands at the end
// (the store does the same with `merged_into`).
class MergeLog {
 public:
  void record(const Assignment& assignment) {
    for (const auto& [from, into] : assignment.merged) merged_into_[from] = into;
  }
  core::Id resolve(core::Id story) const {
    for (auto it = merged_into_.find(story); it != merged_into_.end(); it = merged_into_.find(story)) story = it->second;
    return story;
  }

 private:
  std::unordered_map<core::Id, core::Id> merged_into_;
};

class StoryClusterer {
 public:
  explicit StoryClusterer(const core::ClusterConfig& config, core::Id first_story_id = 1);
  ~StoryClusterer();
  StoryClusterer(const StoryClusterer&) = delete;
  StoryClusterer& operator=(const StoryClusterer&) = delete;

  // Decides where `article` belongs and remembers it.
  Assignment add(const ClusterInput& article);

  // Replays an article whose story is already known (from the store) so that
  // later articles can join it.
  void add_known(const ClusterInput& article, core::Id story_id, std::optional<core::Id> copy_of);

  std::optional<StorySummary> story(core::Id id) const;
  size_t live_stories() const;
  // Terms remembered, with their document frequencies: past
  // ClusterConfig::max_terms, those no live story holds are forgotten.
  size_t known_terms() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsdesk::cluster
