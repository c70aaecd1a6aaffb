// Work shared by several workers through the store: claims under leases,
// site leases, leadership and wake-ups, the same on both backends. Each
// worker is a Store of its own on one desk (for PostgreSQL, a connection of
// its own), as separate processes would be.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <thread>

#include "core/time.hpp"
#include "store/store.hpp"
#include "test_store.hpp"

using namespace newsdesk;
using std::chrono::seconds;

namespace {

core::TimePoint at(const char* iso) { return *core::parse_rfc3339(iso); }

const core::TimePoint kNow = at("2026-11-29T09:00:00Z");

store::Claim claim_for(const std::string& holder, core::TimePoint now = kNow, seconds lease = seconds(60)) {
  return store::Claim{holder, now, now + lease};
}

std::vector<core::Id> ids_of(const std::vector<store::StoredEntry>& entries) {
  std::vector<core::Id> out;
  for (const auto& e : entries) out.push_back(e.id);
  return out;
}

// a_ and b_: workers A and B, each on its own connection.
class WorkSharingTest : public test_support::TwoStoresOnOneDesk {
 protected:
  core::Id add_source(const std::string& feed_url) {
    core::Source s;
    s.name = "Outlet " + feed_url;
    s.feed_url = feed_url;
    auto id = a_->sources().add(s);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }
  // Entries announced by `source`, with pages at `url_prefix` + n; their ids in order.
  std::vector<core::Id> add_entries(core::Id source, const std::string& url_prefix, int count) {
    std::vector<core::Id> ids;
    auto before = a_->entries().pending(1'000'000);
    EXPECT_TRUE(before);
    std::set<core::Id> known;
    for (const auto& e : *before) known.insert(e.id);
    auto added = a_->transaction([&]() -> core::Result<void> {
      for (int i = 0; i < count; ++i) {
        core::FeedEntry e;
        e.url = url_prefix + std::to_string(i);
        e.guid = e.url;
        e.title = "Item " + std::to_string(i);
        ND_TRY(a_->entries().upsert(source, e));
      }
      return {};
    });
    EXPECT_TRUE(added) << added.error().message;
    auto after = a_->entries().pending(1'000'000);
    EXPECT_TRUE(after);
    for (const auto& e : *after) {
      if (!known.contains(e.id)) ids.push_back(e.id);
    }
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids.size(), static_cast<size_t>(count));
    return ids;
  }
  std::vector<core::Id> claim_entries(store::Store& worker, const store::Claim& claim, size_t limit = 100,
                                      size_t per_site = 100) {
    auto got = worker.entries().claim_pending(claim, limit, per_site);
    EXPECT_TRUE(got) << got.error().message;
    return got ? ids_of(*got) : std::vector<core::Id>{};
  }
  std::vector<core::Id> claim_feeds(store::Store& worker, const store::Claim& claim, size_t limit = 100,
                                    size_t per_site = 100) {
    auto got = worker.feeds().claim_due(claim, limit, per_site);
    EXPECT_TRUE(got) << got.error().message;
    return got ? *got : std::vector<core::Id>{};
  }

};

using Ids = std::vector<core::Id>;

TEST_P(WorkSharingTest, TwoWorkersNeverClaimTheSameEntry) {
  const core::Id source = add_source("https://a.example/feed");
  const Ids e = add_entries(source, "https://a.example/story/", 6);
  EXPECT_EQ(claim_entries(*a_, claim_for("A"), 4), Ids(e.begin(), e.begin() + 4)) << "oldest first";
  EXPECT_EQ(claim_entries(*b_, claim_for("B"), 10), Ids(e.begin() + 4, e.end())) << "only what A does not hold";
  EXPECT_EQ(claim_entries(*a_, claim_for("A")), Ids{}) << "A holds its own already; nothing else is left";
  EXPECT_EQ(claim_entries(*b_, claim_for("B")), Ids{});
}

TEST_P(WorkSharingTest, ClaimedEntriesCarryTheirPagesSite) {
  const core::Id source = add_source("https://feeds.example.co.uk/rss");
  add_entries(source, "https://news.example.co.uk/story/", 1);
  auto got = a_->entries().claim_pending(claim_for("A"), 10, 10);
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(got->front().domain, "example.co.uk");
  EXPECT_EQ(got->front().entry.url, "https://news.example.co.uk/story/0");
  EXPECT_EQ(got->front().source_id, source);
  auto pending = a_->entries().pending(10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u) << "a claim does not change what is pending";
  EXPECT_EQ(pending->front().domain, "example.co.uk");
}

TEST_P(WorkSharingTest, AnExpiredEntryLeaseIsClaimedAgainALiveOneIsNot) {
  const core::Id source = add_source("https://a.example/feed");
  const Ids e = add_entries(source, "https://a.example/story/", 2);
  EXPECT_EQ(claim_entries(*a_, claim_for("A", kNow, seconds(60))), e);
  EXPECT_EQ(claim_entries(*b_, claim_for("B", kNow + seconds(59))), Ids{}) << "A's lease is live";
  EXPECT_EQ(claim_entries(*b_, claim_for("B", kNow + seconds(60))), e) << "A's lease ran out (A died)";
  EXPECT_EQ(claim_entries(*a_, claim_for("A", kNow + seconds(61))), Ids{}) << "B holds them now";
}

TEST_P(WorkSharingTest, AHolderClaimingAgainGetsFreshEntries) {
  const core::Id source = add_source("https://a.example/feed");
  const Ids e = add_entries(source, "https://a.example/story/", 4);
  EXPECT_EQ(claim_entries(*a_, claim_for("A"), 2), Ids(e.begin(), e.begin() + 2));
  EXPECT_EQ(claim_entries(*a_, claim_for("A"), 2), Ids(e.begin() + 2, e.end()));
  EXPECT_EQ(claim_entries(*a_, claim_for("A", kNow + seconds(60)), 10), e) << "its own expired leases come back";
}

TEST_P(WorkSharingTest, ReleaseGivesBackOnlyTheHoldersEntries) {
  const core::Id source = add_source("https://a.example/feed");
  const Ids e = add_entries(source, "https://a.example/story/", 6);
  EXPECT_EQ(claim_entries(*a_, claim_for("A"), 3), Ids(e.begin(), e.begin() + 3));
  EXPECT_EQ(claim_entries(*b_, claim_for("B"), 3), Ids(e.begin() + 3, e.end()));
  ASSERT_TRUE(a_->entries().release({e[0], e[1], e[3], e[4]}, "A"));
  auto c = open();
  ASSERT_TRUE(c);
  EXPECT_EQ(claim_entries(*c, claim_for("C")), (Ids{e[0], e[1]})) << "B's entries stay B's";
  ASSERT_TRUE(a_->entries().release({}, "A")) << "nothing to give back is no error";
}

TEST_P(WorkSharingTest, MarkEndsTheClaim) {
  const core::Id source = add_source("https://a.example/feed");
  const Ids e = add_entries(source, "https://a.example/story/", 2);
  EXPECT_EQ(claim_entries(*a_, claim_for("A")), e);
  // A gives one up to be tried again (state new), and finishes the other.
  ASSERT_TRUE(a_->entries().mark(e[0], store::EntryState::kNew, "try again", std::nullopt));
  ASSERT_TRUE(a_->entries().mark(e[1], store::EntryState::kFailed, "404", std::nullopt));
  EXPECT_EQ(claim_entries(*b_, claim_for("B")), Ids{e[0]}) << "no lease is left on it";
  auto failed = b_->entries().count(store::EntryState::kFailed);
  ASSERT_TRUE(failed);
  EXPECT_EQ(*failed, 1u);
}

TEST_P(WorkSharingTest, TwoWorkersNeverClaimTheSameFeedAndGoneFeedsNever) {
  const core::Id polled_later = add_source("https://a.example/feed");
  const core::Id never_polled = add_source("https://b.example/feed");
  const core::Id gone = add_source("https://c.example/feed");
  const core::Id due_earlier = add_source("https://d.example/feed");
  const core::Id due_later = add_source("https://e.example/feed");
  core::FeedState later;
  later.next_poll = kNow + seconds(600);
  ASSERT_TRUE(a_->feeds().save_state(polled_later, later));
  core::FeedState gone_state;
  gone_state.gone = true;
  ASSERT_TRUE(a_->feeds().save_state(gone, gone_state));
  core::FeedState earlier;
  earlier.next_poll = kNow - seconds(300);
  ASSERT_TRUE(a_->feeds().save_state(due_earlier, earlier));
  core::FeedState just_due;
  just_due.next_poll = kNow - seconds(10);
  ASSERT_TRUE(a_->feeds().save_state(due_later, just_due));

  // Due order, as due(): never polled first, then by next poll.
  EXPECT_EQ(claim_feeds(*a_, claim_for("A"), 2), (Ids{never_polled, due_earlier}));
  EXPECT_EQ(claim_feeds(*b_, claim_for("B")), (Ids{due_later}));
  EXPECT_EQ(claim_feeds(*a_, claim_for("A")), Ids{});
  EXPECT_EQ(claim_feeds(*b_, claim_for("B", kNow + seconds(600))), (Ids{never_polled, due_earlier, due_later, polled_later}))
      << "every lease ran out and the later feed fell due; the gone feed is never claimed";
}

TEST_P(WorkSharingTest, SavingAFeedsStateEndsItsClaimAndReleaseGivesItBack) {
  const core::Id first = add_source("https://a.example/feed");
  const core::Id second = add_source("https://b.example/feed");
  EXPECT_EQ(claim_feeds(*a_, claim_for("A")), (Ids{first, second}));
  core::FeedState polled;
  polled.last_polled = kNow;  // next_poll unset: due again at once
  ASSERT_TRUE(a_->feeds().save_state(first, polled));
  ASSERT_TRUE(b_->feeds().release({second}, "B")) << "B holds nothing: nothing changes";
  EXPECT_EQ(claim_feeds(*b_, claim_for("B")), (Ids{first}));
  ASSERT_TRUE(a_->feeds().release({second}, "A"));
  EXPECT_EQ(claim_feeds(*b_, claim_for("B")), (Ids{second}));
}

TEST_P(WorkSharingTest, ASiteIsHeldByOneWorkerUntilItsLeaseRunsOut) {
  EXPECT_EQ(a_->sites().take("a.example", claim_for("A")), true);
  EXPECT_EQ(b_->sites().take("a.example", claim_for("B", kNow + seconds(59))), false);
  EXPECT_EQ(a_->sites().take("a.example", claim_for("A", kNow + seconds(30))), true) << "renewed to +90 s";
  EXPECT_EQ(b_->sites().take("a.example", claim_for("B", kNow + seconds(60))), false) << "the renewal holds";
  EXPECT_EQ(b_->sites().take("a.example", claim_for("B", kNow + seconds(90))), true) << "A stopped renewing";
  EXPECT_EQ(a_->sites().take("a.example", claim_for("A", kNow + seconds(91))), false);
  EXPECT_EQ(a_->sites().take("b.example", claim_for("A", kNow + seconds(91))), true) << "other sites are free";
  ASSERT_TRUE(b_->sites().release_all("B"));
  EXPECT_EQ(a_->sites().take("a.example", claim_for("A", kNow + seconds(92))), true) << "B let go";
}

TEST_P(WorkSharingTest, ClaimsTakeTurnsAmongSitesNotOneSitesBacklog) {
  const core::Id a_feed = add_source("https://a.example/feed");
  const core::Id b_feed = add_source("https://b.example/feed");
  const core::Id c_feed = add_source("https://c.example/feed");
  const Ids a = add_entries(a_feed, "https://a.example/story/", 6);
  const Ids b = add_entries(b_feed, "https://www.b.example/story/", 3);
  const Ids c = add_entries(c_feed, "https://c.example/story/", 2);
  // Each site's oldest, then each one's next: not a's six first.
  EXPECT_EQ(claim_entries(*a_, claim_for("A"), 5, 2), (Ids{a[0], a[1], b[0], b[1], c[0]}));
  EXPECT_EQ(claim_entries(*b_, claim_for("B"), 5, 2), (Ids{a[2], a[3], b[2], c[1]})) << "two of a site at most";
  EXPECT_EQ(claim_entries(*b_, claim_for("B"), 5, 5), (Ids{a[4], a[5]}));
}

TEST_P(WorkSharingTest, FeedClaimsTakeTurnsAmongSitesToo) {
  const core::Id a1 = add_source("https://a.example/feed/1");
  const core::Id a2 = add_source("https://a.example/feed/2");
  const core::Id a3 = add_source("https://a.example/feed/3");
  const core::Id b1 = add_source("https://b.example/feed");
  EXPECT_EQ(claim_feeds(*a_, claim_for("A"), 2, 2), (Ids{a1, b1}));
  EXPECT_EQ(claim_feeds(*b_, claim_for("B"), 3, 1), (Ids{a2})) << "one of a site at most";
  EXPECT_EQ(claim_feeds(*b_, claim_for("B"), 3, 3), (Ids{a3}));
}

TEST_P(WorkSharingTest, ABatchsSitesPassOnAfterThePolitenessGapTheirHolderAtOnce) {
  ASSERT_EQ(a_->sites().take("a.example", claim_for("A")), true);
  ASSERT_EQ(a_->sites().take("b.example", claim_for("A")), true);
  ASSERT_EQ(b_->sites().take("c.example", claim_for("B")), true);
  EXPECT_EQ(b_->sites().held_by_others("B", kNow), size_t{2});
  EXPECT_EQ(a_->sites().held_by_others("A", kNow), size_t{1});
  // A's batch is done at +5 s; its sites pass on after a 2 s gap.
  ASSERT_TRUE(a_->sites().release({"a.example", "b.example", "c.example"}, "A", kNow + seconds(7)));
  EXPECT_EQ(b_->sites().take("a.example", claim_for("B", kNow + seconds(6))), false) << "within the gap";
  EXPECT_EQ(b_->sites().take("a.example", claim_for("B", kNow + seconds(7))), true) << "after it";
  EXPECT_EQ(a_->sites().take("b.example", claim_for("A", kNow + seconds(6))), true) << "its holder takes it again at once";
  EXPECT_EQ(a_->sites().take("c.example", claim_for("A", kNow + seconds(8))), false) << "B's is not A's to release";
  EXPECT_EQ(b_->sites().held_by_others("B", kNow + seconds(8)), size_t{1}) << "A holds b.example again";
  // A release never lengthens a lease.
  ASSERT_TRUE(a_->sites().release({"b.example"}, "A", kNow + seconds(3600)));
  EXPECT_EQ(b_->sites().take("b.example", claim_for("B", kNow + seconds(6 + 60))), true);
}

TEST_P(WorkSharingTest, WorkersAreAliveUntilTheirLeaseRunsOutOrTheyLeave) {
  ASSERT_TRUE(a_->workers().beat({"A", "poll,fetch", kNow, kNow + seconds(60), 0}));
  ASSERT_TRUE(b_->workers().beat({"B", "send", kNow, kNow + seconds(30), 0}));
  ASSERT_EQ(a_->sites().take("a.example", claim_for("A")), true);
  ASSERT_EQ(a_->sites().take("b.example", claim_for("A", kNow, seconds(10))), true);
  auto live = b_->workers().live(kNow + seconds(20));
  ASSERT_TRUE(live) << live.error().message;
  ASSERT_EQ(live->size(), 2u);
  EXPECT_EQ((*live)[0].name, "A");
  EXPECT_EQ((*live)[0].roles, "poll,fetch");
  EXPECT_EQ((*live)[0].started, kNow);
  EXPECT_EQ((*live)[0].until, kNow + seconds(60));
  EXPECT_EQ((*live)[0].sites, 1u) << "b.example's lease ran out at +10 s";
  EXPECT_EQ((*live)[1].name, "B");
  EXPECT_EQ((*live)[1].sites, 0u);
  // B stops beating: gone at +30 s. A beats again, then leaves.
  ASSERT_TRUE(a_->workers().beat({"A", "poll,fetch", kNow, kNow + seconds(90), 0}));
  live = a_->workers().live(kNow + seconds(30));
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ(live->front().name, "A");
  EXPECT_EQ(live->front().started, kNow) << "a beat keeps the start";
  ASSERT_TRUE(a_->workers().leave("A"));
  live = b_->workers().live(kNow + seconds(31));
  ASSERT_TRUE(live);
  EXPECT_TRUE(live->empty());
}

TEST_P(WorkSharingTest, ASiteHeldByOneWorkerKeepsItsWorkFromTheOthers) {
  // The feed and the pages may be on different hosts of one site.
  const core::Id a_feed = add_source("https://feeds.a.example/rss");
  const core::Id b_feed = add_source("https://b.example/feed");
  const Ids a_pages = add_entries(a_feed, "https://www.a.example/story/", 2);
  const Ids b_pages = add_entries(b_feed, "https://b.example/story/", 2);
  ASSERT_EQ(a_->sites().take("a.example", claim_for("A")), true);

  const store::Claim b_long = claim_for("B", kNow, seconds(3600));
  EXPECT_EQ(claim_entries(*b_, b_long), b_pages) << "B gets the other site's work";
  EXPECT_EQ(claim_feeds(*b_, b_long), Ids{b_feed});
  EXPECT_EQ(claim_entries(*a_, claim_for("A")), a_pages) << "A gets its own site's";
  EXPECT_EQ(claim_feeds(*a_, claim_for("A")), Ids{a_feed});

  ASSERT_TRUE(a_->entries().release(a_pages, "A"));
  ASSERT_TRUE(a_->feeds().release({a_feed}, "A"));
  EXPECT_EQ(claim_entries(*b_, claim_for("B", kNow + seconds(59))), Ids{}) << "the site is still A's";
  EXPECT_EQ(claim_feeds(*b_, claim_for("B", kNow + seconds(59))), Ids{});
  EXPECT_EQ(claim_entries(*b_, claim_for("B", kNow + seconds(60))), a_pages) << "A's site lease ran out";
  EXPECT_EQ(claim_feeds(*b_, claim_for("B", kNow + seconds(60))), Ids{a_feed});
}

TEST_P(WorkSharingTest, AFeedThatMovedIsCountedOnItsNewSite) {
  const core::Id source = add_source("https://a.example/feed");
  ASSERT_TRUE(a_->sources().set_feed_url(source, "https://feeds.b.example/rss"));
  ASSERT_EQ(a_->sites().take("b.example", claim_for("A")), true);
  EXPECT_EQ(claim_feeds(*b_, claim_for("B")), Ids{}) << "its site is A's now";
  EXPECT_EQ(claim_feeds(*a_, claim_for("A")), Ids{source});
}

TEST_P(WorkSharingTest, LeadershipIsExclusiveAndPassesOnAfterItsLeaseRunsOut) {
  EXPECT_EQ(a_->lead("cluster", claim_for("A")), true);
  EXPECT_EQ(b_->lead("cluster", claim_for("B", kNow + seconds(10))), false);
  EXPECT_EQ(b_->lead("send", claim_for("B", kNow + seconds(10))), true) << "roles are led apart";
  EXPECT_EQ(a_->lead("cluster", claim_for("A", kNow + seconds(20))), true) << "renewed to +80 s";
  EXPECT_EQ(b_->lead("cluster", claim_for("B", kNow + seconds(79))), false);
  EXPECT_EQ(b_->lead("cluster", claim_for("B", kNow + seconds(80))), true) << "A died";
  EXPECT_EQ(a_->lead("cluster", claim_for("A", kNow + seconds(81))), false) << "A came back: B leads now";
}

TEST_P(WorkSharingTest, ThreeWorkersAtOnceMarkEveryEntryExactlyOnce) {
  constexpr int kEntries = 2000;
  const core::Id one = add_source("https://a.example/feed");
  const core::Id two = add_source("https://b.example/feed");
  Ids all = add_entries(one, "https://a.example/story/", kEntries / 2);
  const Ids more = add_entries(two, "https://b.example/story/", kEntries / 2);
  all.insert(all.end(), more.begin(), more.end());

  struct Worker {
    std::unique_ptr<store::Store> store;
    Ids marked;
    std::vector<std::string> errors;  // retried: an error must not lose work
  };
  std::vector<Worker> workers(3);
  for (auto& w : workers) {
    w.store = open();
    ASSERT_TRUE(w.store);
  }
  std::vector<std::thread> threads;
  for (size_t i = 0; i < workers.size(); ++i) {
    threads.emplace_back([&w = workers[i], holder = "worker" + std::to_string(i)] {
      const store::Claim claim{holder, kNow, kNow + seconds(3600)};
      for (int empty_rounds = 0; empty_rounds < 3 && w.errors.size() < 100;) {
        auto batch = w.store->entries().claim_pending(claim, 25, 25);
        if (!batch) {
          w.errors.push_back(batch.error().message);
          continue;
        }
        empty_rounds = batch->empty() ? empty_rounds + 1 : 0;
        for (const auto& e : *batch) {
          for (;;) {
            auto marked = w.store->entries().mark(e.id, store::EntryState::kFetched, "", std::nullopt);
            if (marked) break;
            w.errors.push_back(marked.error().message);
            if (w.errors.size() >= 100) return;
          }
          w.marked.push_back(e.id);
        }
      }
    });
  }
  for (auto& t : threads) t.join();

  Ids marked;
  for (const auto& w : workers) {
    EXPECT_LT(w.errors.size(), 100u) << w.errors.front();
    if (!w.errors.empty()) RecordProperty("retried_after_error", w.errors.front());
    marked.insert(marked.end(), w.marked.begin(), w.marked.end());
  }
  std::sort(marked.begin(), marked.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(marked.begin(), marked.end()), marked.end()) << "an entry was marked twice";
  EXPECT_EQ(marked, all);
  auto fetched = a_->entries().count(store::EntryState::kFetched);
  ASSERT_TRUE(fetched);
  EXPECT_EQ(*fetched, static_cast<size_t>(kEntries));
}

TEST_P(WorkSharingTest, WaitingForAnUnknownKindOfWorkIsRefused) {
  auto r = a_->wait_for_work({"fetch", "gossip"}, std::chrono::milliseconds(1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidInput);
}

// --- Several senders sharing one edition's copies (DeliveryRepository::claim_due). ---

class CopySharingTest : public WorkSharingTest {
 protected:
  void SetUp() override {
    WorkSharingTest::SetUp();
    if (HasFatalFailure()) return;
    core::Edition e;
    e.name = "Daily";
    e.date = "2026-11-29";
    e.subject = "Daily";
    auto id = a_->editions().save(e, {"h", "t", "j"});
    ASSERT_TRUE(id) << id.error().message;
    edition_ = *id;
  }
  // `count` confirmed readers (and one pending, who gets no copy), their
  // copies queued; the readers' ids in order.
  Ids readers(int count) {
    Ids ids;
    auto added = a_->transaction([&]() -> core::Result<void> {
      for (int i = 0; i < count; ++i) {
        ND_TRY_ASSIGN(id, a_->subscribers().add("reader" + std::to_string(i) + "@example.net", "", kNow));
        ND_TRY(a_->subscribers().set_state(*id, core::SubscriberState::kConfirmed, kNow));
        ids.push_back(*id);
      }
      ND_TRY_ASSIGN(pending, a_->subscribers().add("pending@example.net", "", kNow));
      ND_TRY(a_->deliveries().enqueue(edition_, {*pending}, kNow));
      ND_TRY(a_->deliveries().enqueue_confirmed(edition_, "Daily", kNow));
      return {};
    });
    EXPECT_TRUE(added) << added.error().message;
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  Ids claim_copies(store::Store& sender, const store::Claim& claim, size_t limit = 100) {
    auto got = sender.deliveries().claim_due(edition_, claim, limit);
    EXPECT_TRUE(got) << got.error().message;
    Ids out;
    if (got) {
      for (const auto& d : *got) out.push_back(d.subscriber_id);
    }
    return out;
  }
  void settle(store::Store& sender, core::Id reader, core::DeliveryState state, core::TimePoint now = kNow,
              std::optional<core::TimePoint> retry_at = std::nullopt) {
    auto r = sender.deliveries().set_state(edition_, reader, state, "", now, retry_at);
    EXPECT_TRUE(r) << r.error().message;
  }
  std::vector<std::string> holders(core::TimePoint now) {
    auto got = a_->deliveries().holders(edition_, now);
    EXPECT_TRUE(got) << got.error().message;
    return got ? *got : std::vector<std::string>{};
  }

  core::Id edition_ = 0;
};

TEST_P(CopySharingTest, TwoSendersNeverClaimTheSameCopy) {
  const Ids r = readers(6);
  auto first = a_->deliveries().claim_due(edition_, claim_for("A"), 4);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 4u);
  EXPECT_EQ(first->front().email, "reader0@example.net") << "the copy carries its address";
  EXPECT_EQ(first->front().state, core::DeliveryState::kQueued);
  EXPECT_EQ(claim_copies(*b_, claim_for("B"), 10), Ids(r.begin() + 4, r.end()))
      << "only what A does not hold, in subscriber order, and never the pending reader's";
  EXPECT_EQ(claim_copies(*a_, claim_for("A")), Ids{}) << "A holds its own already; nothing else is left";
  EXPECT_EQ(claim_copies(*b_, claim_for("B")), Ids{});
  EXPECT_EQ(holders(kNow), (std::vector<std::string>{"A", "B"}));
}

TEST_P(CopySharingTest, ALiveLeaseIsSkippedAndAnExpiredOneTaken) {
  const Ids r = readers(3);
  EXPECT_EQ(claim_copies(*a_, claim_for("A", kNow, seconds(60))), r);
  EXPECT_EQ(claim_copies(*b_, claim_for("B", kNow + seconds(59))), Ids{}) << "A's lease is live";
  EXPECT_EQ(claim_copies(*b_, claim_for("B", kNow + seconds(60))), r) << "A's lease ran out (A died)";
  EXPECT_EQ(claim_copies(*a_, claim_for("A", kNow + seconds(61))), Ids{}) << "B holds them now";
  EXPECT_EQ(holders(kNow + seconds(61)), std::vector<std::string>{"B"});
}

TEST_P(CopySharingTest, CopiesADeadSenderLeftSendingComeBackAfterItsLease) {
  const Ids r = readers(4);
  EXPECT_EQ(claim_copies(*a_, claim_for("A", kNow, seconds(60))), r);
  settle(*a_, r[0], core::DeliveryState::kSending);
  settle(*a_, r[1], core::DeliveryState::kSending);
  settle(*a_, r[1], core::DeliveryState::kSent);
  settle(*a_, r[2], core::DeliveryState::kSending);
  settle(*a_, r[2], core::DeliveryState::kDeferred, kNow, kNow + seconds(10));
  // A dies here, with r[0] in flight and r[3] claimed.
  EXPECT_EQ(claim_copies(*b_, claim_for("B", kNow + seconds(9))), Ids{}) << "sending keeps the lease; sent ends it";
  EXPECT_EQ(claim_copies(*b_, claim_for("B", kNow + seconds(10))), Ids{r[2]}) << "deferred ended the claim";
  auto back = b_->deliveries().claim_due(edition_, claim_for("B", kNow + seconds(60)), 10);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ(back->at(0).subscriber_id, r[0]);
  EXPECT_EQ(back->at(0).state, core::DeliveryState::kSending) << "a copy in flight at the kill goes again";
  EXPECT_EQ(back->at(0).attempts, 1);
  EXPECT_EQ(back->at(1).subscriber_id, r[3]);
}

TEST_P(CopySharingTest, RenewKeepsTheHoldersCopiesAndReleaseGivesThemBack) {
  const Ids r = readers(4);
  EXPECT_EQ(claim_copies(*a_, claim_for("A", kNow, seconds(60)), 2), Ids(r.begin(), r.begin() + 2));
  EXPECT_EQ(claim_copies(*b_, claim_for("B", kNow, seconds(60)), 2), Ids(r.begin() + 2, r.end()));
  ASSERT_TRUE(a_->deliveries().renew(edition_, claim_for("A", kNow + seconds(30), seconds(60))));
  auto c = open();
  ASSERT_TRUE(c);
  EXPECT_EQ(claim_copies(*c, claim_for("C", kNow + seconds(60))), Ids(r.begin() + 2, r.end()))
      << "B's lease ran out; A's renewal holds to +90 s";
  auto released = a_->deliveries().release(edition_, "A");
  ASSERT_TRUE(released) << released.error().message;
  EXPECT_EQ(*released, 2u);
  EXPECT_EQ(claim_copies(*c, claim_for("C", kNow + seconds(61))), Ids(r.begin(), r.begin() + 2)) << "A let go";
  auto none = b_->deliveries().release(edition_, "B");
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0u) << "B holds nothing any more";
  EXPECT_EQ(holders(kNow + seconds(61)), std::vector<std::string>{"C"});
}

TEST_P(CopySharingTest, ThreeSendersAtOnceSettleEveryCopyExactlyOnce) {
  constexpr int kCopies = 2000;
  const Ids all = readers(kCopies);
  struct Sender {
    std::unique_ptr<store::Store> store;
    Ids settled;
    std::vector<std::string> errors;  // retried: an error must not lose a copy
  };
  std::vector<Sender> senders(3);
  for (auto& s : senders) {
    s.store = open();
    ASSERT_TRUE(s.store);
  }
  const core::Id edition = edition_;
  std::vector<std::thread> threads;
  for (size_t i = 0; i < senders.size(); ++i) {
    threads.emplace_back([&s = senders[i], edition, holder = "sender" + std::to_string(i)] {
      const store::Claim claim{holder, kNow, kNow + seconds(3600)};
      auto keep_trying = [&](const std::function<core::Result<void>()>& write) {
        for (;;) {
          auto done = write();
          if (done) return true;
          s.errors.push_back(done.error().message);
          if (s.errors.size() >= 100) return false;
        }
      };
      for (int empty_rounds = 0; empty_rounds < 3 && s.errors.size() < 100;) {
        auto batch = s.store->deliveries().claim_due(edition, claim, 25);
        if (!batch) {
          s.errors.push_back(batch.error().message);
          continue;
        }
        empty_rounds = batch->empty() ? empty_rounds + 1 : 0;
        for (const auto& d : *batch) {
          for (auto state : {core::DeliveryState::kSending, core::DeliveryState::kSent}) {
            if (!keep_trying([&] { return s.store->deliveries().set_state(edition, d.subscriber_id, state, "", kNow); })) return;
          }
          s.settled.push_back(d.subscriber_id);
        }
      }
    });
  }
  for (auto& t : threads) t.join();

  Ids settled;
  for (const auto& s : senders) {
    EXPECT_LT(s.errors.size(), 100u) << s.errors.front();
    if (!s.errors.empty()) RecordProperty("retried_after_error", s.errors.front());
    settled.insert(settled.end(), s.settled.begin(), s.settled.end());
  }
  std::sort(settled.begin(), settled.end());
  EXPECT_EQ(std::adjacent_find(settled.begin(), settled.end()), settled.end()) << "a copy was settled twice";
  EXPECT_EQ(settled, all);
  auto counts = a_->deliveries().counts(edition_);
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->sent, static_cast<size_t>(kCopies));
  EXPECT_EQ(counts->queued, 1u) << "the pending reader's copy is never claimed";
  EXPECT_EQ(holders(kNow), std::vector<std::string>{}) << "settling ended every claim";
}

INSTANTIATE_TEST_SUITE_P(Backends, CopySharingTest, ::testing::ValuesIn(test_support::store_backends()),
                         test_support::BackendName());

INSTANTIATE_TEST_SUITE_P(Backends, WorkSharingTest, ::testing::ValuesIn(test_support::store_backends()),
                         test_support::BackendName());

// --- Wake-ups: PostgreSQL's LISTEN/NOTIFY; SQLite only sleeps. ---

TEST(WorkSharingSqlite, WaitingForWorkSleepsTheTimeoutAndIsNeverWoken) {
  auto scratch = test_support::ScratchDatabase::create("sqlite");
  ASSERT_TRUE(scratch) << scratch.error().message;
  auto store = store::open_store((*scratch)->location());
  ASSERT_TRUE(store) << store.error().message;
  const auto start = std::chrono::steady_clock::now();
  auto woken = (*store)->wait_for_work({"fetch"}, std::chrono::milliseconds(20));
  ASSERT_TRUE(woken) << woken.error().message;
  EXPECT_FALSE(*woken);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(20));
}

class WorkSharingPostgresql : public ::testing::Test {
 protected:
  void SetUp() override {
    auto scratch = test_support::ScratchDatabase::create("postgresql");
    ASSERT_TRUE(scratch) << scratch.error().message;
    scratch_ = std::move(*scratch);
    for (auto* s : {&waiter_, &writer_}) {
      auto opened = store::open_store(scratch_->location());
      ASSERT_TRUE(opened) << opened.error().message;
      *s = std::move(*opened);
    }
    core::Source s;
    s.name = "A";
    s.feed_url = "https://a.example/feed";
    auto id = writer_->sources().add(s);
    ASSERT_TRUE(id) << id.error().message;
    source_ = *id;
    // The first wait LISTENs; work announced from then on wakes the waiter.
    auto listening = waiter_->wait_for_work({"fetch"}, std::chrono::milliseconds(0));
    ASSERT_TRUE(listening) << listening.error().message;
  }
  bool upsert(const std::string& url) {
    core::FeedEntry e;
    e.guid = e.url = url;
    auto r = writer_->entries().upsert(source_, e);
    EXPECT_TRUE(r) << r.error().message;
    return r && *r;
  }

  std::unique_ptr<test_support::ScratchDatabase> scratch_;
  std::unique_ptr<store::Store> waiter_;
  std::unique_ptr<store::Store> writer_;
  core::Id source_ = 0;
};

TEST_F(WorkSharingPostgresql, AWaitingWorkerIsWokenByANewEntry) {
  core::Result<bool> woken = false;
  // A minute: the wait returns as soon as it is woken, so the test never
  // depends on how fast the two sides run.
  std::thread waiting([&] { woken = waiter_->wait_for_work({"fetch"}, std::chrono::minutes(1)); });
  EXPECT_TRUE(upsert("https://a.example/story/1"));
  waiting.join();
  ASSERT_TRUE(woken) << woken.error().message;
  EXPECT_TRUE(*woken);
}

TEST_F(WorkSharingPostgresql, NothingNewLetsTheWaitRunOut) {
  EXPECT_TRUE(upsert("https://a.example/story/1"));
  auto first = waiter_->wait_for_work({"fetch"}, std::chrono::minutes(1));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(*first) << "the entry announced while it was not waiting was queued";

  EXPECT_FALSE(upsert("https://a.example/story/1")) << "known already: nothing inserted";
  core::Source other;
  other.name = "B";
  other.feed_url = "https://b.example/feed";
  ASSERT_TRUE(writer_->sources().add(other)) << "work of another kind";
  auto second = waiter_->wait_for_work({"fetch"}, std::chrono::milliseconds(300));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(*second) << "neither a known entry nor a new source is work to fetch";
}

TEST_F(WorkSharingPostgresql, EachKindOfWorkWakesItsOwnWaiters) {
  auto listening = waiter_->wait_for_work({"poll", "send", "cluster"}, std::chrono::milliseconds(0));
  ASSERT_TRUE(listening) << listening.error().message;
  core::Source other;
  other.name = "B";
  other.feed_url = "https://b.example/feed";
  ASSERT_TRUE(writer_->sources().add(other));
  auto poll = waiter_->wait_for_work({"poll"}, std::chrono::minutes(1));
  ASSERT_TRUE(poll) << poll.error().message;
  EXPECT_TRUE(*poll);

  core::Article a;
  a.source_id = source_;
  a.url = a.canonical_url = "https://a.example/story/1";
  a.title = "T";
  ASSERT_TRUE(writer_->articles().add(a));
  auto cluster = waiter_->wait_for_work({"cluster", "send"}, std::chrono::minutes(1));
  ASSERT_TRUE(cluster) << cluster.error().message;
  EXPECT_TRUE(*cluster);
}

}  // namespace
