#include "store/backup.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "store/migrations.hpp"
#include "store/sqlite_db.hpp"
#include "store/store_location.hpp"

namespace newsdesk::store {
namespace {

namespace fs = std::filesystem;

core::Error failure(core::ErrorCode code, std::string message) { return {code, std::move(message)}; }

// One integer a query returns; nullopt when it returns no row or fails.
std::optional<std::int64_t> integer(Database& db, std::string_view sql) {
  auto q = db.prepare(sql);
  if (!q) return std::nullopt;
  auto row = q->step();
  if (!row || !*row) return std::nullopt;
  return q->integer(0);
}

// Copies every page of `from` into `to` in one step: one read snapshot of
// the source, one write transaction on the destination.
core::Result<std::int64_t> copy_pages(sqlite3* from, sqlite3* to, const std::string& to_path) {
  sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
  if (b == nullptr) return tl::unexpected(failure(core::ErrorCode::kDatabase, fmt::format("{}: {}", to_path, sqlite3_errmsg(to))));
  int rc = SQLITE_OK;
  // A writer holding the source's lock for a moment: wait and go on.
  for (int tries = 0; tries < 200; ++tries) {
    rc = sqlite3_backup_step(b, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(50);
  }
  const std::int64_t pages = sqlite3_backup_pagecount(b);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) {
    return tl::unexpected(failure(core::ErrorCode::kDatabase, fmt::format("{}: the copy stopped: {}", to_path, sqlite3_errstr(rc))));
  }
  return pages;
}

core::Result<std::string> sqlite_path(const std::string& location, const char* what) {
  ND_TRY_ASSIGN(where, parse_store_location(location));
  if (where->backend == StoreLocation::Backend::kPostgresql) {
    return tl::unexpected(failure(
        core::ErrorCode::kInvalidInput,
        fmt::format("a PostgreSQL desk {} with the server's tools: pg_dump --format=custom --file=FILE 'URL' to back up, "
                    "pg_restore --clean --if-exists --dbname='URL' FILE to restore (with every newsdesk process stopped)",
                    what)));
  }
  return where->target;
}

}  // namespace

core::Result<BackupReport> backup_desk(const std::string& location, const std::string& file) {
  ND_TRY_ASSIGN(path, sqlite_path(location, "is backed up"));
  std::error_code ec;
  if (fs::exists(file, ec)) {
    return tl::unexpected(failure(core::ErrorCode::kInvalidInput, fmt::format("{}: exists already; a backup never overwrites", file)));
  }
  if (!fs::exists(*path, ec)) return tl::unexpected(failure(core::ErrorCode::kNotFound, fmt::format("{}: no such desk", *path)));
  ND_TRY_ASSIGN(source, Database::open(*path));
  if (!integer(*source, "SELECT count(*) FROM schema_migrations")) {
    return tl::unexpected(failure(core::ErrorCode::kInvalidInput, fmt::format("{}: not a newsdesk store", *path)));
  }
  const std::string partial = file + ".partial";
  fs::remove(partial, ec);
  BackupReport report;
  {
    ND_TRY_ASSIGN(copy, Database::open(partial));
    ND_TRY_ASSIGN(pages, copy_pages(source->handle(), copy->handle(), partial));
    report.pages = *pages;
    // One self-contained file: no -wal beside it.
    ND_TRY(copy->exec("PRAGMA journal_mode=DELETE"));
    report.schema_version = static_cast<int>(integer(*copy, "SELECT max(version) FROM schema_migrations").value_or(0));
  }
  fs::rename(partial, file, ec);
  if (ec) {
    fs::remove(partial, ec);
    return tl::unexpected(failure(core::ErrorCode::kIo, fmt::format("{}: cannot put the copy in place: {}", file, ec.message())));
  }
  report.bytes = static_cast<std::int64_t>(fs::file_size(file, ec));
  return report;
}

core::Result<BackupReport> restore_desk(const std::string& file, const std::string& location) {
  ND_TRY_ASSIGN(path, sqlite_path(location, "is restored"));
  std::error_code ec;
  if (!fs::exists(file, ec)) return tl::unexpected(failure(core::ErrorCode::kNotFound, fmt::format("{}: no such backup", file)));
  ND_TRY_ASSIGN(backup, Database::open(file));
  auto intact = integer(*backup, "SELECT count(*) FROM pragma_quick_check WHERE quick_check <> 'ok'");
  if (!intact) return tl::unexpected(failure(core::ErrorCode::kInvalidInput, fmt::format("{}: not an SQLite database", file)));
  if (*intact != 0) return tl::unexpected(failure(core::ErrorCode::kInvalidInput, fmt::format("{}: damaged (quick_check)", file)));
  auto version = integer(*backup, "SELECT max(version) FROM schema_migrations");
  if (!version) return tl::unexpected(failure(core::ErrorCode::kInvalidInput, fmt::format("{}: not a newsdesk store", file)));
  const int known = sqlite_migrations().back().version;
  if (*version > known) {
    return tl::unexpected(failure(core::ErrorCode::kInvalidInput,
                                  fmt::format("{}: schema version {} is newer than this newsdesk's {}", file, *version, known)));
  }
  BackupReport report;
  report.schema_version = static_cast<int>(*version);
  {
    // The desk's lock for this process alone: refused while serve, a worker
    // or any other connection has the desk open (in WAL mode each holds a
    // shared lock as long as it is open). Kept until the copy is written.
    ND_TRY_ASSIGN(desk, Database::open(*path));
    sqlite3_busy_timeout(desk->handle(), 0);  // in use is in use: no waiting for it
    ND_TRY(desk->exec("PRAGMA locking_mode=EXCLUSIVE"));
    if (!desk->exec("BEGIN EXCLUSIVE; COMMIT;")) {
      return tl::unexpected(failure(core::ErrorCode::kRefused,
                                    fmt::format("{}: in use (serve, a worker or another newsdesk has it open): stop it, then restore", *path)));
    }
    ND_TRY_ASSIGN(pages, copy_pages(backup->handle(), desk->handle(), *path));
    report.pages = *pages;
    ND_TRY(desk->exec("PRAGMA journal_mode=WAL"));  // as newsdesk runs its desks
  }  // closed: the lock goes with it
  report.bytes = static_cast<std::int64_t>(fs::file_size(*path, ec));
  return report;
}

}  // namespace newsdesk::store
