// The date forms feeds write (issue 22), read through the feed parser from
// tests/fixtures/feeds/rss_date_forms.xml: one item per form, in this order.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "feed/feed.hpp"

#ifndef NEWSDESK_FEED_FIXTURES
#define NEWSDESK_FEED_FIXTURES "tests/fixtures/feeds"
#endif

namespace core = newsdesk::core;
namespace feed = newsdesk::feed;

namespace {

feed::Feed parse_fixture(const std::string& name, std::string_view base) {
  std::ifstream in(std::string(NEWSDESK_FEED_FIXTURES) + "/" + name, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot open fixture " << name << " in " << NEWSDESK_FEED_FIXTURES;
  std::ostringstream bytes;
  if (in) bytes << in.rdbuf();
  auto r = feed::parse_feed(bytes.str(), base, "");
  if (!r) ADD_FAILURE() << name << ": " << r.error().message;
  return r ? std::move(*r) : feed::Feed{};
}

// "title: UTC instant offset", the offset "none" when the feed gave none and
// the instant "none" when the date was unreadable.
std::string published(const core::FeedEntry& e) {
  std::string out = e.title + ": " + (e.published ? core::format_rfc3339(*e.published) : "none");
  out += " " + (e.published_offset ? std::to_string(*e.published_offset) : std::string("none"));
  return out;
}

}  // namespace

TEST(FeedDateForms, EachItemHasItsPublishedTimeAndOffset) {
  auto f = parse_fixture("rss_date_forms.xml", "https://almanac-courier.example/rss");
  std::vector<std::string> got;
  for (const auto& e : f.entries) got.push_back(published(e));
  std::vector<std::string> want = {
      "asctime with a zone: 2026-03-05T00:29:06Z -480",
      "asctime without a zone: 2026-03-04T16:29:06Z none",
      "US numeric, 12-hour clock, zone name: 2026-03-02T15:30:00Z -300",
      "US numeric, one-digit month and day, seconds, pm: 2026-03-02T22:30:15Z none",
      "US numeric, date only: 2026-03-02T00:00:00Z none",
      "Day first when the day is over 12: 2026-02-21T21:15:00Z 60",
      "ISO date, space, fraction of a second: 2026-03-04T23:56:58Z none",
      "Perforce slashes and EDT: 2026-07-09T03:56:58Z -240",
      "ISO 8601 basic: 2026-01-05T15:26:00Z 0",
      "Month before day, no comma: 2026-03-03T10:00:00Z 0",
      "Two-digit year, offset with a colon: 2026-06-09T14:18:21Z 330",
      "Unknown offset: 2026-06-09T19:48:21Z none",
      "JavaScript's way: 2026-03-03T15:30:00Z -300",
      "Eastern time in summer: 2026-07-03T14:30:00Z -240",
      "Middle European summer time: 2026-07-03T08:30:00Z 120",
      "Year and month only: 2026-03-01T00:00:00Z none",
      "No month thirteen: none none",
  };
  EXPECT_EQ(got, want);
}

TEST(FeedDateForms, AnUnreadableFormWarnsWithItsText) {
  auto f = parse_fixture("rss_date_forms.xml", "https://almanac-courier.example/rss");
  int unreadable = 0;
  for (const auto& w : f.warnings) unreadable += w.find("unreadable date") != std::string::npos ? 1 : 0;
  EXPECT_EQ(unreadable, 1);
  bool named = false;
  for (const auto& w : f.warnings) named = named || w.find("'13/13/2026 10:30 AM'") != std::string::npos;
  EXPECT_TRUE(named);
}
