// The copy of a whole desk: the tables of desk_tables() in order, each read
// from the source's snapshot and written into the target's one transaction,
// then counted on both sides before the commit.
#include "store/desk_copy.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "store/desk_tables.hpp"
#include "store/store.hpp"
#include "store/store_location.hpp"

namespace newsdesk::store {
namespace {

using core::ErrorCode;

constexpr std::int64_t kProgressEvery = 10'000;

// Opens the store the way every command does, which applies its pending
// migrations (and refuses one newer than this binary), and says which
// schema version it is at.
Result<int> migrated_version(const std::string& location) {
  ND_TRY_ASSIGN(store, open_store(location));
  return (*store)->schema_version();
}

Result<std::unique_ptr<DeskTables>> open_tables(const StoreLocation& at) {
  return at.backend == StoreLocation::Backend::kPostgresql ? open_postgresql_desk_tables(at.target)
                                                           : open_sqlite_desk_tables(at.target);
}

bool same_store(const StoreLocation& a, const StoreLocation& b) {
  if (a.backend != b.backend) return false;
  if (a.backend == StoreLocation::Backend::kPostgresql) return a.target == b.target;
  std::error_code ignored;
  return std::filesystem::weakly_canonical(a.target, ignored) == std::filesystem::weakly_canonical(b.target, ignored);
}

const DeskTable* known_table(std::string_view name) {
  for (const DeskTable& t : desk_tables()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

bool has_column(const DeskTable& table, std::string_view name) {
  return std::ranges::any_of(table.columns, [&](const DeskColumn& c) { return c.name == name; });
}

// The database holds exactly the tables and columns the copy carries (and
// derived ones): a column added by a migration but not to desk_tables()
// would otherwise be left behind without a word.
Result<void> check_schema(DeskTables& db) {
  ND_TRY_ASSIGN(held, db.schema());
  for (const auto& [name, columns] : *held) {
    if (is_derived_table(name)) continue;
    const DeskTable* table = known_table(name);
    if (table == nullptr) {
      return core::fail(ErrorCode::kDatabase,
                        fmt::format("{} has a table \"{}\" this newsdesk cannot copy", db.where(), name));
    }
    for (const std::string& column : columns) {
      if (has_column(*table, column)) continue;
      return core::fail(ErrorCode::kDatabase, fmt::format("{} has a column \"{}.{}\" this newsdesk "
                                                          "cannot copy", db.where(), name, column));
    }
  }
  for (const DeskTable& table : desk_tables()) {
    auto found = held->find(std::string(table.name));
    for (const DeskColumn& column : table.columns) {
      if (found == held->end() || std::ranges::find(found->second, column.name) == found->second.end()) {
        return core::fail(ErrorCode::kDatabase, fmt::format("{} has no column \"{}.{}\"", db.where(),
                                                            table.name, column.name));
      }
    }
  }
  return {};
}

// A fresh desk holds nothing but what its migrations made (and perhaps a
// secret made on first use, which the source's replaces).
Result<void> check_empty(DeskTables& target) {
  std::vector<std::string> held;
  for (const DeskTable& table : desk_tables()) {
    if (table.target_rows != TargetRows::kMustBeEmpty) continue;
    ND_TRY_ASSIGN(rows, target.count(table));
    if (*rows > 0) held.push_back(fmt::format("{} {}", *rows, table.name));
  }
  if (held.empty()) return {};
  return core::fail(ErrorCode::kInvalidInput,
                    fmt::format("{} is not empty (it holds {}): copy into a fresh desk (a new SQLite file, "
                                "or a new PostgreSQL database); nothing was written",
                                target.where(), core::join(held, ", ")));
}

// Copies one table's rows; returns how many. Self-references are written
// NULL with their row and set once every row is in.
Result<std::int64_t> copy_table(DeskTables& from, DeskTables& to, const DeskTable& table, std::int64_t total,
                                const CopyProgressFn& progress) {
  if (table.target_rows == TargetRows::kReplaced) ND_TRY(to.clear(table));
  size_t reference = table.columns.size();  // none
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (!table.self_reference.empty() && table.columns[i].name == table.self_reference) reference = i;
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> references;  // (id, what it points at): ids only, small
  std::int64_t copied = 0;
  DeskRow without_reference;
  ND_TRY(from.read(table, [&](const DeskRow& row) -> Result<void> {
    if (reference < row.size() && std::holds_alternative<std::int64_t>(row[reference])) {
      references.emplace_back(std::get<std::int64_t>(row[0]), std::get<std::int64_t>(row[reference]));
      without_reference = row;
      without_reference[reference] = std::monostate();
      ND_TRY(to.insert(table, without_reference));
    } else {
      ND_TRY(to.insert(table, row));
    }
    if (++copied % kProgressEvery == 0 && progress) progress({table.name, copied, total});
    return {};
  }));
  ND_TRY(to.finish_table(table));
  for (const auto& [id, target] : references) ND_TRY(to.set_self_reference(table, id, target));
  if (progress) progress({table.name, copied, total});
  return copied;
}

Result<CopyReport> copy_tables(DeskTables& from, DeskTables& to, const CopyProgressFn& progress) {
  ND_TRY(from.begin_reading());
  ND_TRY(to.begin_writing());
  ND_TRY(check_empty(to));
  CopyReport report;
  for (const DeskTable& table : desk_tables()) {
    ND_TRY_ASSIGN(total, from.count(table));
    ND_TRY(copy_table(from, to, table, *total, progress));
    report.tables.push_back({std::string(table.name), *total});
  }
  // Counted again on both sides once everything is in: a row a trigger, a
  // conflict or a cascade dropped or added shows here, before the commit.
  std::vector<std::string> differences;
  for (const DeskTable& table : desk_tables()) {
    ND_TRY_ASSIGN(source_rows, from.count(table));
    ND_TRY_ASSIGN(target_rows, to.count(table));
    if (*source_rows != *target_rows) {
      differences.push_back(fmt::format("{}: {} in the source, {} in the copy", table.name, *source_rows, *target_rows));
    }
  }
  if (!differences.empty()) {
    return core::fail(ErrorCode::kDatabase, fmt::format("the copy does not hold what the source holds ({}); nothing "
                                                        "was written", core::join(differences, "; ")));
  }
  ND_TRY(to.commit());
  from.rollback();  // the source was only read
  return report;
}

}  // namespace

Result<CopyReport> copy_desk(const std::string& from, const std::string& to, const CopyProgressFn& progress) {
  ND_TRY_ASSIGN(source, parse_store_location(from));
  ND_TRY_ASSIGN(target, parse_store_location(to));
  if (same_store(*source, *target)) {
    return core::fail(ErrorCode::kInvalidInput, fmt::format("{} is both the source and the target of the copy", from));
  }
  if (source->backend == StoreLocation::Backend::kSqlite && !std::filesystem::exists(source->target)) {
    return core::fail(ErrorCode::kNotFound, fmt::format("{}: no such desk (the file does not exist)", source->target));
  }
  ND_TRY_ASSIGN(source_version, migrated_version(from));
  ND_TRY_ASSIGN(target_version, migrated_version(to));
  if (*source_version != *target_version) {
    return core::fail(ErrorCode::kDatabase,
                      fmt::format("the source's schema is at version {} and the target's at {}; they must agree",
                                  *source_version, *target_version));
  }
  ND_TRY_ASSIGN(reader, open_tables(*source));
  ND_TRY_ASSIGN(writer, open_tables(*target));
  ND_TRY(check_schema(**reader));
  ND_TRY(check_schema(**writer));
  // On failure the connections roll back as they close: the target is left
  // as it was.
  ND_TRY_ASSIGN(report, copy_tables(**reader, **writer, progress));
  report->schema_version = *source_version;
  return report;
}

}  // namespace newsdesk::store
