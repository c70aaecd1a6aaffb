// Retention: what a desk keeps for years and what it lets go. Past
// [store] keep_article_text_days, an article keeps its metadata, story and
// links, and loses its text and page (the bulk of the store); stories,
// editions, the delivery ledger and consents are kept.
#pragma once

#include <atomic>
#include <cstddef>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace newsdesk::app {

struct PruneReport {
  size_t articles = 0;  // articles whose text and page were dropped
  bool stopped = false; // `stop` was set: the rest waits for the next pass
};

// Drops the text of every article fetched more than keep_article_text_days
// before `now`, in batches (each its own short write, so readers and the
// poller go on), then, when it dropped any, compacts the store (SQLite:
// VACUUM, writers waiting meanwhile; the daily pass runs it once a day).
// Nothing when keep_article_text_days is 0 (keep forever).
core::Result<PruneReport> prune_article_text(store::Store& store, const core::StoreConfig& config, core::TimePoint now,
                                             const std::atomic<bool>* stop = nullptr);

}  // namespace newsdesk::app
