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
// optional weekday, 2- or 4-digit year, full month names, missing seconds,
// zone as +hhmm, GMT/UT/UTC/Z or a US zone name. nullopt when not a date.
std::optional<TimePoint> parse_rfc822(std::string_view text);

// Either of the above, whichever fits.
std::optional<TimePoint> parse_date(std::string_view text);

// A time with the UTC offset its text gave (nullopt when the text named no
// zone, or named UTC by a zone name we only know as an offset of 0).
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
