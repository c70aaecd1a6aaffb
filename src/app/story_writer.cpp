#include "app/story_writer.hpp"

#include <spdlog/spdlog.h>

#include "app/pipeline.hpp"
#include "app/progress.hpp"
#include "cluster/story_clusterer.hpp"

namespace newsdesk::app {
namespace {

cluster::ClusterInput cluster_input(const core::Article& a) {
  return cluster::ClusterInput{a.id, a.source_id, a.published ? a.published : a.fetched, a.title, a.text, a.language};
}

}  // namespace

StoryWriter::StoryWriter(const core::ClusterConfig& config) : config_(config) {}
StoryWriter::~StoryWriter() = default;

void StoryWriter::forget() {
  clusterer_.reset();
  replayed_ = 0;
}

core::Result<ClusterReport> StoryWriter::round(store::Store& store, core::TimePoint now) {
  ClusterReport report;
  if (!clusterer_) {
    ND_TRY_ASSIGN(max_id, store.stories().max_id());
    auto fresh_state = std::make_unique<cluster::StoryClusterer>(config_, *max_id + 1);
    ND_TRY_ASSIGN(known, store.articles().clustered_since(now - std::chrono::hours(24 * config_.window_days)));
    for (const auto& a : *known) fresh_state->add_known(cluster_input(a), *a.story_id, a.copy_of);
    clusterer_ = std::move(fresh_state);
    replayed_ = known->size();
  }
  ND_TRY_ASSIGN(fresh, store.articles().unclustered());
  if (fresh->empty()) return report;
  Progress progress("finding stories", fresh->size());
  auto done = store.transaction([&]() -> core::Result<void> {
    for (const auto& a : *fresh) {
      auto assignment = clusterer_->add(cluster_input(a));
      if (!assignment.note.empty()) spdlog::warn("article {} ({}): {}", a.id, a.url, assignment.note);
      ++report.articles;
      if (assignment.new_story) ++report.new_stories;
      if (assignment.copy_of) ++report.copies;
      auto summary = clusterer_->story(assignment.story_id);
      core::Story story;
      story.id = assignment.story_id;
      story.headline = summary ? summary->headline : a.title;
      story.first_seen = summary ? summary->first_seen : now;
      story.last_updated = summary ? summary->last_updated : now;
      ND_TRY(store.stories().save(story));
      for (const auto& [from, into] : assignment.merged) {
        ND_TRY(store.stories().merge(from, into));
        ++report.merged;
      }
      ND_TRY(store.articles().assign(a.id, assignment.story_id, assignment.copy_of));
      progress.advance();
    }
    return {};
  });
  if (!done) {
    // Rolled back: the clusterer remembers articles the store does not.
    forget();
    return tl::unexpected(done.error());
  }
  return report;
}

}  // namespace newsdesk::app
