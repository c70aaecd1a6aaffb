#include "store/sqlite_db.hpp"

#include <fmt/format.h>

namespace newsdesk::store {
namespace {

// SQLite's message, led by the file's path when the trouble is the file's
// or the disk's (full, read-only, damaged, not a database, I/O), so that an
// operator knows which file and which disk to look at.
std::string describe(sqlite3* db, int rc) {
  std::string message = sqlite3_errmsg(db);
  switch (rc & 0xFF) {
    case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_READONLY: case SQLITE_CORRUPT: case SQLITE_NOTADB:
    case SQLITE_CANTOPEN: case SQLITE_PERM: {
      const char* file = sqlite3_db_filename(db, "main");
      if (file != nullptr && *file != '\0') return fmt::format("{}: {}", file, message);
      return message;
    }
    default: return message;
  }
}

}  // namespace

core::Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return core::fail(core::ErrorCode::kDatabase, fmt::format("{} (in: {})", describe(db_, rc), sqlite3_sql(stmt_)));
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
  if (int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message); rc != SQLITE_OK) {
    sqlite3_free(message);
    return core::fail(core::ErrorCode::kDatabase, describe(db_.get(), rc));
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
  if (int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr); rc != SQLITE_OK) {
    return core::fail(core::ErrorCode::kDatabase, fmt::format("{} (in: {})", describe(db_.get(), rc), sql));
  }
  if (cached != nullptr) return Statement(db_.get(), stmt);  // the cached one is busy (a nested use): one of our own
  StatementCache::Entry* entry = cache_->add(sql, stmt);
  if (entry == nullptr) return Statement(db_.get(), stmt);
  entry->in_use = true;
  return Statement(db_.get(), stmt, &entry->in_use);
}

}  // namespace newsdesk::store
