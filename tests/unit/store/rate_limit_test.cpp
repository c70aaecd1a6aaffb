// Abuse limits counted in the store (RateLimitRepository), on both backends:
// fixed windows, counted together by several stores on one desk (as several
// web nodes would), exactly, also when they hit at once; windows that ended
// are pruned. Time is driven by the `now` each call takes: nothing sleeps.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <thread>

#include "core/time.hpp"
#include "store/store.hpp"
#include "test_store.hpp"

using namespace newsdesk;
using std::chrono::seconds;

namespace {

const core::TimePoint kNow = *core::parse_rfc3339("2026-11-29T09:00:00Z");
constexpr seconds kHour{3600};

// a_ and b_: web nodes A and B, each on its own connection.
class RateLimitTest : public test_support::TwoStoresOnOneDesk {
 protected:
  // The count a hit returns, or -1 after an error (which fails the test).
  static int hit(store::Store& s, const std::string& key, core::TimePoint now, seconds window = kHour) {
    auto n = s.rate_limits().hit(key, now, window);
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : -1;
  }

};

}  // namespace

TEST_P(RateLimitTest, CountsHitsInAFixedWindowAndStartsAgainAfterIt) {
  EXPECT_EQ(hit(*a_, "signup-ip:x", kNow), 1);
  EXPECT_EQ(hit(*a_, "signup-ip:x", kNow), 2);
  EXPECT_EQ(hit(*a_, "signup-ip:x", kNow + kHour - seconds(1)), 3) << "the window's last second";
  EXPECT_EQ(hit(*a_, "signup-ip:x", kNow + kHour), 1) << "the window ended: a new one opens";
  EXPECT_EQ(hit(*a_, "signup-ip:x", kNow + kHour + seconds(10)), 2);
  EXPECT_EQ(hit(*a_, "signup-ip:y", kNow + kHour), 1) << "keys count apart";
  EXPECT_EQ(hit(*a_, "admin-login:x", kNow + kHour), 1) << "kinds count apart";
}

TEST_P(RateLimitTest, HittingOnDoesNotPushTheWindowOut) {
  // A refused client that keeps knocking is let in again when the window
  // that refused it ends, not a window after its last knock.
  EXPECT_EQ(hit(*a_, "k", kNow), 1);
  for (int i = 1; i < 60; ++i) EXPECT_EQ(hit(*a_, "k", kNow + seconds(i * 60 - 1)), i + 1);
  EXPECT_EQ(hit(*a_, "k", kNow + kHour), 1);
}

TEST_P(RateLimitTest, TwoStoresOnOneDeskCountTogether) {
  EXPECT_EQ(hit(*a_, "signup-ip:x", kNow), 1);
  EXPECT_EQ(hit(*b_, "signup-ip:x", kNow), 2);
  EXPECT_EQ(hit(*a_, "signup-ip:x", kNow + seconds(5)), 3);
  EXPECT_EQ(hit(*b_, "signup-ip:x", kNow + seconds(9)), 4);
  EXPECT_EQ(hit(*b_, "signup-ip:x", kNow + kHour), 1) << "the window A opened has ended, whoever hits next";
  EXPECT_EQ(hit(*a_, "signup-ip:x", kNow + kHour), 2);
}

TEST_P(RateLimitTest, HitsAtOnceFromSeveralStoresAddUpExactly) {
  constexpr int kNodes = 4;
  constexpr int kHitsEach = 50;
  struct Node {
    std::unique_ptr<store::Store> store;
    std::vector<int> counts;
    std::vector<std::string> errors;  // a failed hit counts nothing (checked below)
  };
  std::vector<Node> nodes(kNodes);
  for (auto& n : nodes) {
    n.store = open();
    ASSERT_TRUE(n.store);
  }
  std::vector<std::thread> threads;
  for (auto& n : nodes) {
    threads.emplace_back([&n] {
      for (int i = 0; i < kHitsEach; ++i) {
        auto c = n.store->rate_limits().hit("admin-login:x", kNow + seconds(i % 7), kHour);
        if (c) {
          n.counts.push_back(*c);
        } else {
          n.errors.push_back(c.error().message);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<int> counts;
  size_t errors = 0;
  for (const auto& n : nodes) {
    counts.insert(counts.end(), n.counts.begin(), n.counts.end());
    errors += n.errors.size();
    if (!n.errors.empty()) RecordProperty("hit_failed", n.errors.front());
  }
  EXPECT_LT(errors, counts.size()) << "most hits are counted";
  std::sort(counts.begin(), counts.end());
  std::vector<int> expected(counts.size());
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(counts, expected) << "each hit counted once: 1..n, none twice, none lost";
  EXPECT_EQ(hit(*a_, "admin-login:x", kNow + seconds(30)), static_cast<int>(counts.size()) + 1);
}

TEST_P(RateLimitTest, PruneDeletesTheWindowsThatEndedOnly) {
  EXPECT_EQ(hit(*a_, "short", kNow, seconds(60)), 1);
  EXPECT_EQ(hit(*a_, "long", kNow, kHour), 1);
  EXPECT_EQ(hit(*a_, "long", kNow, kHour), 2);
  auto none = b_->rate_limits().prune(kNow + seconds(59));
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(*none, 0u);
  auto pruned = b_->rate_limits().prune(kNow + seconds(60));
  ASSERT_TRUE(pruned) << pruned.error().message;
  EXPECT_EQ(*pruned, 1u) << "the short window ended; the long one is live";
  EXPECT_EQ(hit(*b_, "long", kNow + seconds(61)), 3) << "a live window keeps its count";
}

TEST_P(RateLimitTest, HitsPruneEndedWindowsOnTheWay) {
  EXPECT_EQ(hit(*a_, "gone-1", kNow, seconds(60)), 1);
  EXPECT_EQ(hit(*a_, "gone-2", kNow, seconds(60)), 1);
  // Minutes later, a hit on another key: the ended windows go on the way.
  EXPECT_EQ(hit(*a_, "other", kNow + seconds(300)), 1);
  auto left = b_->rate_limits().prune(kNow + seconds(300));
  ASSERT_TRUE(left) << left.error().message;
  EXPECT_EQ(*left, 0u) << "nothing left to prune";
}

INSTANTIATE_TEST_SUITE_P(Backends, RateLimitTest, ::testing::ValuesIn(test_support::store_backends()),
                         test_support::BackendName());
