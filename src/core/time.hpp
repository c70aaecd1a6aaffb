// Dates as feeds and pages write them, and as we write them back.
// Pure functions; safe to call concurrently. Times are UTC seconds; an input's
// offset is applied, not kept.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

std::string format_rfc3339(TimePoint t);  // "2026-11-29T14:05:00Z"
std::string format_rfc822(TimePoint t);   // "Sun, 29 Nov 2026 14:05:00 +0000"
std::string format_human(TimePoint t);    // "Sunday 29 November 2026, 14:05"
std::string format_date(TimePoint t);     // "2026-11-29"

}  // namespace newsdesk::core
