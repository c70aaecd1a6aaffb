// The SQLite side of a desk copy: rows read by stepping one statement per
// table (SQLite hands them over one at a time), written one prepared
// INSERT per row inside one IMMEDIATE transaction.
#include <fmt/format.h>

#include "core/strings.hpp"
#include "store/desk_tables.hpp"
#include "store/sqlite_repositories.hpp"

namespace newsdesk::store {
namespace {

std::string column_list(const DeskTable& table) {
  std::vector<std::string> names;
  for (const DeskColumn& c : table.columns) names.emplace_back(c.name);
  return core::join(names, ", ");
}

class SqliteDeskTables final : public DeskTables {
 public:
  SqliteDeskTables(Database db, std::string where) : db_(std::move(db)), where_(std::move(where)) {}
  ~SqliteDeskTables() override { rollback(); }
  SqliteDeskTables(const SqliteDeskTables&) = delete;
  SqliteDeskTables& operator=(const SqliteDeskTables&) = delete;

  const std::string& where() const override { return where_; }

  Result<std::map<std::string, std::vector<std::string>>> schema() override {
    ND_PREPARE(q, db_, R"sql(SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
      WHERE m.type = 'table' ORDER BY m.name, p.cid)sql");
    std::map<std::string, std::vector<std::string>> out;
    for (;;) {
      ND_TRY_ASSIGN(row, q.step());
      if (!*row) break;
      out[q.text(0)].push_back(q.text(1));
    }
    return out;
  }

  Result<void> begin_reading() override {
    ND_TRY(db_.exec("BEGIN"));
    in_transaction_ = true;
    // A deferred transaction takes its snapshot at its first read.
    ND_PREPARE(q, db_, "SELECT count(*) FROM sqlite_master");
    return q.run();
  }
  Result<void> begin_writing() override {
    ND_TRY(db_.exec("BEGIN IMMEDIATE"));
    in_transaction_ = true;
    return {};
  }
  Result<void> commit() override {
    ND_TRY(db_.exec("COMMIT"));
    in_transaction_ = false;
    return {};
  }
  void rollback() override {
    if (!in_transaction_) return;
    (void)db_.exec("ROLLBACK");
    in_transaction_ = false;
  }

  Result<std::int64_t> count(const DeskTable& table) override {
    ND_PREPARE(q, db_, fmt::format("SELECT count(*) FROM {}", table.name));
    ND_TRY(q.step());
    return q.integer(0);
  }

  Result<void> read(const DeskTable& table, const std::function<Result<void>(const DeskRow&)>& each) override {
    ND_PREPARE(q, db_, fmt::format("SELECT {} FROM {} ORDER BY {}", column_list(table), table.name, table.order_by));
    DeskRow row(table.columns.size());
    for (;;) {
      ND_TRY_ASSIGN(more, q.step());
      if (!*more) return {};
      for (size_t i = 0; i < table.columns.size(); ++i) {
        const int col = static_cast<int>(i);
        if (q.is_null(col)) {
          row[i] = std::monostate();
          continue;
        }
        switch (table.columns[i].kind) {
          case ColumnKind::kInteger:
          case ColumnKind::kFlag: row[i] = q.integer(col); break;
          case ColumnKind::kReal: row[i] = q.real(col); break;
          case ColumnKind::kText:
          case ColumnKind::kBytes: row[i] = q.text(col); break;
        }
      }
      ND_TRY(each(row));
    }
  }

  Result<void> clear(const DeskTable& table) override { return db_.exec(fmt::format("DELETE FROM {}", table.name)); }

  Result<void> insert(const DeskTable& table, const DeskRow& row) override {
    std::string marks;
    for (size_t i = 0; i < table.columns.size(); ++i) marks += i == 0 ? "?" : ",?";
    ND_PREPARE(q, db_, fmt::format("INSERT INTO {} ({}) VALUES ({})", table.name, column_list(table), marks));
    for (size_t i = 0; i < row.size(); ++i) {
      const int at = static_cast<int>(i) + 1;
      // Bytes are bound as text, as the bounce repository writes them.
      std::visit([&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::monostate>) q.bind(at, std::nullopt);
        else q.bind(at, v);
      }, row[i]);
    }
    return q.run();
  }

  Result<void> finish_table(const DeskTable& /*table*/) override {
    return {};  // rows went in as they came; an INTEGER PRIMARY KEY continues after the largest id by itself
  }

  Result<void> set_self_reference(const DeskTable& table, std::int64_t id, std::int64_t target) override {
    ND_PREPARE(q, db_, fmt::format("UPDATE {} SET {} = ? WHERE id = ?", table.name, table.self_reference));
    q.bind(1, target).bind(2, id);
    return q.run();
  }

 private:
  Database db_;
  std::string where_;
  bool in_transaction_ = false;
};

}  // namespace

Result<std::unique_ptr<DeskTables>> open_sqlite_desk_tables(const std::string& path) {
  ND_TRY_ASSIGN(db, Database::open(path));
  // The target's foreign keys are checked as rows go in: a copy never
  // writes a desk the store itself could not have written.
  ND_TRY(db->exec("PRAGMA foreign_keys = ON"));
  return std::unique_ptr<DeskTables>(std::make_unique<SqliteDeskTables>(std::move(*db), "the desk in " + path));
}

}  // namespace newsdesk::store
