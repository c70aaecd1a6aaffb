// The SQLite repositories and the helpers they share. Internal to store/.
#pragma once

#include <memory>

#include "core/strings.hpp"
#include "store/sqlite_db.hpp"
#include "store/store.hpp"

namespace newsdesk::store {

// Unwraps a Result<Statement> or returns its error from the enclosing function.
#define ND_PREPARE(var, db, sql)                                  \
  auto var##_result = (db).prepare(sql);                          \
  if (!var##_result) return tl::unexpected(var##_result.error()); \
  Statement& var = *var##_result

using core::ErrorCode;
using core::TimePoint;

inline std::int64_t seconds(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint time_at(std::int64_t s) { return TimePoint(std::chrono::seconds(s)); }
inline std::optional<std::int64_t> seconds(const std::optional<TimePoint>& t) {
  return t ? std::optional<std::int64_t>(seconds(*t)) : std::nullopt;
}
inline std::optional<TimePoint> optional_time(const Statement& s, int col) {
  auto v = s.optional_integer(col);
  return v ? std::optional<TimePoint>(time_at(*v)) : std::nullopt;
}
inline std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "\n") + i;
  return out;
}
inline std::vector<std::string> split_lines(const std::string& s) {
  if (s.empty()) return {};
  return core::split(s, '\n');
}

std::unique_ptr<SourceRepository> make_sqlite_sources(Database& db);
std::unique_ptr<FeedRepository> make_sqlite_feeds(Database& db);
std::unique_ptr<FeedEntryRepository> make_sqlite_entries(Database& db);
std::unique_ptr<ArticleRepository> make_sqlite_articles(Database& db);
std::unique_ptr<StoryRepository> make_sqlite_stories(Database& db);
std::unique_ptr<EditionRepository> make_sqlite_editions(Database& db);
std::unique_ptr<SubscriberRepository> make_sqlite_subscribers(Database& db);
std::unique_ptr<DeliveryRepository> make_sqlite_deliveries(Database& db);
std::unique_ptr<SiteLeaseRepository> make_sqlite_sites(Database& db);
std::unique_ptr<WorkerRegistry> make_sqlite_workers(Database& db);
std::unique_ptr<RateLimitRepository> make_sqlite_rate_limits(Database& db);  // sqlite_rate_limits.cpp

// Store::lead on SQLite (sqlite_work_sharing.cpp).
Result<bool> sqlite_lead(Database& db, const std::string& role, const Claim& claim);
// Fills in the sites' domains of the sources and feed entries written before
// kWorkSharingMigration (their domain is ''): run by the migration, in its
// transaction. Rows whose URL is not http(s) keep ''.
Result<void> backfill_sqlite_domains(Database& db);

}  // namespace newsdesk::store
