// When to read a feed next: from how often it really publishes (adaptive
// between a floor and a ceiling), what it and its server ask for (ttl,
// Cache-Control, skipHours, Retry-After), with back-off on failure and a
// jitter that spreads thousands of feeds over the hour. Pure and
// deterministic: the same inputs give the same time.
#pragma once

#include <optional>
#include <vector>

#include "core/config.hpp"
#include "core/types.hpp"

namespace newsdesk::feed {

// Items per day a feed publishes, from the dates of the entries it lists
// now (the last 14 days of them): nullopt when fewer than two are dated.
std::optional<double> items_per_day(const std::vector<core::TimePoint>& published, core::TimePoint now);

// The estimate carried from poll to poll: a fresh reading replaces most of
// the old (0.7 new, 0.3 old), so one quiet day does not stall a busy feed.
double blend_items_per_day(double previous, std::optional<double> reading);

struct PollFacts {
  core::Id feed_id = 0;           // seeds the jitter
  int attempt = 0;                // polls so far; seeds the jitter too
  bool failed = false;            // this poll failed
  int consecutive_failures = 0;   // including this one when failed
  double items_per_day = 0;       // the blended estimate
  std::optional<int> ttl_minutes;          // RSS <ttl>
  std::optional<long> fresh_for_seconds;   // Cache-Control / Expires
  std::optional<long> retry_after_seconds; // Retry-After
  std::vector<int> skip_hours;             // RSS <skipHours>, UTC hours
};

// The next time to poll, after a poll at `now`.
core::TimePoint next_poll(const PollFacts& facts, const core::PollConfig& config, core::TimePoint now);

}  // namespace newsdesk::feed
