// Links a reader can act on without logging in (confirm, unsubscribe,
// preferences): the subscriber (and edition) they are for and, for some, an
// expiry, bound by an HMAC-SHA256 tag under the desk's secret, so that
// nobody can forge or stretch one. Pure: the secret and the time are passed
// in (the store keeps the secret, store::Store::secret).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace newsdesk::core {

struct LinkClaims {
  std::string purpose;  // "confirm", "unsubscribe", "preferences"
  Id subscriber = 0;
  Id edition = 0;       // 0 when the link is not about one edition
  std::int64_t expires = 0;  // seconds since the epoch; 0: never
};

// "<subscriber>.<edition>.<expires>.<tag>", URL-safe; the purpose is bound in the tag.
std::string sign_link(std::string_view secret, const LinkClaims& claims);

// The claims of a token for `purpose`, or nullopt when it is malformed, its
// tag does not match (compared in constant time) or it expired before `now`.
std::optional<LinkClaims> verify_link(std::string_view secret, std::string_view purpose, std::string_view token,
                                      TimePoint now);

// Whether a token is for `purpose` and genuine but past its expiry (to tell
// the reader so, rather than that the link is broken).
bool expired_link(std::string_view secret, std::string_view purpose, std::string_view token, TimePoint now);

// HMAC-SHA256 of `message` under `secret`, the first 16 bytes in base64url.
std::string hmac_tag(std::string_view secret, std::string_view message);

// SHA-256 in lower-case hex (API tokens are kept as their hash).
std::string sha256_hex(std::string_view data);

// Whether two strings are equal, in time that does not depend on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// `bytes` random bytes from the system, in lower-case hex.
std::string random_hex(size_t bytes);

// A password kept as "pbkdf2-sha256$ITERATIONS$SALT$HASH" (hex), and the check
// of a password against one (in constant time; false for a malformed hash).
std::string password_hash(std::string_view password, int iterations = 200000);
bool password_matches(std::string_view password, std::string_view hash);

}  // namespace newsdesk::core
