// A small RAII wrapper over the SQLite C API. Internal to store/.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.hpp"

namespace newsdesk::store {

struct SqliteDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

// One prepared statement. Bind with 1-based positions; step() until false.
// A statement from the database's cache is reset and handed back when this
// goes; one of its own is finalized.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool* cached_in_use = nullptr) : db_(db), stmt_(stmt), in_use_(cached_in_use) {}
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_), in_use_(other.in_use_) {
    other.stmt_ = nullptr;
    other.in_use_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    if (stmt_ == nullptr) return;
    if (in_use_ != nullptr) {
      reset();
      *in_use_ = false;
    } else {
      sqlite3_finalize(stmt_);
    }
  }

  Statement& bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); return *this; }
  Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); return *this; }
  Statement& bind(int i, bool v) { return bind(i, static_cast<std::int64_t>(v ? 1 : 0)); }
  Statement& bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, std::nullopt_t) { sqlite3_bind_null(stmt_, i); return *this; }
  template <class T>
  Statement& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind(i, std::nullopt);
  }

  // True while a row is available; an error names SQLite's message.
  core::Result<bool> step();
  // Makes the statement ready to bind and run again.
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  // Runs to completion (for statements without rows).
  core::Result<void> run();

  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string text(int col) const {
    auto* p = sqlite3_column_text(stmt_, col);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p),
                                                      static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::optional<std::int64_t> optional_integer(int col) const {
    return is_null(col) ? std::nullopt : std::optional<std::int64_t>(integer(col));
  }
  std::optional<double> optional_real(int col) const {
    return is_null(col) ? std::nullopt : std::optional<double>(real(col));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache's flag for this statement; nullptr when it is our own
};

// Prepared statements kept for reuse, by SQL text: the repositories prepare
// the same few statements over and over (on the hot path of sending, twice
// a copy), and parsing them each time costs more than running them.
class StatementCache {
 public:
  StatementCache() = default;
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  ~StatementCache() {
    for (auto& [sql, entry] : entries_) sqlite3_finalize(entry.stmt);
  }
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  Entry* find(std::string_view sql) {
    auto it = entries_.find(std::string(sql));
    return it == entries_.end() ? nullptr : &it->second;
  }
  // nullptr when full: SQL built with varying lists is not worth keeping without bound.
  Entry* add(std::string_view sql, sqlite3_stmt* stmt) {
    if (entries_.size() >= kMaxEntries) return nullptr;
    return &(entries_[std::string(sql)] = Entry{stmt, false});
  }
  static constexpr size_t kMaxEntries = 512;

 private:
  std::unordered_map<std::string, Entry> entries_;  // node-based: an entry's address stays put
};

class Database {
 public:
  static core::Result<Database> open(const std::string& path);
  core::Result<void> exec(std::string_view sql);
  core::Result<Statement> prepare(std::string_view sql);
  std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_.get()); }
  int changes() const { return sqlite3_changes(db_.get()); }
  sqlite3* handle() const { return db_.get(); }

 private:
  std::unique_ptr<sqlite3, SqliteDeleter> db_;
  std::unique_ptr<StatementCache> cache_ = std::make_unique<StatementCache>();  // destroyed before db_
};

}  // namespace newsdesk::store
