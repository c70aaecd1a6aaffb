#include "core/signed_link.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <vector>

#include <charconv>

#include <fmt/format.h>

namespace newsdesk::core {
namespace {

std::string tag(std::string_view secret, const LinkClaims& c) {
  return hmac_tag(secret, fmt::format("{}:{}:{}:{}", c.purpose, c.subscriber, c.edition, c.expires));
}

std::optional<Id> number(std::string_view s) {
  Id n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < 0) return std::nullopt;
  return n;
}

}  // namespace

std::string hmac_tag(std::string_view secret, std::string_view message) {
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

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(bytes)) != 1) return "";
  std::string out;
  for (unsigned char c : buf) out += fmt::format("{:02x}", c);
  return out;
}

namespace {

std::string pbkdf2_hex(std::string_view password, const std::string& salt, int iterations) {
  unsigned char key[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(), sizeof key, key);
  std::string out;
  for (unsigned char c : key) out += fmt::format("{:02x}", c);
  return out;
}

}  // namespace

std::string password_hash(std::string_view password, int iterations) {
  const std::string salt = random_hex(16);
  return fmt::format("pbkdf2-sha256${}${}${}", iterations, salt, pbkdf2_hex(password, salt, iterations));
}

bool password_matches(std::string_view password, std::string_view hash) {
  const auto parts = [&] {
    std::vector<std::string> out;
    size_t from = 0;
    for (size_t at = hash.find('$'); at != std::string_view::npos; at = hash.find('$', from)) {
      out.emplace_back(hash.substr(from, at - from));
      from = at + 1;
    }
    out.emplace_back(hash.substr(from));
    return out;
  }();
  if (parts.size() != 4 || parts[0] != "pbkdf2-sha256") return false;
  const int iterations = std::atoi(parts[1].c_str());
  if (iterations < 1000 || iterations > 10000000 || parts[2].empty()) return false;
  return constant_time_equal(pbkdf2_hex(password, parts[2], iterations), parts[3]);
}

std::string sign_link(std::string_view secret, const LinkClaims& claims) {
  return fmt::format("{}.{}.{}.{}", claims.subscriber, claims.edition, claims.expires, tag(secret, claims));
}

namespace {

// The claims the token states, if its tag is genuine; expiry not checked.
std::optional<LinkClaims> genuine(std::string_view secret, std::string_view purpose, std::string_view token) {
  if (secret.empty() || token.size() > 200) return std::nullopt;
  std::string_view parts[4];
  size_t from = 0;
  for (int i = 0; i < 3; ++i) {
    size_t dot = token.find('.', from);
    if (dot == std::string_view::npos) return std::nullopt;
    parts[i] = token.substr(from, dot - from);
    from = dot + 1;
  }
  parts[3] = token.substr(from);
  auto subscriber = number(parts[0]);
  auto edition = number(parts[1]);
  auto expires = number(parts[2]);
  if (!subscriber || !edition || !expires) return std::nullopt;
  LinkClaims claims{std::string(purpose), *subscriber, *edition, *expires};
  const std::string expected = tag(secret, claims);
  if (parts[3].size() != expected.size() || CRYPTO_memcmp(parts[3].data(), expected.data(), expected.size()) != 0) {
    return std::nullopt;
  }
  return claims;
}

}  // namespace

std::optional<LinkClaims> verify_link(std::string_view secret, std::string_view purpose, std::string_view token, TimePoint now) {
  auto claims = genuine(secret, purpose, token);
  if (!claims || (claims->expires != 0 && claims->expires < now.time_since_epoch().count())) return std::nullopt;
  return claims;
}

bool expired_link(std::string_view secret, std::string_view purpose, std::string_view token, TimePoint now) {
  auto claims = genuine(secret, purpose, token);
  return claims && claims->expires != 0 && claims->expires < now.time_since_epoch().count();
}

}  // namespace newsdesk::core
