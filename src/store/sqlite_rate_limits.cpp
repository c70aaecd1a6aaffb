// The SQLite backend of the abuse limits shared by every process of a desk
// (RateLimitRepository in store.hpp, docs/schema.md). Means what its
// PostgreSQL twin means (pg_rate_limits.cpp).
#include <algorithm>
#include <limits>

#include "store/sqlite_repositories.hpp"

namespace newsdesk::store {
namespace {

class SqliteRateLimits final : public RateLimitRepository {
 public:
  explicit SqliteRateLimits(Database& db) : db_(db) {}

  Result<int> hit(const std::string& key, TimePoint now, std::chrono::seconds window) override {
    if (now >= next_prune_) {
      ND_TRY(prune(now));
      next_prune_ = now + kPruneEvery;
    }
    // One write statement: SQLite lets one writer in at a time, so hits from
    // several connections are counted one after the other. The SET
    // expressions all read the row as it was, so both see the old `until`.
    ND_PREPARE(q, db_, R"sql(INSERT INTO rate_limits(key, hits, until) VALUES (?1, 1, ?3)
        ON CONFLICT(key) DO UPDATE SET
          hits = CASE WHEN rate_limits.until <= ?2 THEN 1 ELSE rate_limits.hits + 1 END,
          until = CASE WHEN rate_limits.until <= ?2 THEN excluded.until ELSE rate_limits.until END
        RETURNING hits)sql");
    q.bind(1, key).bind(2, seconds(now)).bind(3, seconds(now + window));
    ND_TRY_ASSIGN(row, q.step());
    if (!*row) return core::fail(ErrorCode::kDatabase, "counting a hit returned no row");
    const std::int64_t hits = q.integer(0);
    ND_TRY(q.run());
    return static_cast<int>(std::min<std::int64_t>(hits, std::numeric_limits<int>::max()));
  }

  Result<size_t> prune(TimePoint now) override {
    ND_PREPARE(q, db_, "DELETE FROM rate_limits WHERE until <= ?");
    q.bind(1, seconds(now));
    ND_TRY(q.run());
    return static_cast<size_t>(db_.changes());
  }

 private:
  static constexpr std::chrono::minutes kPruneEvery{1};
  Database& db_;
  TimePoint next_prune_{};  // the first hit prunes
};

}  // namespace

std::unique_ptr<RateLimitRepository> make_sqlite_rate_limits(Database& db) {
  return std::make_unique<SqliteRateLimits>(db);
}

}  // namespace newsdesk::store
