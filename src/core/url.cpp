#include "core/url.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <libpsl.h>

#include <memory>

#include "core/strings.hpp"

namespace newsdesk::core {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

std::string part(CURLU* u, CURLUPart which, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(u, which, &value, flags) != CURLUE_OK || value == nullptr) return {};
  std::string out(value);
  curl_free(value);
  return out;
}

}  // namespace

std::string resolve_url(std::string_view base, std::string_view reference) {
  std::string ref(trim(reference));
  if (ref.empty()) return {};
  CurlUrl u(curl_url());
  if (!base.empty() && curl_url_set(u.get(), CURLUPART_URL, std::string(base).c_str(), 0) != CURLUE_OK) {
    return ref;
  }
  if (curl_url_set(u.get(), CURLUPART_URL, ref.c_str(), 0) != CURLUE_OK) return ref;
  std::string out = part(u.get(), CURLUPART_URL);
  return out.empty() ? ref : out;
}

std::optional<UrlParts> parse_http_url(std::string_view url) {
  CurlUrl u(curl_url());
  if (curl_url_set(u.get(), CURLUPART_URL, std::string(trim(url)).c_str(), 0) != CURLUE_OK) return std::nullopt;
  UrlParts p;
  p.scheme = to_lower_ascii(part(u.get(), CURLUPART_SCHEME));
  if (p.scheme != "http" && p.scheme != "https") return std::nullopt;
  p.host = to_lower_ascii(part(u.get(), CURLUPART_HOST));
  if (p.host.size() > 2 && p.host.front() == '[') p.host = p.host.substr(1, p.host.size() - 2);
  if (p.host.empty()) return std::nullopt;
  p.port = part(u.get(), CURLUPART_PORT);
  if ((p.scheme == "http" && p.port == "80") || (p.scheme == "https" && p.port == "443")) p.port.clear();
  p.path = part(u.get(), CURLUPART_PATH);
  if (p.path.empty()) p.path = "/";
  p.query = part(u.get(), CURLUPART_QUERY);
  p.fragment = part(u.get(), CURLUPART_FRAGMENT);
  return p;
}

bool is_http_url(std::string_view url) { return parse_http_url(url).has_value(); }

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string percent_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string registrable_domain(const std::string& host) {
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1) return host;
  const psl_ctx_t* psl = psl_builtin();
  const char* registrable = psl != nullptr ? psl_registrable_domain(psl, host.c_str()) : nullptr;
  return registrable != nullptr ? std::string(registrable) : host;
}

std::string registrable_domain_of_url(std::string_view url) {
  auto parts = parse_http_url(url);
  return parts ? registrable_domain(parts->host) : std::string();
}

}  // namespace newsdesk::core
