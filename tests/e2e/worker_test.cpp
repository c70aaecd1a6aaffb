// Workers sharing one desk through the store, on each backend: two workers
// at once fetch every page exactly once and never ask one site more than its
// budget allows; the story writer keeps its state from round to round, one
// writer leads at a time, and another takes over when the leader's lease has
// run out. Time is driven through fixed clocks, never measured.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "app/pipeline.hpp"
#include "app/story_writer.hpp"
#include "app/worker.hpp"
#include "behaviour_server.hpp"
#include "core/clock.hpp"
#include "core/time.hpp"
#include "desk_fixture.hpp"
#include "store/store.hpp"

using namespace newsdesk;
using test_support::BehaviourServer;
using test_support::Reply;
using test_support::Request;

namespace {

constexpr int kPagesPerSite = 12;

std::string article_page(const std::string& site, int n) {
  std::string body;
  for (int p = 0; p < 6; ++p) {
    body += fmt::format(
        "<p>Report {1} from {0}: the harbour authority said the frigate {1} would dock on Tuesday after a week of "
        "exercises at sea, and that crews had rehearsed the transfer of supplies between ships in heavy weather. "
        "Paragraph {2} adds that the port expects more visits this season.</p>",
        site, n, p);
  }
  return fmt::format(
      "<!DOCTYPE html><html lang=en><head><title>Frigate {1} docks after exercises</title>"
      "<meta property=\"og:type\" content=\"article\"></head><body><article><h1>Frigate {1} docks after "
      "exercises</h1>{2}</article></body></html>",
      site, n, body);
}

// One outlet on its own loopback address (its own site, as far as politeness
// goes): a feed of kPagesPerSite items and their pages, counting how many
// requests it had in hand at once.
struct Outlet {
  BehaviourServer server;
  std::mutex mu;
  int running = 0, most = 0;
  explicit Outlet(const std::string& address, const std::string& name) : server(address) {
    std::string items;
    for (int i = 0; i < kPagesPerSite; ++i) {
      items += fmt::format("<item><title>Frigate {0} docks</title><link>{1}</link><guid>{1}</guid>"
                           "<pubDate>Sun, 29 Nov 2026 0{2}:00:00 GMT</pubDate></item>",
                           i, server.url("/a/" + std::to_string(i)), i % 9);
    }
    const std::string feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>" + name + "</title>" + items +
                             "</channel></rss>";
    server.route("/feed.xml", [feed](const Request&) {
      Reply r;
      r.headers = {{"Content-Type", "application/rss+xml"}};
      r.body = feed;
      return r;
    });
    for (int i = 0; i < kPagesPerSite; ++i) {
      server.route("/a/" + std::to_string(i), [this, name, i](const Request&) {
        {
          std::lock_guard lock(mu);
          most = std::max(most, ++running);
        }
        Reply r;
        r.headers = {{"Content-Type", "text/html; charset=utf-8"}};
        r.body = article_page(name, i);
        std::lock_guard lock(mu);
        --running;
        return r;
      });
    }
  }
};

class Workers : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto desk = test_support::ScratchDatabase::create(GetParam());
    ASSERT_TRUE(desk) << desk.error().message;
    desk_ = std::move(*desk);
    config_.store.set_location(desk_->location());
    config_.fetch.allow_private_addresses = true;
    config_.fetch.respect_robots = false;
    config_.fetch.per_domain_delay_ms = 0;
    config_.fetch.per_domain_concurrency = 1;
    config_.fetch.timeout_seconds = 30;
    config_.workers.batch = 1;  // a feed or a page per claim: the two workers interleave, each on the site it holds
    auto store = store::open_store(desk_->location());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }
  void add_source(const Outlet& outlet, const std::string& name) {
    core::Source s;
    s.name = name;
    s.feed_url = outlet.server.url("/feed.xml");
    ASSERT_TRUE(store_->sources().add(s));
  }
  core::Result<app::WorkerReport> work(const std::string& name, core::TimePoint at,
                                       std::set<app::Role> roles = {app::Role::kPoll, app::Role::kFetch, app::Role::kCluster}) {
    app::WorkerOptions options;
    options.roles = std::move(roles);
    options.once = true;
    options.name = name;
    std::atomic<bool> never{false};
    options.stop = &never;
    core::FixedClock clock(at);
    return app::run_worker(config_, options, clock);
  }
  // A report that retells the Harbour Herald's third, stored after the others.
  core::Article late_report() {
    core::Article late;
    late.url = late.canonical_url = "http://127.0.0.1/late";
    late.source_id = store_->sources().list()->front().id;
    late.title = "Frigate 3 docks after exercises, crews say";
    late.text = article_page("Harbour Herald", 3);
    late.published = now_;
    return late;
  }
  std::unique_ptr<test_support::ScratchDatabase> desk_;
  std::unique_ptr<store::Store> store_;
  core::Config config_;
  core::TimePoint now_ = *core::parse_rfc3339("2026-11-29T10:00:00Z");
};

INSTANTIATE_TEST_SUITE_P(Backends, Workers, desk_fixture::backends(), test_support::BackendName());

}  // namespace

TEST_P(Workers, TwoAtOnceFetchEveryPageOnceAndEachSiteOneRequestAtATime) {
  Outlet one("127.0.0.1", "Harbour Herald"), two("127.0.0.2", "Quay Courier");
  add_source(one, "Harbour Herald");
  add_source(two, "Quay Courier");
  core::Result<app::WorkerReport> a, b;
  std::thread first([&] { a = work("worker-a", now_); });
  std::thread second([&] { b = work("worker-b", now_); });
  first.join();
  second.join();
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  // Each feed polled once, each page fetched once, by one worker or the other.
  EXPECT_EQ(a->feeds + b->feeds, 2u);
  EXPECT_EQ(a->pages + b->pages, static_cast<size_t>(2 * kPagesPerSite));
  for (auto* outlet : {&one, &two}) {
    EXPECT_EQ(outlet->server.count("/feed.xml"), 1u);
    for (int i = 0; i < kPagesPerSite; ++i) EXPECT_EQ(outlet->server.count("/a/" + std::to_string(i)), 1u) << i;
    // The site's budget (one request at a time) held across both workers.
    EXPECT_EQ(outlet->most, 1);
  }
  EXPECT_EQ(*store_->articles().count(), static_cast<size_t>(2 * kPagesPerSite));
  EXPECT_EQ(*store_->entries().count(store::EntryState::kNew), 0u);
  EXPECT_EQ(*store_->entries().count(store::EntryState::kFetched), static_cast<size_t>(2 * kPagesPerSite));
  EXPECT_TRUE(store_->articles().unclustered()->empty()) << "every article placed into a story";
  EXPECT_EQ(a->clustered + b->clustered, static_cast<size_t>(2 * kPagesPerSite));
}

TEST_P(Workers, AWorkerTakesItsShareOfTheSitesNotAllWhenAnotherIsAlive) {
  Outlet one("127.0.0.1", "Harbour Herald"), two("127.0.0.2", "Quay Courier");
  add_source(one, "Harbour Herald");
  add_source(two, "Quay Courier");
  auto polled = work("poller", now_, {app::Role::kPoll});
  ASSERT_TRUE(polled) << polled.error().message;
  ASSERT_EQ(polled->new_entries, static_cast<size_t>(2 * kPagesPerSite));
  // B fetches too (alive, between two batches); A's batches could take every
  // page of both sites at once, but it takes one site per batch, its share.
  const auto lease = std::chrono::seconds(config_.workers.lease_seconds);
  ASSERT_TRUE(store_->workers().beat({"worker-b", "fetch", now_, now_ + lease, 0}));
  config_.workers.batch = 64;
  auto a = work("worker-a", now_, {app::Role::kFetch});
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->released, static_cast<size_t>(kPagesPerSite)) << "the other site's pages, given back for B";
  EXPECT_EQ(a->pages, static_cast<size_t>(2 * kPagesPerSite)) << "B did not take them: A did, in its next batch";
  for (auto* outlet : {&one, &two}) {
    for (int i = 0; i < kPagesPerSite; ++i) EXPECT_EQ(outlet->server.count("/a/" + std::to_string(i)), 1u) << i;
  }
  // A said it stopped; B is still counted, the poller not.
  auto live = store_->workers().live(now_);
  ASSERT_TRUE(live) << live.error().message;
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ(live->front().name, "worker-b");
}

TEST_P(Workers, OneWriterLeadsTheStoriesAndAnotherTakesOverWhenItsLeaseHasRunOut) {
  Outlet one("127.0.0.1", "Harbour Herald");
  add_source(one, "Harbour Herald");
  // A reads and places everything, and so leads the story writer's role;
  // then A dies holding it (a stopping worker hands it on: see below).
  auto a = work("worker-a", now_);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->clustered, static_cast<size_t>(kPagesPerSite));
  EXPECT_EQ(a->rebuilds, 1u);
  const auto lease = std::chrono::seconds(config_.workers.lease_seconds);
  ASSERT_TRUE(*store_->lead("cluster", {"worker-a", now_, now_ + lease}));
  // An article arrives; B, a little later but within A's lease, may not place it.
  ASSERT_TRUE(store_->articles().add(late_report()));
  auto within = work("worker-b", now_ + std::chrono::seconds(10), {app::Role::kCluster});
  ASSERT_TRUE(within) << within.error().message;
  EXPECT_EQ(within->clustered, 0u);
  EXPECT_EQ(store_->articles().unclustered()->size(), 1u);
  // Once A's lease has run out, B leads: it builds its state from the window once and places the article.
  auto after = work("worker-b", now_ + std::chrono::seconds(config_.workers.lease_seconds + 1), {app::Role::kCluster});
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->rebuilds, 1u);
  EXPECT_EQ(after->clustered, 1u);
  EXPECT_TRUE(store_->articles().unclustered()->empty());
  // B stopped: it handed the role on, and C leads at once, well within B's lease.
  const auto later = now_ + lease + std::chrono::seconds(2);
  EXPECT_TRUE(*store_->lead("cluster", {"worker-c", later, later + lease})) << "the stopped leader kept the role";
}

TEST_P(Workers, AKeptStoryWriterPlacesNewArticlesWithoutReplayingTheWindow) {
  Outlet one("127.0.0.1", "Harbour Herald");
  add_source(one, "Harbour Herald");
  auto read = work("reader", now_, {app::Role::kPoll, app::Role::kFetch});
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->articles, static_cast<size_t>(kPagesPerSite));
  app::StoryWriter kept(config_.cluster);
  auto first = kept.round(*store_, now_);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->articles, static_cast<size_t>(kPagesPerSite));
  EXPECT_EQ(kept.replayed(), 0u);  // nothing was in the window yet
  // A round with nothing new costs nothing and keeps the state.
  auto idle = kept.round(*store_, now_);
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->articles, 0u);
  EXPECT_TRUE(kept.warm());
  // A new article retelling a report: the kept writer places it with that report, from memory.
  auto added = store_->articles().add(late_report());
  ASSERT_TRUE(added);
  auto second = kept.round(*store_, now_);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->articles, 1u);
  EXPECT_EQ(kept.replayed(), 0u) << "the kept writer did not replay the window";
  auto placed = store_->articles().get(added->id);
  ASSERT_TRUE(placed && *placed && (*placed)->story_id);
  // The frigate report joins the story of the report it retells.
  auto story = store_->articles().by_story(*(*placed)->story_id);
  ASSERT_TRUE(story);
  EXPECT_GE(story->size(), 2u);
}
