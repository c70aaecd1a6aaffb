// What an operator reads when the SQLite desk's file or disk is the
// trouble: the file's path and what is wrong, and nothing half-written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "store/sqlite_db.hpp"
#include "store/store.hpp"
#include "test_store.hpp"

using namespace newsdesk;

namespace {

std::string scratch_path(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("newsdesk-sqlite-errors-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

}  // namespace

TEST(SqliteErrors, AFileThatIsNoDatabaseIsNamed) {
  const std::string path = scratch_path("notes.db");
  std::ofstream(path) << "Shopping list: rope, lamp oil, a second lamp. Not a database, though long enough to look like one.\n";
  auto opened = store::open_store(path);
  ASSERT_FALSE(opened) << "a text file was taken for a desk";
  EXPECT_NE(opened.error().message.find(path + ": file is not a database"), std::string::npos) << opened.error().message;
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first.rfind("Shopping list", 0), 0u) << "the file was changed";
}

TEST(SqliteErrors, AFullDiskIsNamedAndTheTransactionLeavesNothingHalfWritten) {
  const std::string path = scratch_path("full.db");
  std::filesystem::remove(path);
  auto db = store::Database::open(path);
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE(db->exec("CREATE TABLE pages(body BLOB)"));
  ASSERT_TRUE(db->exec("INSERT INTO pages VALUES (zeroblob(1000))"));
  // SQLITE_FULL as a full disk gives it: the file may not grow past its size now.
  ASSERT_TRUE(db->exec("PRAGMA max_page_count = 8"));
  ASSERT_TRUE(db->exec("BEGIN"));
  core::Result<void> failed;
  for (int i = 0; i < 100 && failed; ++i) failed = db->exec("INSERT INTO pages VALUES (zeroblob(4000))");
  ASSERT_FALSE(failed) << "the insert never hit the limit";
  EXPECT_NE(failed.error().message.find(path + ": database or disk is full"), std::string::npos) << failed.error().message;
  (void)db->exec("ROLLBACK");  // SQLite may have rolled it back itself: SQLITE_FULL can
  auto q = db->prepare("SELECT count(*) FROM pages");
  ASSERT_TRUE(q) << q.error().message;
  ASSERT_TRUE(*q->step());
  EXPECT_EQ(q->integer(0), 1) << "only what was committed before";
}
