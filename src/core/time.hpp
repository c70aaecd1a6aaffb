// Dates as feeds and pages write them, and as we write them back.
// Pure functions; safe to call concurrently. Times are UTC seconds; an input's
// offset is applied, not kept.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/types.hpp"

namespace newsdesk::core {

// RFC 3339 / ISO 8601: "2026-11-29T14:05:00Z", "2026-11-29T14:05:00.123+01:00",
// "2026-11-29 14:05", "2026-11-29" (midnight UTC). nullopt when not a date.
std::optional<TimePoint> parse_rfc3339(std::string_view text);

// RFC 822 / 1123 as RSS uses it, with the variants real feeds publish:
// optional weekday, 2- or 4-digit year (00-49 are 2000s), full month names,
// missing seconds or comma, zone as +hhmm or +hh:mm or a name (below); month
// before day ("Tue, Dec 23 2003 10:00:00 GMT"); RFC 850's "06-Nov-94"; and
// asctime, "Sun Nov  6 08:49:37 [PST] 1994", as HTTP dates allow. nullopt
// when not a date.
std::optional<TimePoint> parse_rfc822(std::string_view text);

// Either of the above, whichever fits, and the other ways feeds write dates
// (what Python's feedparser reads, and more):
//   "2004-07-08 23:56:58.0", "2004-07-08T23:56" (no zone: UTC);
//   ISO 8601 basic "20040105T152600Z", "20040105"; "2004-01" and "2004" (the
//     first day of the month or year); ordinal "2004-005" (5 January);
//   "2004/07/08 23:56:58 EDT" and "Fri, 2006/09/15 08:19:53 EDT" (Perforce);
//   US numeric "03/02/2026 10:30 AM EST", "3/2/2026 10:30:15 pm", "03/02/2026":
//     month/day/year (four digits), day first when the first number is over
//     12 ("21/02/2026"); a 12-hour clock takes hours 1 to 12 only;
//   "Tue Mar 03 2026 10:30:00 GMT-0500 (Eastern Standard Time)" (JavaScript);
//   Greek "Κυρ, 11 Ιούλ 2004 12:00:00 EST", Hungarian "2004-július-13T9:15-05:00",
//     Korean "2004년 05월 28일 01:31:15" and "2004-05-25 오후 11:23:17" (KST).
// Zones: "Z", "+hh:mm", "+hhmm", "+hh", "GMT+hh:mm", GMT/UT/UTC/Etc/GMT,
// EST/EDT, CST/CDT, MST/MDT, PST/PDT, AST/ADT, MET (+1), MEST (+2); ET, CT,
// MT and PT as US time falls on that date (EST or EDT...); a military letter
// other than Z gives no offset. Any clock here may carry AM/PM. After a zone,
// a blank and anything may follow; otherwise only a "(comment)". Unknown zone
// names, impossible dates and anything else are nullopt.
std::optional<TimePoint> parse_date(std::string_view text);

// A time with the UTC offset its text gave: set when the text wrote an offset
// or a zone name we know ("GMT" and "Z" are 0); nullopt when it named no zone,
// wrote "-0000" or "-00:00" (RFC 5322 and RFC 3339: the offset is unknown),
// or a military letter other than Z (RFC 1123). The time is then read as UTC.
struct ZonedTime {
  TimePoint utc{};
  std::optional<int> offset_minutes;
};

// parse_date, keeping the offset.
std::optional<ZonedTime> parse_zoned(std::string_view text);

// The first date written for people inside running text: "December 19, 2025",
// "Dec. 19th, 2025 3:05 pm", "19 December 2025", "2025-12-19", "12/19/2025"
// (US order). Midnight UTC unless a time is given. nullopt when none.
std::optional<ZonedTime> find_date_in_text(std::string_view text);

// A date in a URL path: /2025/12/19/ or /2025-12-19-. nullopt when none.
std::optional<TimePoint> find_date_in_url(std::string_view url);

std::string format_rfc3339(TimePoint t);  // "2026-11-29T14:05:00Z"
// Local time at `offset_minutes`: "2026-11-29T09:05:00-05:00".
std::string format_rfc3339(TimePoint t, int offset_minutes);
std::string format_rfc822(TimePoint t);   // "Sun, 29 Nov 2026 14:05:00 +0000"
std::string format_human(TimePoint t);    // "Sunday 29 November 2026, 14:05"
std::string format_date(TimePoint t);     // "2026-11-29"

// The local date of `t` in an IANA time zone; kInvalidInput for an unknown zone.
Result<std::string> local_date(TimePoint t, std::string_view zone);
// The instant a local date and "HH:MM" time name in an IANA zone.
Result<TimePoint> local_to_utc(std::string_view day, std::string_view hhmm, std::string_view zone);

}  // namespace newsdesk::core
