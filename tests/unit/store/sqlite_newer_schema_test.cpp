// An SQLite desk written by a newer newsdesk is refused, and left as it was.
// (The test writes the newer version with SQLite itself: the store would
// never write one it does not know.)
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/migrations.hpp"
#include "store/store.hpp"
#include "test_store.hpp"

using namespace newsdesk;

namespace {

int count_rows(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  int n = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) n = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
  }
  sqlite3_close(db);
  return n;
}

}  // namespace

TEST(SqliteStore, ADeskAtANewerSchemaThanKnownIsRefusedAndLeftAsItWas) {
  auto scratch = test_support::ScratchDatabase::create("sqlite");
  ASSERT_TRUE(scratch) << scratch.error().message;
  const std::string path = (*scratch)->location();
  ASSERT_TRUE(store::open_store(path));  // made at the version this binary knows
  const int newer = store::sqlite_migrations().back().version + 1;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string insert =
      "INSERT INTO schema_migrations(version, description) VALUES (" + std::to_string(newer) + ", 'from the future')";
  ASSERT_EQ(sqlite3_exec(db, insert.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  const int migrations_before = count_rows(path, "SELECT count(*) FROM schema_migrations");

  auto opened = store::open_store(path);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, core::ErrorCode::kDatabase);
  EXPECT_NE(opened.error().message.find("version " + std::to_string(newer)), std::string::npos) << opened.error().message;
  EXPECT_NE(opened.error().message.find("newer than this newsdesk knows"), std::string::npos) << opened.error().message;
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM schema_migrations"), migrations_before) << "nothing written";
}
