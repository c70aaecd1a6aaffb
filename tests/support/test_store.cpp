#include "test_store.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

namespace newsdesk::test_support {
namespace {

struct PgFinish {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgClear {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Connection = std::unique_ptr<PGconn, PgFinish>;
using Rows = std::unique_ptr<PGresult, PgClear>;

std::atomic<int> scratch_count{0};

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// The test server's admin URL, from the file NEWSDESK_TEST_POSTGRESQL names.
core::Result<std::string> admin_url() {
  const char* file = std::getenv("NEWSDESK_TEST_POSTGRESQL");
  const std::string how =
      "ctest starts one (the postgresql fixture); by hand: tests/support/pg_server start DIR, then "
      "NEWSDESK_TEST_POSTGRESQL=DIR/url";
  if (file == nullptr || *file == '\0') {
    return core::fail(core::ErrorCode::kDatabase, "NEWSDESK_TEST_POSTGRESQL is not set, so there is no test PostgreSQL "
                                                  "server to use: " + how);
  }
  std::ifstream in(file);
  std::string url;
  if (!in || !std::getline(in, url) || trimmed(url).empty()) {
    return core::fail(core::ErrorCode::kDatabase,
                      fmt::format("the test PostgreSQL server's URL file {} cannot be read (did the server start?): {}",
                                  file, how));
  }
  return trimmed(url);
}

core::Result<Connection> connect(const std::string& url) {
  Connection conn(PQconnectdb(url.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    return core::fail(core::ErrorCode::kDatabase,
                      fmt::format("cannot reach the test PostgreSQL server at {}: {}", url,
                                  conn ? trimmed(PQerrorMessage(conn.get())) : "out of memory"));
  }
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

core::Result<std::string> run(PGconn* conn, const std::string& sql) {
  Rows rows(PQexec(conn, sql.c_str()));
  const ExecStatusType status = rows ? PQresultStatus(rows.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return core::fail(core::ErrorCode::kDatabase,
                      fmt::format("{} (in: {})", trimmed(PQerrorMessage(conn)), sql));
  }
  if (PQntuples(rows.get()) == 0 || PQnfields(rows.get()) == 0) return std::string();
  return std::string(PQgetvalue(rows.get(), 0, 0));
}

// `url` naming `database` instead of the one it names.
std::string with_database(const std::string& url, const std::string& database) {
  const size_t authority = url.find("://");
  const size_t query = url.find('?');
  const std::string base = url.substr(0, query);
  const std::string options = query == std::string::npos ? "" : url.substr(query);
  const size_t slash = base.find('/', authority == std::string::npos ? 0 : authority + 3);
  return (slash == std::string::npos ? base : base.substr(0, slash)) + "/" + database + options;
}

}  // namespace

const std::vector<std::string>& store_backends() {
  static const std::vector<std::string> kBackends = {"sqlite", "postgresql"};
  return kBackends;
}

core::Result<std::unique_ptr<ScratchDatabase>> ScratchDatabase::create(const std::string& backend) {
  std::unique_ptr<ScratchDatabase> scratch(new ScratchDatabase());
  scratch->backend_ = backend;
  const int n = scratch_count++;
  if (backend == "sqlite") {
    scratch->folder_ = std::filesystem::temp_directory_path() / fmt::format("newsdesk-scratch-{}-{}", ::getpid(), n);
    std::error_code ec;
    std::filesystem::remove_all(scratch->folder_, ec);
    std::filesystem::create_directories(scratch->folder_, ec);
    if (ec) return core::fail(core::ErrorCode::kIo, fmt::format("{}: {}", scratch->folder_.string(), ec.message()));
    scratch->location_ = (scratch->folder_ / "desk.db").string();
    return scratch;
  }
  if (backend != "postgresql") {
    return core::fail(core::ErrorCode::kInvalidInput, "no store backend called \"" + backend + "\"");
  }
  ND_TRY_ASSIGN(admin, admin_url());
  ND_TRY_ASSIGN(conn, connect(*admin));
  const std::string database = fmt::format("nd_{}_{}", ::getpid(), n);
  ND_TRY(run(conn->get(), fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", database)));  // a crashed run's
  ND_TRY(run(conn->get(), fmt::format("CREATE DATABASE {} ENCODING 'UTF8'", database)));
  scratch->admin_url_ = *admin;
  scratch->database_ = database;
  scratch->location_ = with_database(*admin, database);
  return scratch;
}

ScratchDatabase::~ScratchDatabase() {
  if (!folder_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(folder_, ec);
  }
  if (!database_.empty()) {
    auto conn = connect(admin_url_);
    if (conn) (void)run(conn->get(), fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", database_));
  }
}

core::Result<std::string> ScratchDatabase::run_sql(const std::string& sql) const {
  if (database_.empty()) return core::fail(core::ErrorCode::kInvalidInput, "run_sql is for PostgreSQL scratch databases");
  ND_TRY_ASSIGN(conn, connect(location_));
  return run(conn->get(), sql);
}

}  // namespace newsdesk::test_support
