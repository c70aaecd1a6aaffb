// A desk as tables of rows, for copying a whole desk from one backend to the
// other (desk_copy.cpp). Internal to store/: the repositories speak in the
// desk's value types; this speaks in rows, so that one list of tables serves
// both directions and each backend only says how it reads and writes a row.
//
// A DeskTables is one connection of its own, used from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"

namespace newsdesk::store {

// What a column holds, as far as the two backends differ in saying it:
// a flag is INTEGER 0/1 in SQLite and BOOLEAN in PostgreSQL; bytes are
// TEXT/BLOB in SQLite and BYTEA in PostgreSQL (kept exactly on both).
enum class ColumnKind { kInteger, kReal, kText, kFlag, kBytes };

struct DeskColumn {
  std::string_view name;
  ColumnKind kind;
};

// What a target may already hold of a table before the copy.
enum class TargetRows {
  kMustBeEmpty,  // a target holding any row is not a fresh desk: refused
  kReplaced,     // the source's rows replace the target's (settings: the
                 // link secret must be the source's, or sent links break)
};

struct DeskTable {
  std::string_view name;
  std::vector<DeskColumn> columns;  // every column the copy carries, the key first
  std::string_view order_by;        // the key, for reading in a stable order
  // The column PostgreSQL generates ids for ("id"), whose sequence must pass
  // the highest copied id; "" when ids are assigned otherwise.
  std::string_view identity;
  // A column pointing at another row of the same table ("copy_of"): written
  // NULL with the row and set once every row is in, so that a row may point
  // at one copied after it. "" when none. The table's key is then "id".
  std::string_view self_reference;
  TargetRows target_rows = TargetRows::kMustBeEmpty;
};

// Every table of a desk, parents before children (foreign keys hold after
// each row). The same tables and columns on both backends (docs/schema.md).
const std::vector<DeskTable>& desk_tables();

// What a database holds that the copy leaves out on purpose: each side's
// own migration record and the derived search index (SQLite's FTS5 tables,
// PostgreSQL's article_search), which the target's triggers rebuild.
bool is_derived_table(std::string_view table);

// A value of a row: NULL, an integer (also a flag, 0 or 1), a real, or
// text (also bytes).
using DeskValue = std::variant<std::monostate, std::int64_t, double, std::string>;
using DeskRow = std::vector<DeskValue>;  // in the order of DeskTable::columns

// One backend's side of a copy: reading a desk's tables, or writing them.
class DeskTables {
 public:
  virtual ~DeskTables() = default;

  // Which desk this is, for messages ("the desk in FILE", "the desk in the
  // PostgreSQL database "NAME" at HOST:PORT"; never a password).
  virtual const std::string& where() const = 0;
  // The tables the database holds and their columns (derived ones too).
  virtual core::Result<std::map<std::string, std::vector<std::string>>> schema() = 0;

  // Starts a read-only snapshot: every later read and count sees the desk
  // as it was then, whatever writes others make meanwhile.
  virtual core::Result<void> begin_reading() = 0;
  // Starts the one transaction every write of the copy goes into.
  virtual core::Result<void> begin_writing() = 0;
  // Ends the transaction: the writes are kept (kDatabase when they were not).
  virtual core::Result<void> commit() = 0;
  // Ends the transaction, dropping every write; never fails.
  virtual void rollback() = 0;

  virtual core::Result<std::int64_t> count(const DeskTable& table) = 0;
  // Calls `each` with every row of `table` in key order, reading a page at a
  // time (a desk's articles, full text and HTML, are not held in memory at
  // once). Stops at the first error `each` returns, and returns it.
  virtual core::Result<void> read(const DeskTable& table,
                                  const std::function<core::Result<void>(const DeskRow&)>& each) = 0;

  // Removes every row of `table`.
  virtual core::Result<void> clear(const DeskTable& table) = 0;
  // Adds a row with its key as given. It may be held for a batch until
  // finish_table, so a constraint it breaks may be reported there.
  virtual core::Result<void> insert(const DeskTable& table, const DeskRow& row) = 0;
  // Writes the rows insert holds, and readies the table for new rows: the
  // next generated id comes after the highest copied one.
  virtual core::Result<void> finish_table(const DeskTable& table) = 0;
  // Sets the self-reference column of the row `id` to `target`.
  virtual core::Result<void> set_self_reference(const DeskTable& table, std::int64_t id, std::int64_t target) = 0;
};

// Opens a connection of its own to a desk whose schema is up to date (opened
// through open_store first). kDatabase with the backend's message on failure.
core::Result<std::unique_ptr<DeskTables>> open_sqlite_desk_tables(const std::string& path);
core::Result<std::unique_ptr<DeskTables>> open_postgresql_desk_tables(const std::string& url);

}  // namespace newsdesk::store
