// Links a reader can act on without logging in (unsubscribe, preferences):
// the subscriber (and edition) they are for, bound by an HMAC-SHA256 tag
// under the desk's secret, so that nobody can forge one for someone else.
// Pure: the secret is passed in (the store keeps it, store::Store::secret).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace newsdesk::core {

struct LinkClaims {
  std::string purpose;  // "unsubscribe", "preferences"
  Id subscriber = 0;
  Id edition = 0;       // 0 when the link is not about one edition
};

// "<subscriber>.<edition>.<tag>", URL-safe; the purpose is bound in the tag.
std::string sign_link(std::string_view secret, const LinkClaims& claims);

// The claims of a token for `purpose`, or nullopt when it is malformed or
// its tag does not match (compared in constant time).
std::optional<LinkClaims> verify_link(std::string_view secret, std::string_view purpose, std::string_view token);

}  // namespace newsdesk::core
