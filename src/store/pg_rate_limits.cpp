// The PostgreSQL backend of the abuse limits shared by every process of a
// desk (RateLimitRepository in store.hpp, docs/schema.md). Means what its
// SQLite twin means (sqlite_rate_limits.cpp).
#include <algorithm>
#include <limits>

#include "store/pg_repositories.hpp"

namespace newsdesk::store {
namespace {

using namespace pg;  // NOLINT(google-build-using-namespace): the backend's own helpers

class PgRateLimits final : public RateLimitRepository {
 public:
  explicit PgRateLimits(PgConnection& db) : db_(db) {}

  Result<int> hit(const std::string& key, TimePoint now, std::chrono::seconds window) override {
    if (now >= next_prune_) {
      ND_TRY(prune(now));
      next_prune_ = now + kPruneEvery;
    }
    // Hits on one key at once: the second's insert waits for the first's
    // row, then updates it as the first left it (ON CONFLICT takes the row's
    // lock), so each counts once. The SET expressions read the old row.
    ND_PG_QUERY(q, db_, R"sql(INSERT INTO rate_limits(key, hits, until) VALUES ($1, 1, $3)
        ON CONFLICT (key) DO UPDATE SET
          hits = CASE WHEN rate_limits.until <= $2 THEN 1 ELSE rate_limits.hits + 1 END,
          until = CASE WHEN rate_limits.until <= $2 THEN EXCLUDED.until ELSE rate_limits.until END
        RETURNING hits)sql", {key, seconds(now), seconds(now + window)});
    if (q.empty()) return core::fail(ErrorCode::kDatabase, "counting a hit returned no row");
    return static_cast<int>(std::min<std::int64_t>(q.front().integer(0), std::numeric_limits<int>::max()));
  }

  Result<size_t> prune(TimePoint now) override {
    // SKIP LOCKED: a row another connection is counting right now is live
    // (or about to be), and nodes pruning at once never wait on each other.
    ND_PG_QUERY(q, db_, R"sql(DELETE FROM rate_limits WHERE key IN (
          SELECT key FROM rate_limits WHERE until <= $1 FOR UPDATE SKIP LOCKED))sql", {seconds(now)});
    return q.affected();
  }

 private:
  static constexpr std::chrono::minutes kPruneEvery{1};
  PgConnection& db_;
  TimePoint next_prune_{};  // the first hit prunes
};

}  // namespace

std::unique_ptr<RateLimitRepository> make_pg_rate_limits(PgConnection& db) {
  return std::make_unique<PgRateLimits>(db);
}

}  // namespace newsdesk::store
