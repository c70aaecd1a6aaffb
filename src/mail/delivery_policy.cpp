#include "mail/delivery_policy.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace newsdesk::mail {

std::string enhanced_status(const std::string& reply) {
  // The reply text joins lines with spaces; the first "d.d.d" token after the code counts.
  size_t i = reply.size() >= 4 && std::isdigit(static_cast<unsigned char>(reply[0])) ? 4 : 0;
  size_t end = reply.find(' ', i);
  std::string token = reply.substr(i, end == std::string::npos ? std::string::npos : end - i);
  int dots = 0;
  for (char c : token) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return "";
    }
  }
  if (dots != 2 || token.size() < 5 || (token[0] != '2' && token[0] != '4' && token[0] != '5') || token[1] != '.') return "";
  return token;
}

Verdict judge(const SmtpOutcome& outcome, int attempts, core::TimePoint first_attempt, core::TimePoint now,
              const RetryPolicy& policy) {
  Verdict v;
  const std::string& reply = outcome.reply;
  switch (outcome.kind) {
    case SmtpOutcome::Kind::kSent:
      v.state = core::DeliveryState::kSent;
      return v;
    case SmtpOutcome::Kind::kFailed: {
      v.state = core::DeliveryState::kFailed;
      v.why = reply;
      std::string status = enhanced_status(outcome.reply);
      v.hard_bounce = status.empty() ? (outcome.code == 550 || outcome.code == 551 || outcome.code == 553)
                                     : status.rfind("5.1.", 0) == 0;
      return v;
    }
    case SmtpOutcome::Kind::kDeferred:
      break;
  }
  // Deferred: again later, unless the deadline has passed.
  std::chrono::seconds wait{0};
  if (!outcome.connection_lost || outcome.code != 0) {
    wait = policy.first_wait;
    for (int i = 1; i < attempts && wait < policy.longest_wait; ++i) wait *= 2;
    wait = std::min(wait, policy.longest_wait);
  }
  core::TimePoint retry = now + wait;
  if (retry > first_attempt + policy.give_up_after) {
    v.state = core::DeliveryState::kFailed;
    v.why = fmt::format("gave up after {} attempts: {}", attempts, reply);
    return v;
  }
  v.state = core::DeliveryState::kDeferred;
  v.retry_at = retry;
  v.why = reply;
  return v;
}

Pacer::Clock::time_point Pacer::reserve(Clock::time_point now) {
  if (rate_ <= 0) return now;
  auto at = std::max(now, next_);
  next_ = at + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate_));
  return at;
}

}  // namespace newsdesk::mail
