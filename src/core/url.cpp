#include "core/url.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <libpsl.h>
#include <locale.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include <fmt/format.h>

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

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool is_scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

// RFC 3986's scheme ("http" of "http://..."); "" when `url` starts with none.
std::string_view scheme_prefix(std::string_view url) {
  size_t end = 0;
  while (end < url.size() && is_scheme_char(url[end])) ++end;
  if (end == 0 || end == url.size() || url[end] != ':' || !std::isalpha(static_cast<unsigned char>(url[0]))) return {};
  return url.substr(0, end);
}

// "example.com:8080/feed" and "localhost:8080" start as a scheme would, but
// are a host and port written without one: a dot no scheme of the web has,
// or digits after the colon.
bool is_host_and_port(std::string_view url, std::string_view prefix) {
  const size_t after = prefix.size() + 1;
  return prefix.find('.') != std::string_view::npos ||
         (after < url.size() && std::isdigit(static_cast<unsigned char>(url[after])));
}

// The host written between "scheme://" and the path, without user or port;
// nullopt when no "//" follows the scheme.
std::optional<std::string_view> written_host(std::string_view url, std::string_view scheme) {
  std::string_view rest = url.substr(scheme.size() + 1);
  if (rest.substr(0, 2) != "//") return std::nullopt;
  std::string_view authority = rest.substr(2, rest.find_first_of("/?#", 2) - 2);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    return close == std::string_view::npos ? authority : authority.substr(0, close + 1);
  }
  return authority.substr(0, authority.find(':'));
}

// What libcurl's parser objected to, in words for the person who wrote the URL.
std::string parse_problem(CURLUcode rc, std::string_view host) {
  switch (rc) {
    case CURLUE_NO_HOST: return "no host";
    case CURLUE_BAD_HOSTNAME: return fmt::format("host '{}' is not a valid host name", host);
    case CURLUE_BAD_IPV6: return fmt::format("host '{}' is not a valid IPv6 address", host);
    case CURLUE_BAD_PORT_NUMBER: return "the port is not a number from 0 to 65535";
    case CURLUE_BAD_LOGIN:
    case CURLUE_BAD_USER:
    case CURLUE_BAD_PASSWORD: return "bad user name or password part";
    default: return fmt::format("not a valid URL ({})", curl_url_strerror(rc));
  }
}

// The rule's checks on the text itself, before libcurl parses it: the
// problems libcurl would name vaguely ("Bad scheme") or not at all (it reads
// "http:///feed" as the host "feed").
Result<void> check_written_form(std::string_view url) {
  auto invalid = [](std::string message) { return fail(ErrorCode::kInvalidInput, std::move(message)); };
  if (url.empty()) return invalid("empty (an absolute http(s) URL is needed)");
  std::string_view prefix = scheme_prefix(url);
  const std::string scheme = to_lower_ascii(prefix);
  const bool http = scheme == "http" || scheme == "https";
  if (prefix.empty() || (!http && is_host_and_port(url, prefix))) {
    return invalid("no scheme (an absolute http(s) URL is needed)");
  }
  if (!http) return invalid(fmt::format("scheme '{}' is not http or https", prefix));
  auto host = written_host(url, prefix);
  if (!host) return invalid(fmt::format("no host ('//' and a host must follow '{}:')", prefix));
  if (host->empty()) return invalid("no host");
  auto blank = std::find_if(url.begin(), url.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b <= 0x20 || b == 0x7f;
  });
  if (blank != url.end()) return invalid("contains a space or control character (write a space as %20)");
  return {};
}

// libcurl 7.88 converts a non-ASCII host with libidn2's idn2_lookup_ul, which
// reads it in the calling thread's locale charset: under the C locale (the
// program's unless it calls setlocale) every such host fails. The URL is
// UTF-8 whatever the locale, so the conversion runs with a UTF-8 LC_CTYPE for
// this thread only, leaving the process's locale alone.
class Utf8CtypeInThisThread {
 public:
  Utf8CtypeInThisThread() {
    static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    if (utf8 != static_cast<locale_t>(nullptr)) previous_ = uselocale(utf8);
  }
  ~Utf8CtypeInThisThread() {
    if (previous_ != static_cast<locale_t>(nullptr)) uselocale(previous_);
  }
  Utf8CtypeInThisThread(const Utf8CtypeInThisThread&) = delete;
  Utf8CtypeInThisThread& operator=(const Utf8CtypeInThisThread&) = delete;

 private:
  locale_t previous_ = static_cast<locale_t>(nullptr);
};

// The parsed URL's host as stored: lower-case ASCII, an internationalised
// name in its IDNA (punycode) form, an IPv6 address as written.
Result<std::string> ascii_host(CURLU* u) {
  const std::string host = part(u, CURLUPART_HOST);
  if (host.empty()) return fail(ErrorCode::kInvalidInput, "no host");
  if (is_ascii(host)) return host.front() == '[' ? host : to_lower_ascii(host);
  Utf8CtypeInThisThread utf8;
  char* converted = nullptr;
  const CURLUcode rc = curl_url_get(u, CURLUPART_HOST, &converted, CURLU_PUNYCODE);
  std::string ascii = rc == CURLUE_OK && converted != nullptr ? converted : "";
  curl_free(converted);
  if (rc == CURLUE_LACKS_IDN) {
    return fail(ErrorCode::kInvalidInput,
                fmt::format("host '{}' is internationalised and this libcurl cannot convert it (no IDN support)", host));
  }
  if (ascii.empty() || !is_ascii(ascii)) {
    return fail(ErrorCode::kInvalidInput,
                fmt::format("host '{}' is not a valid internationalised domain name (IDNA)", host));
  }
  return to_lower_ascii(ascii);
}

// DNS's limits on a name (RFC 1035): labels of 1 to 63 characters, one
// trailing dot allowed (a fully qualified name). IP literals pass.
Result<void> check_host_labels(std::string_view host) {
  if (host.front() == '[') return {};
  std::string_view name = host.back() == '.' ? host.substr(0, host.size() - 1) : host;
  for (const auto& label : split(name, '.')) {
    if (label.empty()) return fail(ErrorCode::kInvalidInput, fmt::format("host '{}' has an empty label", host));
    if (label.size() > 63) {
      return fail(ErrorCode::kInvalidInput, fmt::format("host '{}' has a label longer than 63 characters", host));
    }
  }
  return {};
}

}  // namespace

Result<std::string> normalize_feed_url(std::string_view text) {
  const std::string url(trim(text));
  ND_TRY(check_written_form(url));
  CurlUrl u(curl_url());
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, url.c_str(), CURLU_URLENCODE); rc != CURLUE_OK) {
    const std::string_view scheme = scheme_prefix(url);
    return fail(ErrorCode::kInvalidInput, parse_problem(rc, written_host(url, scheme).value_or("")));
  }
  ND_TRY_ASSIGN(host, ascii_host(u.get()));
  ND_TRY(check_host_labels(*host));
  if (*host != part(u.get(), CURLUPART_HOST) && curl_url_set(u.get(), CURLUPART_HOST, host->c_str(), 0) != CURLUE_OK) {
    return fail(ErrorCode::kInvalidInput, fmt::format("host '{}' is not a valid host name", *host));
  }
  std::string normalized = part(u.get(), CURLUPART_URL);
  if (normalized.empty()) return fail(ErrorCode::kInvalidInput, "not a valid URL");
  return normalized;
}

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
