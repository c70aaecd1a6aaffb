// What only the PostgreSQL backend has: its URL, its server, its migration
// lock, and the ways a connection fails. Each test has a database of its own
// on the test server that ctest's postgresql fixture starts; without the
// server they fail (never skip). The behaviour both backends share is tested
// on both in store_test.cpp.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <functional>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "test_store.hpp"

using namespace newsdesk;

namespace {

std::unique_ptr<test_support::ScratchDatabase> scratch_database() {
  auto scratch = test_support::ScratchDatabase::create("postgresql");
  EXPECT_TRUE(scratch) << scratch.error().message;
  return scratch ? std::move(*scratch) : nullptr;
}

// A port on 127.0.0.1 where nothing listens (bound, then closed).
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    if (fd >= 0) ::close(fd);
    return 1;
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

TEST(PostgresqlStore, AMalformedUrlIsInvalidInputSayingWhatIsWrong) {
  auto bad_port = store::open_store("postgresql://desk:hunter2@db.example:54x2/news");
  ASSERT_FALSE(bad_port);
  EXPECT_EQ(bad_port.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_NE(bad_port.error().message.find("54x2"), std::string::npos) << bad_port.error().message;
  EXPECT_EQ(bad_port.error().message.find("hunter2"), std::string::npos) << "never the password";

  auto bad_option = store::open_store("postgres://desk:hunter2@db.example/news?colour=blue");
  ASSERT_FALSE(bad_option);
  EXPECT_EQ(bad_option.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_NE(bad_option.error().message.find("colour"), std::string::npos) << bad_option.error().message;
  EXPECT_EQ(bad_option.error().message.find("hunter2"), std::string::npos);

  auto bad_syntax = store::open_store("postgresql://desk:hunter2@[::1/news");
  ASSERT_FALSE(bad_syntax);
  EXPECT_EQ(bad_syntax.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_EQ(bad_syntax.error().message.find("hunter2"), std::string::npos) << bad_syntax.error().message;
}

TEST(PostgresqlStore, AnUnreachableServerIsAnErrorNamingHostAndPort) {
  const int port = closed_port();
  auto store = store::open_store("postgresql://desk:hunter2@127.0.0.1:" + std::to_string(port) + "/news");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, core::ErrorCode::kDatabase);
  EXPECT_NE(store.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << store.error().message;
  EXPECT_EQ(store.error().message.find("hunter2"), std::string::npos) << "never the password";
}

TEST(PostgresqlStore, AMissingDatabaseIsAnErrorNamingIt) {
  auto scratch = scratch_database();
  ASSERT_TRUE(scratch);
  std::string url = scratch->location();
  url = url.substr(0, url.rfind('/')) + "/nd_no_such_database";
  auto store = store::open_store(url);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, core::ErrorCode::kDatabase);
  EXPECT_NE(store.error().message.find("nd_no_such_database"), std::string::npos) << store.error().message;
}

TEST(PostgresqlStore, ASchemaNewerThanThisBinaryKnowsIsRefusedAndNothingIsWritten) {
  auto scratch = scratch_database();
  ASSERT_TRUE(scratch);
  ASSERT_TRUE(scratch->run_sql("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
                               "applied_at TEXT NOT NULL DEFAULT '')"));
  ASSERT_TRUE(scratch->run_sql("INSERT INTO schema_migrations(version, description) VALUES (999, 'from the future')"));
  auto store = store::open_store(scratch->location());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, core::ErrorCode::kDatabase);
  EXPECT_NE(store.error().message.find("999"), std::string::npos) << store.error().message;
  EXPECT_EQ(*scratch->run_sql("SELECT count(*) FROM schema_migrations"), "1");
  EXPECT_EQ(*scratch->run_sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "1") << "no table made";
  EXPECT_EQ(*scratch->run_sql("SELECT count(*) FROM pg_extension WHERE extname = 'unaccent'"), "0");
}

TEST(PostgresqlStore, StoresOpeningAFreshDatabaseAtOnceMigrateItOnce) {
  auto scratch = scratch_database();
  ASSERT_TRUE(scratch);
  constexpr int kOpeners = 4;
  std::vector<std::string> errors(kOpeners);
  std::vector<int> versions(kOpeners, 0);
  std::vector<std::thread> openers;
  for (int i = 0; i < kOpeners; ++i) {
    openers.emplace_back([&, i] {
      auto store = store::open_store(scratch->location());
      if (!store) errors[i] = store.error().message;
      else versions[i] = (*store)->schema_version();
    });
  }
  for (auto& t : openers) t.join();
  const int latest = store::postgresql_migrations().back().version;
  for (int i = 0; i < kOpeners; ++i) {
    EXPECT_EQ(errors[i], "");
    EXPECT_EQ(versions[i], latest);
  }
  EXPECT_EQ(*scratch->run_sql("SELECT count(*) FROM schema_migrations"),
            std::to_string(store::postgresql_migrations().size()));
}

TEST(PostgresqlStore, ALostConnectionFailsOneCallAndTheNextReconnects) {
  auto scratch = scratch_database();
  ASSERT_TRUE(scratch);
  auto store = store::open_store(scratch->location());
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->sources().add(core::Source{0, "A", "http://a.example/feed", "", "", "", 1.0, false}));
  ASSERT_TRUE(scratch->run_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()"));
  auto lost = (*store)->sources().list();
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, core::ErrorCode::kDatabase);
  auto again = (*store)->sources().list();
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->size(), 1u);
}

TEST(PostgresqlStore, AFailedStatementWhoseErrorWasDroppedRollsTheTransactionBack) {
  // The one way the backends differ inside a transaction: in PostgreSQL a
  // failed statement spoils the transaction (SQLite carries on). The store
  // reports it at COMMIT instead of pretending the work was kept.
  auto scratch = scratch_database();
  ASSERT_TRUE(scratch);
  auto store = store::open_store(scratch->location());
  ASSERT_TRUE(store) << store.error().message;
  auto r = (*store)->transaction([&]() -> core::Result<void> {
    EXPECT_TRUE((*store)->sources().add(core::Source{0, "A", "http://a.example/feed", "", "", "", 1.0, false}));
    auto no_edition = (*store)->deliveries().enqueue(12345, {678}, *core::parse_rfc3339("2026-11-29T06:00:00Z"));
    EXPECT_FALSE(no_edition);  // a foreign key says no; the caller drops the error
    return {};
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kDatabase);
  EXPECT_TRUE((*store)->sources().list()->empty());
}

TEST(PostgresqlStore, SearchMarksAreTheBytesTheSiteLooksFor) {
  auto scratch = scratch_database();
  ASSERT_TRUE(scratch);
  auto store = store::open_store(scratch->location());
  ASSERT_TRUE(store) << store.error().message;
  auto source = (*store)->sources().add(core::Source{0, "A", "http://a.example/feed", "", "", "", 1.0, false});
  ASSERT_TRUE(source);
  core::Article a;
  a.source_id = *source;
  a.url = a.canonical_url = "http://a.example/1";
  a.title = "Naïve <b>navy</b> & the \"fleet\"";
  std::string before, after;
  for (int i = 0; i < 100; ++i) before += "calm sea ", after += "long wake ";
  a.text = before + "the navy sailed " + after;
  ASSERT_TRUE((*store)->articles().add(a));
  auto hits = (*store)->search().search("NAIVE", 10, 0);
  ASSERT_TRUE(hits) << hits.error().message;
  ASSERT_EQ(hits->hits.size(), 1u);
  EXPECT_EQ(hits->hits[0].title, "\x02Naïve\x03 <b>navy</b> & the \"fleet\"")
      << "the title as stored (the page escapes it), only the marks added";
  auto navy = (*store)->search().search("navy", 10, 0);
  ASSERT_EQ(navy->hits.size(), 1u);
  EXPECT_NE(navy->hits[0].snippet.find("\x02navy\x03 sailed"), std::string::npos) << navy->hits[0].snippet;
  EXPECT_LT(navy->hits[0].snippet.size(), 300u) << "a passage around the match, not the whole text";
}

TEST(PostgresqlStore, ASendersClaimInAnOpenTransactionIsSkippedNotWaitedFor) {
  // PostgreSQL's transactions run side by side: copies another sender is
  // claiming (its transaction not committed yet) are skipped (SKIP LOCKED),
  // so the second sender neither waits nor gets them.
  auto scratch = scratch_database();
  ASSERT_TRUE(scratch);
  auto first = store::open_store(scratch->location());
  auto second = store::open_store(scratch->location());
  ASSERT_TRUE(first && second);
  const auto now = *core::parse_rfc3339("2026-11-29T07:00:00Z");
  core::Edition e;
  e.name = "Daily";
  e.date = "2026-11-29";
  e.subject = "Daily";
  auto edition = (*first)->editions().save(e, {"h", "t", "j"});
  ASSERT_TRUE(edition);
  for (int i = 0; i < 4; ++i) {
    auto id = (*first)->subscribers().add("reader" + std::to_string(i) + "@example.net", "", now);
    ASSERT_TRUE(id);
    ASSERT_TRUE((*first)->subscribers().set_state(*id, core::SubscriberState::kConfirmed, now));
  }
  ASSERT_TRUE((*first)->deliveries().enqueue_confirmed(*edition, "Daily", now));
  auto ids = [](const core::Result<std::vector<store::DueDelivery>>& got) {
    std::vector<core::Id> out;
    EXPECT_TRUE(got) << got.error().message;
    if (got) {
      for (const auto& d : *got) out.push_back(d.subscriber_id);
    }
    return out;
  };
  std::vector<core::Id> first_got, second_got;
  auto r = (*first)->transaction([&]() -> core::Result<void> {
    first_got = ids((*first)->deliveries().claim_due(*edition, {"host:1:send-1", now, now + std::chrono::seconds(60)}, 2));
    // While this is uncommitted, the second sender claims: it must not wait on these rows.
    std::thread racer([&] {
      second_got = ids((*second)->deliveries().claim_due(*edition, {"host:2:send-1", now, now + std::chrono::seconds(60)}, 10));
    });
    racer.join();
    return {};
  });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(first_got.size(), 2u);
  ASSERT_EQ(second_got.size(), 2u) << "only the copies the first is not claiming";
  EXPECT_LT(first_got.back(), second_got.front());
}
