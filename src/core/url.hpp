// URLs through one parser (libcurl's URL API), for fetch, feeds, extraction
// and deduplication alike. Pure; safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace newsdesk::core {

// `reference` resolved against `base` (RFC 3986). Returns `reference`
// unchanged when either cannot be parsed, "" when reference is empty.
std::string resolve_url(std::string_view base, std::string_view reference);

// The parts newsdesk needs; nullopt when `url` is not an absolute http(s) URL.
struct UrlParts {
  std::string scheme;  // lower case
  std::string host;    // lower case, without brackets
  std::string port;    // "" when default or absent
  std::string path;    // "/" at least
  std::string query;   // without '?'
  std::string fragment;
};
std::optional<UrlParts> parse_http_url(std::string_view url);

// The rule for the URLs a source is registered with (its feed, and its site
// when given), so that every way in (sources add, discover --add, import-opml)
// stores only what the fetcher can read and the same feed under one spelling:
// an absolute http(s) URL, returned as stored: surrounding whitespace dropped,
// scheme and host in lower case, an internationalised host in its IDNA ASCII
// form ("http://bücher.example/feed" -> "http://xn--bcher-kva.example/feed"),
// non-ASCII path and query bytes percent-encoded, "/" for an empty path.
// Otherwise kInvalidInput whose message says what is wrong, without the URL
// itself ("no scheme (an absolute http(s) URL is needed)", "scheme 'ftp' is
// not http or https", "no host", ...), for the caller to put after it.
Result<std::string> normalize_feed_url(std::string_view url);

// "%2F2025-12-15%2B" -> "/2025-12-15+"; malformed escapes stay as they are.
std::string percent_decode(std::string_view s);
// Everything but RFC 3986's unreserved characters as %XX (for a query value).
std::string percent_encode(std::string_view s);

// True for absolute http:// and https:// URLs (what a page or email may link to).
bool is_http_url(std::string_view url);

// The registrable domain of a host (the Public Suffix List's rule:
// "news.example.co.uk" -> "example.co.uk"), the unit politeness is counted in:
// one site's budget, however many host names it serves from. An IP address, or
// a name the list cannot place, is its own domain.
std::string registrable_domain(const std::string& host);
// The same for a URL's host; "" when `url` is not an absolute http(s) URL.
std::string registrable_domain_of_url(std::string_view url);

}  // namespace newsdesk::core
