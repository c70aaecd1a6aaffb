#include "app/retention.hpp"

namespace newsdesk::app {

core::Result<PruneReport> prune_article_text(store::Store& store, const core::StoreConfig& config, core::TimePoint now,
                                             const std::atomic<bool>* stop) {
  PruneReport report;
  if (config.keep_article_text_days <= 0) return report;
  const core::TimePoint before = now - std::chrono::hours(24) * config.keep_article_text_days;
  constexpr size_t kBatch = 500;
  for (;;) {
    if (stop != nullptr && *stop) {
      report.stopped = true;
      break;
    }
    ND_TRY_ASSIGN(dropped, store.articles().drop_text(before, kBatch));
    report.articles += *dropped;
    if (*dropped == 0) break;
  }
  // Emptied rows keep their pages until the store gives them back: without
  // this an SQLite desk grows as if nothing had been dropped.
  if (report.articles > 0) ND_TRY(store.compact());
  return report;
}

}  // namespace newsdesk::app
