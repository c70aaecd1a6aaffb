// HTTP(S) fetching: the seam between newsdesk and the web. A fetch never
// throws; every outcome, including failures, is a value the caller branches on.
// CurlFetcher is safe to use from one thread at a time; make one per thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"

namespace newsdesk::fetch {

struct Request {
  std::string url;
  std::string etag;           // sent as If-None-Match when set
  std::string last_modified;  // sent as If-Modified-Since when set
};

enum class Outcome {
  kFetched,      // 2xx with a body
  kNotModified,  // 304: nothing new downstream
  kGone,         // 404 / 410: stop asking
  kRetryLater,   // 429, 5xx, timeouts, connection failures
  kFailed,       // anything else that will not get better by itself (4xx, refused, too large)
};
const char* to_string(Outcome outcome);

struct Response {
  Outcome outcome = Outcome::kFailed;
  long status = 0;          // HTTP status of the last response, 0 if none
  std::string url;          // the request URL
  std::string final_url;    // after redirects
  std::string content_type;
  std::string body;
  std::string etag;
  std::string last_modified;
  std::optional<long> retry_after_seconds;
  std::string error;        // why, when outcome is not kFetched / kNotModified
};

class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  // Fetches every request, up to the configured concurrency at once, and
  // returns the responses in request order.
  virtual std::vector<Response> fetch_all(const std::vector<Request>& requests) = 0;
  Response fetch(const Request& request) { return fetch_all({request}).front(); }
};

// libcurl multi: many transfers on one thread, gzip/br/zstd, redirects with a
// cap, timeouts, a maximum body size, and a guard that refuses loopback,
// private and link-local addresses (checked on the resolved address of every
// connection, redirects included) unless the config allows them.
std::unique_ptr<HttpFetcher> make_curl_fetcher(const core::FetchConfig& config);

// The charset parameter of a Content-Type value ("text/html; charset=utf-8"
// -> "utf-8"), "" when there is none.
std::string charset_of(std::string_view content_type);

// True for addresses a public fetcher must not reach (loopback, RFC 1918,
// link-local, CGNAT, unique-local, unspecified, multicast). Text form in.
bool is_private_address(const std::string& ip);

}  // namespace newsdesk::fetch
