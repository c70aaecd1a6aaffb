// Backing up and restoring an SQLite desk while it may be running. A
// PostgreSQL desk is backed up with the server's own tools (pg_dump /
// pg_restore); these say so rather than half-doing it.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.hpp"

namespace newsdesk::store {

struct BackupReport {
  std::int64_t pages = 0;       // database pages copied
  std::int64_t bytes = 0;       // the copy's size
  int schema_version = 0;       // the desk's schema version in the copy
};

// Writes a consistent copy of the desk at `location` to `file` with SQLite's
// online backup API: one read snapshot (WAL readers do not stop `serve`'s
// writes, nor do its writes tear the copy), written beside `file` and renamed
// into place, in rollback-journal mode so that the copy is one file.
// kInvalidInput when `file` exists (nothing is overwritten) or `location` is
// a PostgreSQL URL (the message gives the pg_dump command); kDatabase naming
// the path when a file cannot be read or written.
core::Result<BackupReport> backup_desk(const std::string& location, const std::string& file);

// Replaces the desk at `location` (an SQLite file, made when missing) with
// the backup `file`, after checking that `file` is an intact newsdesk store
// no newer than this program. Refuses (kRefused, naming the path) while
// any other process has the desk open: it takes the desk's file lock for
// itself first, and keeps it until the copy is written.
core::Result<BackupReport> restore_desk(const std::string& file, const std::string& location);

}  // namespace newsdesk::store
