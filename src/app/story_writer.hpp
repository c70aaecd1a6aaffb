// The desk's one writer of stories. Online clustering decides each article
// against every story seen before it, so one clusterer must see the articles
// in arrival order and nothing else may assign stories meanwhile. A service
// keeps its StoryWriter (and the clusterer's state) in memory from round to
// round, so that a round costs what its new articles cost; the state is built
// from the window's stored stories once, when the writer starts, and again
// only when it may have missed a write (it lost the lead, or a round failed
// midway).
#pragma once

#include <memory>

#include "core/config.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace newsdesk::cluster {
class StoryClusterer;
}

namespace newsdesk::app {

struct ClusterReport;

class StoryWriter {
 public:
  explicit StoryWriter(const core::ClusterConfig& config);
  ~StoryWriter();
  StoryWriter(const StoryWriter&) = delete;
  StoryWriter& operator=(const StoryWriter&) = delete;

  // Places every article stored without a story into one, in publication
  // order, and saves the stories. The caller is the only writer of stories
  // (it leads the "cluster" role, or is the only process of the desk).
  core::Result<ClusterReport> round(store::Store& store, core::TimePoint now);
  // The next round builds the state afresh from the store: another writer
  // may have assigned stories meanwhile.
  void forget();
  // Whether the state is in memory (a round would not rebuild it).
  bool warm() const { return clusterer_ != nullptr; }
  // Articles replayed from the store when the state was last built.
  size_t replayed() const { return replayed_; }

 private:
  core::ClusterConfig config_;
  std::unique_ptr<cluster::StoryClusterer> clusterer_;
  size_t replayed_ = 0;
};

}  // namespace newsdesk::app
