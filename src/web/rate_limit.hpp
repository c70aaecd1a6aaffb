// Abuse limits shared by every web node of a desk: sign-ups per network and
// per address, admin logins per network. Each attempt is counted in the
// store (store::RateLimitRepository: fixed windows, one atomic statement),
// so M nodes behind one load balancer allow what one node would, not M times
// as much. What is counted (an IP, an address) is kept only as an HMAC tag
// under the desk's secret: the table never holds an address in clear.
//
// Not thread-safe by itself: the caller holds the mutex of `store`.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/types.hpp"
#include "store/store.hpp"

namespace newsdesk::web {

struct RateLimit {
  std::string_view kind;  // "signup-ip", "signup-email", "admin-login": the key's prefix
  int limit = 0;          // attempts let in per window
  std::chrono::seconds window{};
};

// Counts one attempt of `subject` (an IP address, an email address) at
// `now`. Returns true while it is within the limit, false once it is past
// it (refused attempts count too, within the same window). An error when
// the store could not read the secret or count: the caller decides whether
// to let the attempt in (sign-ups) or not (admin logins).
core::Result<bool> count_attempt(store::Store& store, const RateLimit& limit, std::string_view subject,
                                 core::TimePoint now);

// The key `subject` is counted under: "<kind>:" and an HMAC-SHA256 tag of
// kind and subject under `secret`. For tests and count_attempt.
std::string rate_limit_key(std::string_view secret, std::string_view kind, std::string_view subject);

}  // namespace newsdesk::web
