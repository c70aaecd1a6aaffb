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

TEST(ZonedTime, KeepsTheOffsetItWasGiven) {
  auto z = parse_zoned("2025-06-25T20:57:54-04:00");
  ASSERT_TRUE(z);
  ASSERT_TRUE(z->offset_minutes);
  EXPECT_EQ(*z->offset_minutes, -240);
  EXPECT_EQ(format_rfc3339(z->utc), "2025-06-26T00:57:54Z");
  EXPECT_EQ(format_rfc3339(z->utc, *z->offset_minutes), "2025-06-25T20:57:54-04:00");
  EXPECT_FALSE(parse_zoned("2025-06-25 20:57")->offset_minutes) << "no zone written, none kept";
}

TEST(DateInText, FindsTheWaysPeopleWriteDates) {
  auto day = [](std::string_view text) {
    auto z = find_date_in_text(text);
    return z ? format_rfc3339(z->utc) : std::string("none");
  };
  EXPECT_EQ(day("By Jane Doe · December 19, 2025"), "2025-12-19T00:00:00Z");
  EXPECT_EQ(day("Published Dec. 19th, 2025 3:05 pm"), "2025-12-19T15:05:00Z");
  EXPECT_EQ(day("Updated 19 December 2025"), "2025-12-19T00:00:00Z");
  EXPECT_EQ(day("posted 2025-12-19"), "2025-12-19T00:00:00Z");
  EXPECT_EQ(day("on 12/19/2025 at 09:30"), "2025-12-19T09:30:00Z");
  EXPECT_EQ(day("Luke Kim December 17, 2025"), "2025-12-17T00:00:00Z");
  EXPECT_EQ(day("no date here, just 42 words"), "none");
  EXPECT_EQ(day("Mayday 19, 2025"), "none") << "a month must be a whole word";
}

TEST(DateInUrl, ReadsPathDates) {
  EXPECT_EQ(format_date(*find_date_in_url("https://x.example/2025/12/19/story")), "2025-12-19");
  EXPECT_EQ(format_date(*find_date_in_url("https://x.example/blog/2025-12-17-minisgl")), "2025-12-17");
  EXPECT_FALSE(find_date_in_url("https://x.example/p/123456789"));
  EXPECT_FALSE(find_date_in_url("https://x.example/2025/1234/"));
}

// Send times are local: a time the spring change skips is taken at the
// change, one the autumn change repeats at its first occurrence.
TEST(LocalTime, SendTimesAcrossClockChanges) {
  // New York, 8 March 2026: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
  auto gap = local_to_utc("2026-03-08", "02:30", "America/New_York");
  ASSERT_TRUE(gap);
  EXPECT_EQ(format_rfc3339(*gap), "2026-03-08T07:00:00Z");
  // 1 November 2026: 01:30 happens twice (EDT, then EST); the first is 05:30Z.
  auto overlap = local_to_utc("2026-11-01", "01:30", "America/New_York");
  ASSERT_TRUE(overlap);
  EXPECT_EQ(format_rfc3339(*overlap), "2026-11-01T05:30:00Z");
  // Ordinary days on each side of a change keep the local hour.
  EXPECT_EQ(format_rfc3339(*local_to_utc("2026-03-28", "06:00", "Europe/Paris")), "2026-03-28T05:00:00Z");
  EXPECT_EQ(format_rfc3339(*local_to_utc("2026-03-29", "06:00", "Europe/Paris")), "2026-03-29T04:00:00Z");
  // The local date turns at local midnight.
  EXPECT_EQ(*local_date(*parse_rfc3339("2026-11-29T23:30:00Z"), "Europe/Paris"), "2026-11-30");
  EXPECT_EQ(*local_date(*parse_rfc3339("2026-11-29T03:30:00Z"), "America/New_York"), "2026-11-28");
  EXPECT_FALSE(local_to_utc("2026-11-29", "06:00", "Mars/Olympus"));
}
