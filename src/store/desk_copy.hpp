// Copying a whole desk from one store to another, either backend to either
// (SQLite → PostgreSQL to move a desk onto a server, and back). Every table
// is copied with its ids, so story pages, edition archives and the links in
// mail already sent (signed with the desk's "links" secret, copied too) keep
// working on the copy. Not copied: the search index, which the target's own
// triggers build as the articles go in.
//
// Runs on the calling thread; opens connections of its own to both stores.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace newsdesk::store {

struct TableCount {
  std::string table;
  std::int64_t rows = 0;
};

struct CopyReport {
  int schema_version = 0;          // both stores' (the source's, migrated if it was older)
  std::vector<TableCount> tables;  // every table copied, in copy order, with its rows
};

// Where a copy is: `copied` rows of `table` written so far, of `total`.
struct CopyProgress {
  std::string_view table;
  std::int64_t copied = 0;
  std::int64_t total = 0;
};
using CopyProgressFn = std::function<void(const CopyProgress&)>;

// Copies the desk at `from` into the desk at `to` (each a location as
// open_store reads it: a postgresql:// URL or an SQLite path). Both are
// opened through open_store first, so both are migrated to this binary's
// schema (a store newer than the binary is refused there). The target must
// be a fresh desk: every table empty, except settings, which the source's
// replace.
//
// All or nothing: the copy is one transaction on the target, read from one
// snapshot of the source; after writing, every table is counted on both
// sides and any difference rolls it back. PostgreSQL's id sequences are set
// past the highest copied id, so new rows get fresh ids. `progress`, when
// given, hears after each table and every 10,000 rows.
//
// Returns the table counts. kInvalidInput when both name the same store, or
// the target is not empty (nothing written); kNotFound when the source
// SQLite file does not exist; kDatabase with the backend's message when a
// store cannot be opened or read, a row cannot be written, the counts
// differ, or a database holds a table or column the copy does not know.
core::Result<CopyReport> copy_desk(const std::string& from, const std::string& to,
                                   const CopyProgressFn& progress = {});

}  // namespace newsdesk::store
