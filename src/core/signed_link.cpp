#include "core/signed_link.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

#include <fmt/format.h>

namespace newsdesk::core {
namespace {

// The first 16 bytes of HMAC-SHA256 over "purpose:subscriber:edition", in base64url.
std::string tag(std::string_view secret, const LinkClaims& c) {
  const std::string message = fmt::format("{}:{}:{}", c.purpose, c.subscriber, c.edition);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &length);
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned bits = 0, value = 0;
  for (unsigned i = 0; i < 16; ++i) {
    value = (value << 8) | mac[i];
    bits += 8;
    while (bits >= 6) {
      out += kAlphabet[(value >> (bits - 6)) & 63];
      bits -= 6;
    }
  }
  if (bits > 0) out += kAlphabet[(value << (6 - bits)) & 63];
  return out;
}

std::optional<Id> number(std::string_view s) {
  Id n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < 0) return std::nullopt;
  return n;
}

}  // namespace

std::string sign_link(std::string_view secret, const LinkClaims& claims) {
  return fmt::format("{}.{}.{}", claims.subscriber, claims.edition, tag(secret, claims));
}

std::optional<LinkClaims> verify_link(std::string_view secret, std::string_view purpose, std::string_view token) {
  if (secret.empty() || token.size() > 200) return std::nullopt;
  size_t first = token.find('.'), second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  auto subscriber = number(token.substr(0, first));
  auto edition = number(token.substr(first + 1, second - first - 1));
  if (!subscriber || !edition) return std::nullopt;
  LinkClaims claims{std::string(purpose), *subscriber, *edition};
  const std::string expected = tag(secret, claims);
  std::string_view given = token.substr(second + 1);
  if (given.size() != expected.size() || CRYPTO_memcmp(given.data(), expected.data(), given.size()) != 0) return std::nullopt;
  return claims;
}

}  // namespace newsdesk::core
