// The PostgreSQL repositories and the helpers they share. Internal to store/.
//
// The statements mean what SQLite's mean (sqlite_store.cpp,
// sqlite_delivery_store.cpp), written for PostgreSQL: $n parameters, BOOLEAN
// flags, RETURNING for new ids. A write that may meet an existing row says
// so in its SQL (ON CONFLICT) instead of failing: in PostgreSQL a failed
// statement spoils the transaction around it, in SQLite it does not.
#pragma once

#include <memory>

#include "core/strings.hpp"
#include "store/pg_db.hpp"
#include "store/store.hpp"

namespace newsdesk::store {

// Runs a query, or returns its error from the enclosing function; `var` is a PgRows.
#define ND_PG_QUERY(var, db, ...)                             \
  auto var##_result = (db).query(__VA_ARGS__);                \
  if (!var##_result) return tl::unexpected(var##_result.error()); \
  PgRows& var = *var##_result

namespace pg {

using core::ErrorCode;
using core::TimePoint;

inline std::int64_t seconds(TimePoint t) { return t.time_since_epoch().count(); }
inline std::optional<std::int64_t> seconds(const std::optional<TimePoint>& t) {
  return t ? std::optional<std::int64_t>(seconds(*t)) : std::nullopt;
}
inline TimePoint time_at(std::int64_t s) { return TimePoint(std::chrono::seconds(s)); }
inline std::optional<TimePoint> optional_time(const PgRow& row, int col) {
  auto v = row.optional_integer(col);
  return v ? std::optional<TimePoint>(time_at(*v)) : std::nullopt;
}
inline std::string join_lines(const std::vector<std::string>& items) { return core::join(items, "\n"); }
inline std::vector<std::string> split_lines(const std::string& s) {
  if (s.empty()) return {};
  return core::split(s, '\n');
}

}  // namespace pg

std::unique_ptr<SourceRepository> make_pg_sources(PgConnection& db);
std::unique_ptr<FeedRepository> make_pg_feeds(PgConnection& db);
std::unique_ptr<FeedEntryRepository> make_pg_entries(PgConnection& db);
std::unique_ptr<ArticleRepository> make_pg_articles(PgConnection& db);
std::unique_ptr<StoryRepository> make_pg_stories(PgConnection& db);
std::unique_ptr<EditionRepository> make_pg_editions(PgConnection& db);
std::unique_ptr<SubscriberRepository> make_pg_subscribers(PgConnection& db);
std::unique_ptr<DeliveryRepository> make_pg_deliveries(PgConnection& db);
std::unique_ptr<BounceRepository> make_pg_bounces(PgConnection& db);
std::unique_ptr<SearchRepository> make_pg_search(PgConnection& db);
std::unique_ptr<SiteLeaseRepository> make_pg_sites(PgConnection& db);
std::unique_ptr<WorkerRegistry> make_pg_workers(PgConnection& db);
std::unique_ptr<RateLimitRepository> make_pg_rate_limits(PgConnection& db);  // pg_rate_limits.cpp

// Store::lead and Store::wait_for_work on PostgreSQL (pg_work_sharing.cpp).
Result<bool> pg_lead(PgConnection& db, const std::string& role, const Claim& claim);
Result<bool> pg_wait_for_work(PgConnection& db, const std::vector<std::string>& work, std::chrono::milliseconds timeout);
// Fills in the sites' domains of the sources and feed entries written before
// kWorkSharingMigration (their domain is ''): run by the migration, in its
// transaction. Rows whose URL is not http(s) keep ''.
Result<void> backfill_pg_domains(PgConnection& db);

}  // namespace newsdesk::store
