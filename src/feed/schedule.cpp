#include "feed/schedule.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace newsdesk::feed {
namespace {

using Seconds = std::chrono::seconds;

// A number in [-1, 1) from the feed and the attempt: splitmix64, so that
// neighbouring ids land far apart.
double unit_noise(core::Id feed_id, int attempt) {
  std::uint64_t z = static_cast<std::uint64_t>(feed_id) * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(attempt);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) / static_cast<double>(1ULL << 53) * 2.0 - 1.0;
}

}  // namespace

std::optional<double> items_per_day(const std::vector<core::TimePoint>& published, core::TimePoint now) {
  auto horizon = now - std::chrono::hours(24 * 14);
  std::vector<core::TimePoint> recent;
  for (auto t : published) {
    if (t >= horizon && t <= now + std::chrono::hours(1)) recent.push_back(t);
  }
  if (recent.size() < 2) return std::nullopt;
  auto oldest = *std::min_element(recent.begin(), recent.end());
  // The span the feed's items cover, up to now: a feed listing 20 items of
  // the last two days publishes about ten a day. At least an hour, so a
  // burst does not read as thousands a day.
  double days = std::max(std::chrono::duration<double>(now - oldest).count() / 86400.0, 1.0 / 24.0);
  return static_cast<double>(recent.size()) / days;
}

double blend_items_per_day(double previous, std::optional<double> reading) {
  if (!reading) return previous;
  if (previous <= 0) return *reading;
  return 0.7 * *reading + 0.3 * previous;
}

core::TimePoint next_poll(const PollFacts& f, const core::PollConfig& config, core::TimePoint now) {
  const double floor = config.min_interval_minutes * 60.0;
  const double ceiling = std::max(config.max_interval_minutes * 60.0, floor);
  double wait;
  if (f.failed) {
    // Exponential back-off from the floor, capped: a failing feed is still
    // tried at least every max_backoff_hours.
    int doublings = std::clamp(f.consecutive_failures - 1, 0, 30);
    wait = std::min(floor * std::pow(2.0, doublings), config.max_backoff_hours * 3600.0);
  } else {
    // About two polls per new item, between the floor and the ceiling: a
    // feed with 48 items a day every 15 minutes, one with 2 a day every 6 hours.
    wait = f.items_per_day > 0 ? 86400.0 / f.items_per_day / 2.0 : ceiling;
    // What the feed and its server ask for raises the floor (up to a day).
    double asked = 0;
    if (f.ttl_minutes) asked = std::max(asked, *f.ttl_minutes * 60.0);
    if (f.fresh_for_seconds) asked = std::max(asked, static_cast<double>(*f.fresh_for_seconds));
    double low = std::max(floor, std::min(asked, 86400.0));
    wait = std::clamp(wait, low, std::max(ceiling, low));
  }
  // ±10% jitter, never below the floor for healthy feeds nor under what
  // the server asked for.
  wait *= 1.0 + 0.1 * unit_noise(f.feed_id, f.attempt);
  if (!f.failed) wait = std::max(wait, floor);
  if (f.retry_after_seconds) wait = std::max(wait, static_cast<double>(*f.retry_after_seconds));
  core::TimePoint next = now + Seconds(static_cast<long long>(std::llround(wait)));
  // skipHours: the feed says nothing changes in those UTC hours.
  if (!f.skip_hours.empty() && f.skip_hours.size() < 24) {
    for (int step = 0; step < 24; ++step) {
      auto since_midnight = next.time_since_epoch() % std::chrono::hours(24);
      int hour = static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(since_midnight).count());
      if (std::find(f.skip_hours.begin(), f.skip_hours.end(), hour) == f.skip_hours.end()) break;
      next += std::chrono::hours(1) - (since_midnight % std::chrono::hours(1));  // the start of the next hour
    }
  }
  return next;
}

}  // namespace newsdesk::feed
