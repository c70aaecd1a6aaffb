// The PostgreSQL side of a desk copy: rows read through a cursor a page at a
// time (a plain SELECT would bring the whole table into memory at once),
// written in multi-row INSERTs of up to kBatchRows rows (one round trip per
// row would make a large desk's copy wait on the network), all in one
// transaction.
#include <fmt/format.h>

#include "core/strings.hpp"
#include "store/desk_tables.hpp"
#include "store/pg_repositories.hpp"
#include "store/search_vector.hpp"

namespace newsdesk::store {
namespace {

constexpr int kPageRows = 200;             // rows per FETCH
constexpr size_t kBatchRows = 200;         // rows per INSERT at most
constexpr size_t kBatchBytes = 8u << 20;   // and about this much text at most

std::string column_list(const DeskTable& table) {
  std::vector<std::string> names;
  for (const DeskColumn& c : table.columns) names.emplace_back(c.name);
  return core::join(names, ", ");
}

PgParam to_param(const DeskValue& value, ColumnKind kind) {
  if (std::holds_alternative<std::monostate>(value)) return PgParam(std::nullopt);
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    return kind == ColumnKind::kFlag ? PgParam(*i != 0) : PgParam(*i);
  }
  if (const auto* d = std::get_if<double>(&value)) return PgParam(*d);
  const std::string& s = std::get<std::string>(value);
  return kind == ColumnKind::kBytes ? PgParam::bytes(s) : PgParam(s);
}

class PgDeskTables final : public DeskTables {
 public:
  PgDeskTables(PgConnection db, std::string where) : db_(std::move(db)), where_(std::move(where)) {}
  ~PgDeskTables() override { rollback(); }
  PgDeskTables(const PgDeskTables&) = delete;
  PgDeskTables& operator=(const PgDeskTables&) = delete;

  const std::string& where() const override { return where_; }

  Result<std::map<std::string, std::vector<std::string>>> schema() override {
    ND_PG_QUERY(q, db_, R"sql(SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position)sql");
    std::map<std::string, std::vector<std::string>> out;
    for (PgRow row : q) out[row.text(0)].push_back(row.text(1));
    return out;
  }

  Result<void> begin_reading() override {
    // One snapshot for every table and count, even while the desk runs.
    ND_TRY(db_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    in_transaction_ = true;
    return {};
  }
  Result<void> begin_writing() override {
    ND_TRY(db_.exec("BEGIN"));
    in_transaction_ = true;
    return {};
  }
  Result<void> commit() override {
    in_transaction_ = false;
    ND_TRY_ASSIGN(done, db_.exec("COMMIT"));
    if (done->command() != "COMMIT") {
      return core::fail(core::ErrorCode::kDatabase, "the transaction was rolled back: a statement in it had failed");
    }
    return {};
  }
  void rollback() override {
    if (!in_transaction_) return;
    (void)db_.exec("ROLLBACK");
    in_transaction_ = false;
    batch_.clear();
  }

  Result<std::int64_t> count(const DeskTable& table) override {
    ND_PG_QUERY(q, db_, fmt::format("SELECT count(*) FROM {}", table.name));
    return q.front().integer(0);
  }

  Result<void> read(const DeskTable& table, const std::function<Result<void>(const DeskRow&)>& each) override {
    ND_TRY(db_.exec(fmt::format("DECLARE desk_rows NO SCROLL CURSOR FOR SELECT {} FROM {} ORDER BY {}",
                                column_list(table), table.name, table.order_by)));
    auto read = read_pages(table, each);
    (void)db_.exec("CLOSE desk_rows");
    return read;
  }

  Result<void> clear(const DeskTable& table) override {
    return db_.exec(fmt::format("DELETE FROM {}", table.name)).map([](const PgRows&) {});
  }

  Result<void> insert(const DeskTable& table, const DeskRow& row) override {
    for (size_t i = 0; i < row.size(); ++i) {
      batch_.push_back(to_param(row[i], table.columns[i].kind));
      batch_bytes_ += static_cast<size_t>(batch_.back().length());
    }
    if (table.name == "articles") add_search_vector(table, row);
    if (batch_.size() / table.columns.size() >= kBatchRows || batch_bytes_ >= kBatchBytes) return flush(table);
    return {};
  }

  Result<void> finish_table(const DeskTable& table) override {
    ND_TRY(flush(table));
    if (table.identity.empty()) return {};
    // Rows kept their ids: the identity would otherwise hand out 1, 2, ...
    // again and the next new row would collide with a copied one.
    ND_TRY(db_.query(fmt::format("SELECT setval(pg_get_serial_sequence('{0}', '{1}'), m) "
                                 "FROM (SELECT max({1}) AS m FROM {0}) AS highest WHERE m IS NOT NULL",
                                 table.name, table.identity)));
    return {};
  }

  Result<void> set_self_reference(const DeskTable& table, std::int64_t id, std::int64_t target) override {
    ND_TRY(db_.query(fmt::format("UPDATE {} SET {} = $1 WHERE id = $2", table.name, table.self_reference),
                     {target, id}));
    return {};
  }

 private:
  Result<void> read_pages(const DeskTable& table, const std::function<Result<void>(const DeskRow&)>& each) {
    const std::string fetch = fmt::format("FETCH {} FROM desk_rows", kPageRows);
    DeskRow values(table.columns.size());
    for (;;) {
      ND_TRY_ASSIGN(page, db_.exec(fetch));
      if (page->empty()) return {};
      for (PgRow row : *page) {
        for (size_t i = 0; i < table.columns.size(); ++i) {
          const int col = static_cast<int>(i);
          if (row.is_null(col)) {
            values[i] = std::monostate();
            continue;
          }
          switch (table.columns[i].kind) {
            case ColumnKind::kInteger: values[i] = row.integer(col); break;
            case ColumnKind::kFlag: values[i] = std::int64_t{row.boolean(col) ? 1 : 0}; break;
            case ColumnKind::kReal: values[i] = row.real(col); break;
            case ColumnKind::kText: values[i] = row.text(col); break;
            case ColumnKind::kBytes: values[i] = row.bytes(col); break;
          }
        }
        ND_TRY(each(values));
      }
    }
  }

  // Writes the rows held for `table` in one INSERT.
  Result<void> flush(const DeskTable& table) {
    if (batch_.empty()) return {};
    const size_t width = table.columns.size();
    const size_t rows = batch_.size() / width;
    std::string sql = fmt::format("INSERT INTO {} ({}) VALUES ", table.name, column_list(table));
    for (size_t r = 0; r < rows; ++r) {
      sql += r == 0 ? "(" : ",(";
      for (size_t c = 0; c < width; ++c) sql += fmt::format("{}${}", c == 0 ? "" : ",", r * width + c + 1);
      sql += ")";
    }
    auto written = db_.query(sql, batch_);
    batch_.clear();
    batch_bytes_ = 0;
    if (!written) return tl::unexpected(written.error());
    return flush_search_vectors();
  }

  // An article's search vector, made as PgArticles::add makes it (no trigger
  // does: search_vector.hpp), written after the articles of its batch.
  void add_search_vector(const DeskTable& table, const DeskRow& row) {
    auto column = [&](std::string_view name) -> const DeskValue* {
      for (size_t i = 0; i < table.columns.size(); ++i) {
        if (table.columns[i].name == name) return &row[i];
      }
      return nullptr;
    };
    auto text_of = [](const DeskValue* v) -> std::string_view {
      const auto* s = v != nullptr ? std::get_if<std::string>(v) : nullptr;
      return s != nullptr ? std::string_view(*s) : std::string_view();
    };
    const DeskValue* id = column("id");
    if (id == nullptr || !std::holds_alternative<std::int64_t>(*id)) return;
    search_batch_.emplace_back(std::get<std::int64_t>(*id));
    search_batch_.emplace_back(search_vector(text_of(column("title")), text_of(column("text"))));
  }

  Result<void> flush_search_vectors() {
    if (search_batch_.empty()) return {};
    std::string sql = "INSERT INTO article_search(article_id, search) VALUES ";
    for (size_t r = 0; r < search_batch_.size() / 2; ++r) {
      sql += fmt::format("{}(${}, ${}::tsvector)", r == 0 ? "" : ",", 2 * r + 1, 2 * r + 2);
    }
    auto written = db_.query(sql, search_batch_);
    search_batch_.clear();
    if (!written) return tl::unexpected(written.error());
    return {};
  }

  PgConnection db_;
  std::string where_;
  bool in_transaction_ = false;
  std::vector<PgParam> batch_;  // the rows insert holds, column after column
  std::vector<PgParam> search_batch_;  // the articles' ids and search vectors, pair after pair
  size_t batch_bytes_ = 0;
};

}  // namespace

Result<std::unique_ptr<DeskTables>> open_postgresql_desk_tables(const std::string& url) {
  ND_TRY_ASSIGN(target, parse_postgresql_url(url));
  ND_TRY_ASSIGN(db, PgConnection::connect(url));
  std::string where = fmt::format("the desk in the PostgreSQL database \"{}\" at {}", target->dbname, target->where());
  return std::unique_ptr<DeskTables>(std::make_unique<PgDeskTables>(std::move(*db), std::move(where)));
}

}  // namespace newsdesk::store
