// What a delivery ledger makes of each SMTP outcome, and how fast copies may
// go: pure decisions, with the time passed in, so they can be tested alone.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "core/types.hpp"
#include "mail/smtp.hpp"

namespace newsdesk::mail {

struct RetryPolicy {
  std::chrono::seconds first_wait{std::chrono::minutes(5)};  // after the first 4xx; doubled each time
  std::chrono::seconds longest_wait{std::chrono::hours(1)};
  std::chrono::seconds give_up_after{std::chrono::hours(24)};  // counted from the first attempt
};

struct Verdict {
  core::DeliveryState state = core::DeliveryState::kDeferred;  // sent, deferred or failed
  std::optional<core::TimePoint> retry_at;                    // when deferred
  bool hard_bounce = false;  // the address itself was refused (5.1.x, or a bare 550/551/553)
  std::string why;           // for the ledger; "" when sent
};

// The ledger's verdict on one attempt (`attempts` counts it): 2xx sent; 5xx
// failed; 4xx or no answer deferred with back-off until the deadline, then
// failed. A lost connection is retried at once (on a new connection).
Verdict judge(const SmtpOutcome& outcome, int attempts, core::TimePoint first_attempt, core::TimePoint now,
              const RetryPolicy& policy);

// The enhanced status code (RFC 3463) at the start of a reply's text after
// its code ("550 5.1.1 no such user" -> "5.1.1"), or "".
std::string enhanced_status(const std::string& reply);

// Spaces events at most `rate` per second apart: each reservation returns
// the moment it may happen (now, or later when the pace is ahead of it).
// rate 0 means no limit. Not thread-safe: guard it.
class Pacer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Pacer(double rate = 0) : rate_(rate) {}
  Clock::time_point reserve(Clock::time_point now);

 private:
  double rate_;
  Clock::time_point next_{};
};

}  // namespace newsdesk::mail
