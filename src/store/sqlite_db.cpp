#include "store/sqlite_db.hpp"

#include <fmt/format.h>

namespace newsdesk::store {

core::Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return core::fail(core::ErrorCode::kDatabase,
                    fmt::format("{} (in: {})", sqlite3_errmsg(db_), sqlite3_sql(stmt_)));
}

core::Result<void> Statement::run() {
  for (;;) {
    auto more = step();
    if (!more) return tl::unexpected(more.error());
    if (!*more) return {};
  }
}

core::Result<Database> Database::open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Database db;
  db.db_.reset(raw);
  if (rc != SQLITE_OK) {
    return core::fail(core::ErrorCode::kDatabase,
                      fmt::format("{}: cannot open the database: {}", path, raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

core::Result<void> Database::exec(std::string_view sql) {
  char* message = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string error = message != nullptr ? message : sqlite3_errmsg(db_.get());
    sqlite3_free(message);
    return core::fail(core::ErrorCode::kDatabase, error);
  }
  return {};
}

core::Result<Statement> Database::prepare(std::string_view sql) {
  StatementCache::Entry* cached = cache_->find(sql);
  if (cached != nullptr && !cached->in_use) {
    cached->in_use = true;
    return Statement(db_.get(), cached->stmt, &cached->in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    return core::fail(core::ErrorCode::kDatabase, fmt::format("{} (in: {})", sqlite3_errmsg(db_.get()), sql));
  }
  if (cached != nullptr) return Statement(db_.get(), stmt);  // the cached one is busy (a nested use): one of our own
  StatementCache::Entry* entry = cache_->add(sql, stmt);
  if (entry == nullptr) return Statement(db_.get(), stmt);
  entry->in_use = true;
  return Statement(db_.get(), stmt, &entry->in_use);
}

}  // namespace newsdesk::store
