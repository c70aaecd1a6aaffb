#include <gtest/gtest.h>

#include "core/time.hpp"

using namespace newsdesk::core;

namespace {
std::string iso(std::optional<TimePoint> t) { return t ? format_rfc3339(*t) : "none"; }

// parse_zoned's reading as "UTC instant, offset": "2004-01-05T00:29:06Z -480",
// "...Z none" when no offset was given, "none" when the text is no date.
std::string zoned(std::string_view text) {
  auto z = parse_zoned(text);
  if (!z) return "none";
  return format_rfc3339(z->utc) + " " + (z->offset_minutes ? std::to_string(*z->offset_minutes) : "none");
}
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

// The date forms feeds write beyond RFC 822 and RFC 3339 (issue 22), each
// with its exact instant and offset.
TEST(DateForms, Asctime) {
  EXPECT_EQ(zoned("Sun Jan  4 16:29:06 PST 2004"), "2004-01-05T00:29:06Z -480");
  EXPECT_EQ(zoned("Sun Jan 4 16:29:06 2004"), "2004-01-04T16:29:06Z none");
  EXPECT_EQ(zoned("Sun Jan 4 16:29:06 +0100 2004"), "2004-01-04T15:29:06Z 60");
  EXPECT_EQ(zoned("Thu Feb 26 09:05:00 EST 2026"), "2026-02-26T14:05:00Z -300");
  // HTTP allows asctime and RFC 850 dates, so parse_rfc822 reads them too.
  EXPECT_EQ(iso(parse_rfc822("Sun Nov  6 08:49:37 1994")), "1994-11-06T08:49:37Z");
  EXPECT_EQ(iso(parse_rfc822("Sunday, 06-Nov-94 08:49:37 GMT")), "1994-11-06T08:49:37Z");
}

TEST(DateForms, UsNumericMonthFirst) {
  EXPECT_EQ(zoned("03/02/2026 10:30 AM EST"), "2026-03-02T15:30:00Z -300");
  EXPECT_EQ(zoned("3/2/2026 10:30:15 pm"), "2026-03-02T22:30:15Z none");
  EXPECT_EQ(zoned("03/02/2026"), "2026-03-02T00:00:00Z none");
  EXPECT_EQ(zoned("11/30/2026 11:59 p.m. -0800"), "2026-12-01T07:59:00Z -480");
  EXPECT_EQ(zoned("12/25/2026 12:00 AM"), "2026-12-25T00:00:00Z none") << "12 AM is midnight";
  EXPECT_EQ(zoned("12/25/2026 12:15 PM"), "2026-12-25T12:15:00Z none") << "12 PM is noon";
  EXPECT_EQ(zoned("3/2/2026 18:45 GMT"), "2026-03-02T18:45:00Z 0") << "a 24-hour clock";
  EXPECT_EQ(zoned("03/02/2026 10:30 +05:30"), "2026-03-02T05:00:00Z 330");
  // A first number over 12 cannot be a month: day/month/year.
  EXPECT_EQ(zoned("21/02/2026 22:15"), "2026-02-21T22:15:00Z none");
  EXPECT_EQ(zoned("31/12/2026"), "2026-12-31T00:00:00Z none");
}

TEST(DateForms, IsoWithSpaceFractionSlashesAndBasicForms) {
  EXPECT_EQ(zoned("2004-07-08 23:56:58.0"), "2004-07-08T23:56:58Z none");
  EXPECT_EQ(zoned("2004-07-08 23:56"), "2004-07-08T23:56:00Z none");
  EXPECT_EQ(zoned("2004-07-08 23:56:58.987654 +02:00"), "2004-07-08T21:56:58Z 120") << "fraction dropped";
  EXPECT_EQ(zoned("2004-07-08 11:56 PM"), "2004-07-08T23:56:00Z none");
  EXPECT_EQ(zoned("2004/07/08 23:56:58 EDT"), "2004-07-09T03:56:58Z -240");
  EXPECT_EQ(zoned("Fri, 2006/09/15 08:19:53 EDT"), "2006-09-15T12:19:53Z -240");
  EXPECT_EQ(zoned("20040105T152600Z"), "2004-01-05T15:26:00Z 0");
  EXPECT_EQ(zoned("20040105T1526-0500"), "2004-01-05T20:26:00Z -300");
  EXPECT_EQ(zoned("20040105"), "2004-01-05T00:00:00Z none");
  EXPECT_EQ(zoned("2004-01-05T15:26Z"), "2004-01-05T15:26:00Z 0");
  EXPECT_EQ(zoned("2004-01-05T152600"), "2004-01-05T15:26:00Z none");
  EXPECT_EQ(zoned("2004-01"), "2004-01-01T00:00:00Z none");
  EXPECT_EQ(zoned("2004"), "2004-01-01T00:00:00Z none");
  EXPECT_EQ(zoned("2004-005"), "2004-01-05T00:00:00Z none");
  EXPECT_EQ(zoned("2004-366T12:00Z"), "2004-12-31T12:00:00Z 0") << "2004 is a leap year";
  EXPECT_EQ(zoned("2004-1-5"), "2004-01-05T00:00:00Z none");
  // parse_rfc3339 keeps to RFC 3339's own form.
  EXPECT_FALSE(parse_rfc3339("2004"));
  EXPECT_FALSE(parse_rfc3339("20040105"));
  EXPECT_FALSE(parse_rfc3339("2004/07/08 23:56:58"));
  EXPECT_FALSE(parse_rfc3339("2004-005"));
}

TEST(DateForms, Rfc822Oddities) {
  EXPECT_EQ(zoned("Thu 01 Jan 2004 19:48:21 GMT"), "2004-01-01T19:48:21Z 0") << "no comma";
  EXPECT_EQ(zoned("Tue, Dec 23 2003 10:00:00 GMT"), "2003-12-23T10:00:00Z 0") << "month before day";
  EXPECT_EQ(zoned("Dec 23, 2003 10:00 PM CST"), "2003-12-24T04:00:00Z -360");
  EXPECT_EQ(zoned("December 23, 2003"), "2003-12-23T00:00:00Z none");
  EXPECT_EQ(zoned("Thu, 01 Jan 04 19:48:21 GMT"), "2004-01-01T19:48:21Z 0");
  EXPECT_EQ(zoned("Thu, 01 Jan 99 19:48:21 GMT"), "1999-01-01T19:48:21Z 0");
  EXPECT_EQ(zoned("Thu, 01 Jan 2004 19:48:21 +05:30"), "2004-01-01T14:18:21Z 330");
  EXPECT_EQ(zoned("Thu, 01 Jan 2004 19:48:21 MEST"), "2004-01-01T17:48:21Z 120");
  EXPECT_EQ(zoned("Thu, 01 Jan 2004 19:48:21 MET"), "2004-01-01T18:48:21Z 60");
  EXPECT_EQ(zoned("Thu, 01 Jan 2004 19:48:21 ADT"), "2004-01-01T22:48:21Z -180");
  EXPECT_EQ(zoned("Thu, 01 Jan 2004 19:48:21 GMT-05:00"), "2004-01-02T00:48:21Z -300");
  EXPECT_EQ(zoned("Thu, 01 Jan 2004 19:48:21 UTC+0530"), "2004-01-01T14:18:21Z 330");
  EXPECT_EQ(zoned("Thu, 01 Jan 2004 19:48:21 Etc/GMT"), "2004-01-01T19:48:21Z 0");
  EXPECT_EQ(zoned("Thu, 01 Jan 2004 19:48:21 +0000 (UTC)"), "2004-01-01T19:48:21Z 0");
  EXPECT_EQ(zoned("Tue Mar 03 2026 10:30:00 GMT-0500 (Eastern Standard Time)"), "2026-03-03T15:30:00Z -300");
  EXPECT_EQ(zoned("Tues., 03 Mar 2026 10:30 am EST"), "2026-03-03T15:30:00Z -300");
}

// "-0000" and "-00:00" say the writer's offset is unknown: UTC, none kept;
// "+0000" is an offset of 0.
TEST(DateForms, MinusZeroIsAnUnknownOffset) {
  EXPECT_EQ(zoned("Thu, 01 Jan 2004 19:48:21 -0000"), "2004-01-01T19:48:21Z none");
  EXPECT_EQ(zoned("2004-01-01T19:48:21-00:00"), "2004-01-01T19:48:21Z none");
  EXPECT_EQ(zoned("Thu, 01 Jan 2004 19:48:21 +0000"), "2004-01-01T19:48:21Z 0");
}

// ET, CT, MT and PT are US time as it falls on the date: EST in winter, EDT
// in summer.
TEST(DateForms, UsTimeNamesFollowDaylightSaving) {
  EXPECT_EQ(zoned("Mar 3, 2026 10:30 AM ET"), "2026-03-03T15:30:00Z -300");
  EXPECT_EQ(zoned("Jul 3, 2026 10:30 AM ET"), "2026-07-03T14:30:00Z -240");
  EXPECT_EQ(zoned("07/03/2026 10:30 PT"), "2026-07-03T17:30:00Z -420");
  EXPECT_EQ(zoned("2026-12-03 10:30 CT"), "2026-12-03T16:30:00Z -360");
  EXPECT_EQ(zoned("2026-07-03 10:30 MT"), "2026-07-03T16:30:00Z -360");
}

TEST(DateForms, KoreanGreekAndHungarian) {
  EXPECT_EQ(zoned("2004년 05월 28일  01:31:15"), "2004-05-27T16:31:15Z 540");
  EXPECT_EQ(zoned("2004-05-25 오후 11:23:17"), "2004-05-25T14:23:17Z 540");
  EXPECT_EQ(zoned("2004-05-25 오전 12:23:17"), "2004-05-24T15:23:17Z 540");
  EXPECT_EQ(zoned("Κυρ, 11 Ιούλ 2004 12:00:00 EST"), "2004-07-11T17:00:00Z -300");
  EXPECT_EQ(zoned("2004-július-13T9:15-05:00"), "2004-07-13T14:15:00Z -300");
}

// Near misses of each form, numbers and prose: none is a date.
TEST(DateForms, RefusesNearMisses) {
  for (std::string_view text : {
           "12345", "1 2 3 4 5", "3.14", "42", "200401", "2004010", "12345678", "123456789",
           "2004 was a good year", "Page 1 of 2", "Top 10 Mar 2026", "Hello 29 Nov 2026",
           "no date here, just 42 words", "",
           // US numeric: two-digit years, no month in either place, a bad 12-hour clock
           "3/2/26", "1/2/3", "13/13/2026", "02/30/2026", "03/02/2026 13:30 PM", "03/02/2026 0:30 am",
           "03/02/2026 and more", "3/4",
           // ISO: impossible ordinals and months, trailing words without a zone
           "2004-000", "2005-366", "2004-13", "2004-01-05T25:00Z", "2026-11-29T14:05:00Zjunk",
           "2026-11-29T14:05:00 trailing words", "2026-11-29T14:05:00Z/P1D", "0000-00-00 00:00:00",
           "20040105 15:26",
           "2004-Foo-13T9:15-05:00",
           // asctime: no year, a bad zone before it
           "Sun Jan 4 16:29:06", "Sun Jan 4 16:29:06 XYZ 2004",
           // RFC 822: unknown zones and weekdays, a zone glued to text, Etc/GMT with an offset
           "29 Nov 2026 14:05:00 foo", "Thu, 01 Jan 2004 19:48:21 EST5EDT",
           "Thu, 01 Jan 2004 19:48:21 Etc/GMT+5", "Sun, 29 Nov 2026 14:05:00 Q more",
           "Xyz, 29 Nov 2026 14:05:00 GMT", "May 2026", "Dec 32 2003", "Thu, 01 Jan 2004 19:48:21 +05:",
       }) {
    EXPECT_EQ(zoned(text), "none") << '"' << text << '"';
  }
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
