// The poll stage against a real HTTP server and a real store, on each backend
// (an SQLite file, a PostgreSQL database): health classes, moves, gone feeds,
// schedules.
#include <gtest/gtest.h>

#include "app/pipeline.hpp"
#include "behaviour_server.hpp"
#include "core/time.hpp"
#include "desk_fixture.hpp"
#include "store/store.hpp"

using namespace newsdesk;
using test_support::BehaviourServer;
using test_support::Reply;
using test_support::Request;

namespace {

const char* kFeed = R"(<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Ledger</title><ttl>30</ttl>
<item><title>One</title><link>/a/1</link><guid>1</guid><pubDate>Sun, 29 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>Two</title><link>/a/2</link><guid>2</guid><pubDate>Sun, 29 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>)";

Reply with(int status, std::string body = "", std::string type = "application/rss+xml") {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  r.headers = {{"Content-Type", type}};
  return r;
}

class PollStage : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto desk = test_support::ScratchDatabase::create(GetParam());
    ASSERT_TRUE(desk) << desk.error().message;
    desk_ = std::move(*desk);
    auto store = store::open_store(desk_->location());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    config_.fetch.allow_private_addresses = true;
    config_.fetch.per_domain_delay_ms = 0;
    config_.fetch.timeout_seconds = 5;
  }
  void TearDown() override {
    store_.reset();
    desk_.reset();
  }
  core::Id add(const std::string& url) {
    core::Source s;
    s.name = url;
    s.feed_url = url;
    return *store_->sources().add(s);
  }
  std::unique_ptr<test_support::ScratchDatabase> desk_;
  std::unique_ptr<store::Store> store_;
  core::Config config_;
  core::TimePoint now_ = *core::parse_rfc3339("2026-11-29T10:00:00Z");
};

INSTANTIATE_TEST_SUITE_P(Backends, PollStage, desk_fixture::backends(), test_support::BackendName());

}  // namespace

TEST_P(PollStage, EachFailureIsRecordedWithItsClassAndCostsOnlyItsFeed) {
  BehaviourServer server;
  server.route("/good.xml", [](const Request&) { return with(200, kFeed); });
  server.route("/missing.xml", [](const Request&) { return with(404, "no"); });
  server.route("/home.html", [](const Request&) {
    return with(200, "<!DOCTYPE html><html><head><link rel=alternate type=application/rss+xml href=/good.xml></head></html>",
                "text/html");
  });
  BehaviourServer busy_server("127.0.0.2");  // its Retry-After holds its own address only
  busy_server.route("/busy.xml", [](const Request&) {
    Reply r = with(503);
    r.headers.emplace_back("Retry-After", "7200");
    return r;
  });
  core::Id good = add(server.url("/good.xml"));
  core::Id missing = add(server.url("/missing.xml"));
  core::Id home = add(server.url("/home.html"));
  core::Id busy = add(busy_server.url("/busy.xml"));
  auto fetcher = fetch::make_curl_fetcher(config_.fetch);
  auto report = app::poll_feeds(*store_, *fetcher, config_.poll, now_);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->feeds, 4u);
  EXPECT_EQ(report->failed, 3u);
  EXPECT_EQ(report->new_entries, 2u);

  auto st = [&](core::Id id) { return *store_->feeds().state(id); };
  EXPECT_EQ(st(good).last_error, "");
  EXPECT_TRUE(st(good).last_success);
  EXPECT_GT(st(good).items_per_day, 0);
  // ttl 30 minutes: not before then.
  ASSERT_TRUE(st(good).next_poll);
  EXPECT_GE(*st(good).next_poll, now_ + std::chrono::minutes(27));
  EXPECT_EQ(st(missing).last_error_class, "http status");
  EXPECT_EQ(st(missing).consecutive_failures, 1);
  EXPECT_EQ(st(missing).failing_since, now_);
  EXPECT_EQ(st(home).last_error_class, "not a feed");
  EXPECT_NE(st(home).last_error.find(server.url("/good.xml")), std::string::npos) << st(home).last_error;
  EXPECT_EQ(st(busy).last_error_class, "http status");
  ASSERT_TRUE(st(busy).next_poll);
  EXPECT_GE(*st(busy).next_poll, now_ + std::chrono::minutes(119));  // Retry-After honoured

  // A second failure backs off further; a success clears the run.
  server.route("/missing.xml", [](const Request&) { return with(200, kFeed); });
  auto later = now_ + std::chrono::hours(1);
  ASSERT_TRUE(app::poll_feeds(*store_, *fetcher, config_.poll, later, /*all=*/true));
  EXPECT_EQ(st(missing).consecutive_failures, 0);
  EXPECT_FALSE(st(missing).failing_since);
  EXPECT_EQ(st(home).consecutive_failures, 2);
  EXPECT_EQ(st(home).failing_since, now_);  // the run started at the first failure
}

TEST_P(PollStage, AFeedThatMovedForGoodIsReadAtItsNewAddress) {
  BehaviourServer server;
  server.route("/old.xml", [&](const Request&) { return test_support::redirect(301, server.url("/new.xml")); });
  server.route("/new.xml", [](const Request&) { return with(200, kFeed); });
  core::Id id = add(server.url("/old.xml"));
  auto fetcher = fetch::make_curl_fetcher(config_.fetch);
  auto report = app::poll_feeds(*store_, *fetcher, config_.poll, now_);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->moved, 1u);
  EXPECT_EQ((*store_->sources().get(id))->feed_url, server.url("/new.xml"));
}

TEST_P(PollStage, AGoneFeedIsNoLongerPolledButKept) {
  BehaviourServer server;
  server.route("/gone.xml", [](const Request&) { return with(410); });
  core::Id id = add(server.url("/gone.xml"));
  auto fetcher = fetch::make_curl_fetcher(config_.fetch);
  auto report = app::poll_feeds(*store_, *fetcher, config_.poll, now_);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->gone, 1u);
  EXPECT_TRUE(store_->feeds().state(id)->gone);
  EXPECT_EQ(store_->sources().list()->size(), 1u);
  auto due = store_->feeds().due(now_ + std::chrono::hours(24 * 30));
  ASSERT_TRUE(due);
  EXPECT_TRUE(due->empty());
  auto again = app::poll_feeds(*store_, *fetcher, config_.poll, now_ + std::chrono::hours(48));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->feeds, 0u);
  EXPECT_EQ(server.count("/gone.xml"), 1u);
}
