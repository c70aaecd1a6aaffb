// HTTP(S) fetching: the seam between newsdesk and the web. A fetch never
// throws; every outcome, including failures, is a value the caller branches on.
// The curl fetcher is polite by itself: robots.txt, a per-domain budget,
// Retry-After, one transfer per URL. It is safe to use from one thread at a
// time; make one per thread (each keeps its own robots.txt cache).
#pragma once

#include <chrono>
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

// Why a fetch failed, in the classes a source's health is reported by.
enum class FailureClass {
  kNone,
  kDns,            // the name did not resolve
  kConnect,        // refused, reset, closed early, nothing received
  kTls,            // handshake or certificate
  kTimeout,        // connect or whole-transfer timeout
  kHttpStatus,     // the server answered with an error status
  kBlocked,        // bot protection (a challenge page, 403/429/503 from a shield)
  kRobots,         // robots.txt disallows it (not fetched)
  kTooLarge,       // over fetch.max_body_bytes (also after decompression)
  kRedirects,      // too many redirects, or a loop
  kRefused,        // a non-public address, or a scheme other than http(s)
  kOther,
};
const char* to_string(FailureClass failure);  // "dns", "connect", "tls", ...

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
  std::optional<long> retry_after_seconds;  // Retry-After, as seconds from now
  // How long the server says the answer stays fresh (Cache-Control max-age,
  // else Expires - Date); nullopt when it says nothing; 0 for no-cache.
  std::optional<long> fresh_for_seconds;
  // Set when every redirect on the way was permanent (301, 308): the URL to
  // use from now on.
  std::optional<std::string> moved_permanently_to;
  std::string error;        // why, when outcome is not kFetched / kNotModified
  FailureClass failure = FailureClass::kNone;
  // When the fetcher started this transfer, on its own steady clock; empty
  // when it never started (refused, held, disallowed). The per-domain delay
  // is a promise about these times: two starts to one domain are never
  // closer than fetch.per_domain_delay_ms (what the server sees also carries
  // connection set-up and scheduling, so it is no measure of the fetcher).
  std::optional<std::chrono::steady_clock::time_point> started_at;
};

class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  // Fetches every request, up to the configured concurrency at once, and
  // returns the responses in request order.
  virtual std::vector<Response> fetch_all(const std::vector<Request>& requests) = 0;
  Response fetch(const Request& request) { return fetch_all({request}).front(); }
};

// libcurl multi: many transfers on one thread, HTTP/1.1 and HTTP/2,
// gzip/deflate/br/zstd, redirects with a cap, timeouts, a maximum body size
// (decoded bytes), and a guard that refuses loopback, private and link-local
// addresses (checked on the resolved address of every connection, redirects
// included) unless the config allows them. Politeness, per registrable
// domain: robots.txt (RFC 9309, cached), at most fetch.per_domain_concurrency
// transfers at once and fetch.per_domain_delay_ms between them, a domain that
// answers 429/503 with Retry-After is left alone for the rest of the batch,
// and a URL requested several times in one batch is fetched once.
std::unique_ptr<HttpFetcher> make_curl_fetcher(const core::FetchConfig& config);

// The charset parameter of a Content-Type value ("text/html; charset=utf-8"
// -> "utf-8"), "" when there is none.
std::string charset_of(std::string_view content_type);

// True for addresses a public fetcher must not reach (loopback, RFC 1918,
// link-local, CGNAT, unique-local, unspecified, multicast). Text form in.
bool is_private_address(const std::string& ip);

}  // namespace newsdesk::fetch
