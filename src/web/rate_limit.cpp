#include "web/rate_limit.hpp"

#include <fmt/format.h>

#include "core/signed_link.hpp"

namespace newsdesk::web {

std::string rate_limit_key(std::string_view secret, std::string_view kind, std::string_view subject) {
  return fmt::format("{}:{}", kind, core::hmac_tag(secret, fmt::format("rate-limit:{}:{}", kind, subject)));
}

core::Result<bool> count_attempt(store::Store& store, const RateLimit& limit, std::string_view subject,
                                 core::TimePoint now) {
  // The links secret is shared by every node (kept in the store), so every
  // node hashes a subject to the same key.
  ND_TRY_ASSIGN(secret, store.secret("links"));
  ND_TRY_ASSIGN(hits, store.rate_limits().hit(rate_limit_key(*secret, limit.kind, subject), now, limit.window));
  return *hits <= limit.limit;
}

}  // namespace newsdesk::web
