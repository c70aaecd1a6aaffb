#include <gtest/gtest.h>

#include "core/time.hpp"

using namespace newsdesk::core;

namespace {
std::string iso(std::optional<TimePoint> t) { return t ? format_rfc3339(*t) : "none"; }
}  // namespace

TEST(Rfc3339, ReadsUtcAndOffsets) {
  EXPECT_EQ(iso(parse_rfc3339("2026-11-29T14:05:00Z")), "2026-11-29T14:05:00Z");
  EXPECT_EQ(iso(parse_rfc3339("2026-11-29T14:05:00+01:00")), "2026-11-29T13:05:00Z");
  EXPECT_EQ(iso(parse_rfc3339("2026-11-29T14:05:00.123-0500")), "2026-11-29T19:05:00Z");
  EXPECT_EQ(iso(parse_rfc3339("2026-11-29 14:05")), "2026-11-29T14:05:00Z");
  EXPECT_EQ(iso(parse_rfc3339("2026-11-29")), "2026-11-29T00:00:00Z");
}

TEST(Rfc3339, RefusesWhatIsNotADate) {
  EXPECT_FALSE(parse_rfc3339("yesterday"));
  EXPECT_FALSE(parse_rfc3339("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-02-30"));
  EXPECT_FALSE(parse_rfc3339(""));
}

TEST(Rfc822, ReadsTheVariantsFeedsPublish) {
  EXPECT_EQ(iso(parse_rfc822("Sun, 29 Nov 2026 14:05:00 +0000")), "2026-11-29T14:05:00Z");
  EXPECT_EQ(iso(parse_rfc822("Sun, 29 Nov 2026 14:05:00 GMT")), "2026-11-29T14:05:00Z");
  EXPECT_EQ(iso(parse_rfc822("29 Nov 2026 14:05 EST")), "2026-11-29T19:05:00Z");
  EXPECT_EQ(iso(parse_rfc822("Sunday, 29 November 2026 14:05:00 -0130")), "2026-11-29T15:35:00Z");
  EXPECT_EQ(iso(parse_rfc822("Sun, 29 Nov 26 14:05:00 +0100")), "2026-11-29T13:05:00Z");
  EXPECT_EQ(iso(parse_rfc822("29 Nov 2026")), "2026-11-29T00:00:00Z");
}

TEST(Rfc822, ReadsTheHumanFormatWeWrite) {
  auto t = parse_rfc3339("2026-11-29T14:05:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_human(*t), "Sunday 29 November 2026, 14:05");
  EXPECT_EQ(iso(parse_date(format_human(*t))), "2026-11-29T14:05:00Z");
}

TEST(Rfc822, RefusesGarbage) {
  EXPECT_FALSE(parse_rfc822("Sun, 32 Nov 2026 14:05:00 +0000"));
  EXPECT_FALSE(parse_rfc822("Sun, 29 Foo 2026"));
  EXPECT_FALSE(parse_date("not a date at all"));
}

TEST(Format, WritesRfc822AndDate) {
  auto t = *parse_rfc3339("2026-01-05T08:09:10Z");
  EXPECT_EQ(format_rfc822(t), "Mon, 05 Jan 2026 08:09:10 +0000");
  EXPECT_EQ(format_date(t), "2026-01-05");
}
