// When feeds are read next: adaptive to how often they publish, bounded, and
// respectful of what feeds and servers ask for.
#include <gtest/gtest.h>

#include <set>

#include "core/time.hpp"
#include "feed/schedule.hpp"

using namespace newsdesk;
using feed::next_poll;
using feed::PollFacts;

namespace {
core::TimePoint at(const char* s) { return *core::parse_rfc3339(s); }
double minutes_between(core::TimePoint a, core::TimePoint b) {
  return std::chrono::duration<double>(b - a).count() / 60.0;
}
const core::TimePoint kNow = at("2026-11-29T10:00:00Z");
}  // namespace

TEST(ItemsPerDay, CountsTheRecentItemsOverTheSpanTheyCover) {
  std::vector<core::TimePoint> dates;
  for (int h = 0; h < 48; h += 2) dates.push_back(kNow - std::chrono::hours(h));  // 24 items over 2 days
  auto rate = feed::items_per_day(dates, kNow);
  ASSERT_TRUE(rate);
  EXPECT_NEAR(*rate, 24.0 / (46.0 / 24.0), 0.01);
  EXPECT_FALSE(feed::items_per_day({kNow}, kNow));                           // one date says nothing
  EXPECT_FALSE(feed::items_per_day({at("2020-01-01"), at("2020-01-02")}, kNow));  // old news
  EXPECT_DOUBLE_EQ(feed::blend_items_per_day(10, std::nullopt), 10);
  EXPECT_DOUBLE_EQ(feed::blend_items_per_day(0, 4.0), 4.0);
  EXPECT_DOUBLE_EQ(feed::blend_items_per_day(10, 20.0), 17.0);
}

TEST(NextPoll, BusyFeedsAreReadOftenQuietOnesRarelyWithinTheBounds) {
  core::PollConfig config;  // 10 minutes .. 6 hours
  PollFacts busy{1, 1, false, 0, 96, {}, {}, {}, {}};  // 96 a day: every 7.5 min wanted, floor 10
  PollFacts steady{2, 1, false, 0, 12, {}, {}, {}, {}};  // 12 a day: every hour
  PollFacts quiet{3, 1, false, 0, 0.2, {}, {}, {}, {}};  // rarely: the ceiling
  EXPECT_NEAR(minutes_between(kNow, next_poll(busy, config, kNow)), 10, 1.01);
  EXPECT_NEAR(minutes_between(kNow, next_poll(steady, config, kNow)), 60, 6.01);
  EXPECT_NEAR(minutes_between(kNow, next_poll(quiet, config, kNow)), 360, 36.01);
  EXPECT_GE(minutes_between(kNow, next_poll(busy, config, kNow)), 10);  // never under the floor
}

TEST(NextPoll, TtlAndCacheControlRaiseTheWaitRetryAfterToo) {
  core::PollConfig config;
  PollFacts f{7, 1, false, 0, 96, {}, {}, {}, {}};
  f.ttl_minutes = 120;
  EXPECT_GE(minutes_between(kNow, next_poll(f, config, kNow)), 108);
  f.ttl_minutes.reset();
  f.fresh_for_seconds = 3600;
  EXPECT_GE(minutes_between(kNow, next_poll(f, config, kNow)), 54);
  f.fresh_for_seconds = 30 * 24 * 3600;  // a month: believed up to a day
  EXPECT_LE(minutes_between(kNow, next_poll(f, config, kNow)), 24 * 60 * 1.1);
  f.fresh_for_seconds.reset();
  f.retry_after_seconds = 7200;
  EXPECT_GE(minutes_between(kNow, next_poll(f, config, kNow)), 108);
}

TEST(NextPoll, FailuresBackOffExponentiallyUpToTheCap) {
  core::PollConfig config;  // floor 10 min, cap 24 h
  double previous = 0;
  for (int failures = 1; failures <= 6; ++failures) {
    PollFacts f{9, failures, true, failures, 12, {}, {}, {}, {}};
    double wait = minutes_between(kNow, next_poll(f, config, kNow));
    EXPECT_NEAR(wait, 10.0 * (1 << (failures - 1)), 10.0 * (1 << (failures - 1)) * 0.11);
    EXPECT_GT(wait, previous * 1.5);
    previous = wait;
  }
  PollFacts many{9, 40, true, 40, 12, {}, {}, {}, {}};
  EXPECT_LE(minutes_between(kNow, next_poll(many, config, kNow)), 24 * 60 * 1.1);
}

TEST(NextPoll, SkipHoursMoveThePollToTheNextOpenHour) {
  core::PollConfig config;
  PollFacts f{5, 1, false, 0, 0.1, {}, {}, {}, {}};  // the ceiling: about 16:00 from 10:00
  f.skip_hours = {14, 15, 16, 17, 18};
  auto next = next_poll(f, config, kNow);
  EXPECT_GE(next, at("2026-11-29T19:00:00Z"));
  EXPECT_LT(next, at("2026-11-29T19:00:01Z"));
}

TEST(NextPoll, JitterSpreadsManyFeedsAndIsDeterministic) {
  core::PollConfig config;
  std::set<long long> minutes;
  for (core::Id id = 1; id <= 200; ++id) {
    PollFacts f{id, 1, false, 0, 12, {}, {}, {}, {}};
    auto next = next_poll(f, config, kNow);
    EXPECT_EQ(next, next_poll(f, config, kNow));
    minutes.insert(std::chrono::duration_cast<std::chrono::minutes>(next - kNow).count());
  }
  EXPECT_GE(minutes.size(), 10u);  // 200 hourly feeds land on many different minutes
}
