// A fresh, empty desk for a test, on either store backend, removed when the
// test is done. Every store test runs once per backend:
//
//   class StoreTest : public ::testing::TestWithParam<std::string> { ... };
//   INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(test_support::store_backends()),
//                            test_support::BackendName());
//   auto scratch = test_support::ScratchDatabase::create(GetParam());
//   ASSERT_TRUE(scratch) << scratch.error().message;
//   auto store = store::open_store((*scratch)->location());
//
// PostgreSQL: a database `nd_<pid>_<n>` made on the test server whose admin
// URL is in the file NEWSDESK_TEST_POSTGRESQL names (ctest's `postgresql`
// fixture starts the server: tests/support/pg_server), dropped WITH (FORCE)
// at the end. Without a reachable server the test fails; it never skips.
// SQLite: a file in a temporary folder of its own.
//
// Not thread-safe: one ScratchDatabase per test, used from its thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "store/store.hpp"

namespace newsdesk::test_support {

// "sqlite" and "postgresql": the backends every store test runs on.
const std::vector<std::string>& store_backends();

// Names a parameterised test after its backend ("StoreTest.AddsSources/postgresql").
struct BackendName {
  std::string operator()(const ::testing::TestParamInfo<std::string>& info) const { return info.param; }
};

class ScratchDatabase {
 public:
  // A fresh empty desk on `backend` ("sqlite" or "postgresql"). kInvalidInput
  // for another name; kDatabase (saying how to start one) when the test
  // PostgreSQL server cannot be found or reached.
  static core::Result<std::unique_ptr<ScratchDatabase>> create(const std::string& backend);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& backend() const { return backend_; }
  // What store::open_store takes: a PostgreSQL URL, or the SQLite file's path.
  const std::string& location() const { return location_; }

  // PostgreSQL only: runs `sql` on the scratch database as the server's
  // superuser, for tests that set up what the store itself would refuse to
  // write. Returns the first column of the first row ("" when none).
  core::Result<std::string> run_sql(const std::string& sql) const;

 private:
  ScratchDatabase() = default;
  std::string backend_;
  std::string location_;
  std::filesystem::path folder_;  // SQLite: removed at the end
  std::string admin_url_;         // PostgreSQL: the server's admin URL
  std::string database_;          // PostgreSQL: dropped at the end
};

// Two stores open on one fresh desk, as two workers or two web nodes on
// different connections have it: for tests of what they share.
class TwoStoresOnOneDesk : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto scratch = ScratchDatabase::create(GetParam());
    ASSERT_TRUE(scratch) << scratch.error().message;
    scratch_ = std::move(*scratch);
    a_ = open();
    b_ = open();
    ASSERT_TRUE(a_ && b_);
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    scratch_.reset();
  }
  // Another store on the same desk (nullptr after an error, which fails the test).
  std::unique_ptr<store::Store> open() {
    auto s = store::open_store(scratch_->location());
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }
  std::unique_ptr<ScratchDatabase> scratch_;
  std::unique_ptr<store::Store> a_, b_;
};

}  // namespace newsdesk::test_support
