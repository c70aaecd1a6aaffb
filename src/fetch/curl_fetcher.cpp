#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>


#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "fetch/http_fetcher.hpp"
#include "fetch/robots.hpp"

namespace newsdesk::fetch {
namespace {

struct CurlEasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

using Clock = std::chrono::steady_clock;

// One transfer's state, reachable from libcurl's callbacks.
struct Transfer {
  size_t job = 0;            // index into the batch's jobs
  bool robots = false;       // a robots.txt fetch for `origin`
  std::string origin;
  std::string domain;
  CurlEasy easy;
  CurlSlist headers;
  Response response;
  std::int64_t max_body = 0;
  bool too_large = false;
  bool refused = false;
  bool allow_private = false;
  std::string refused_address;
  std::vector<long> statuses;  // every final (non-1xx) status line, redirects included
  std::string server, date, expires, cache_control;
  bool shield_header = false;  // cf-mitigated, x-datadome and the like
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  // Counted after decompression: a gzip bomb stops here.
  if (static_cast<std::int64_t>(t->response.body.size() + n) > t->max_body) {
    t->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

std::optional<long> seconds_until(const std::string& http_date) {
  auto when = core::parse_rfc822(http_date);
  if (!when) return std::nullopt;
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  return std::max<long>(0, static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(*when - now).count()));
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  if (core::starts_with_icase(line, "HTTP/")) {  // a new response (a redirect, or 100): forget the old one
    auto space = line.find(' ');
    long status = space == std::string_view::npos ? 0 : std::strtol(std::string(line.substr(space + 1, 3)).c_str(), nullptr, 10);
    if (status >= 200) t->statuses.push_back(status);
    t->response.etag.clear();
    t->response.last_modified.clear();
    t->response.retry_after_seconds.reset();
    t->server.clear();
    t->date.clear();
    t->expires.clear();
    t->cache_control.clear();
    t->shield_header = false;
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  auto name = core::to_lower_ascii(core::trim(line.substr(0, colon)));
  auto value = std::string(core::trim(line.substr(colon + 1)));
  if (name == "etag") t->response.etag = value;
  else if (name == "last-modified") t->response.last_modified = value;
  else if (name == "retry-after") {
    char* end = nullptr;
    long seconds = std::strtol(value.c_str(), &end, 10);
    if (end != value.c_str() && *end == '\0' && seconds >= 0) t->response.retry_after_seconds = seconds;
    else t->response.retry_after_seconds = seconds_until(value);
  } else if (name == "server") t->server = core::to_lower_ascii(value);
  else if (name == "date") t->date = value;
  else if (name == "expires") t->expires = value;
  else if (name == "cache-control") t->cache_control = core::to_lower_ascii(value);
  else if (name == "cf-mitigated" || name == "x-datadome" || name == "x-sucuri-block" || name == "x-amzn-waf-action") {
    t->shield_header = true;
  }
  return n;
}

curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  char text[INET6_ADDRSTRLEN] = {0};
  if (address->family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&address->addr)->sin_addr, text, sizeof text);
  } else if (address->family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&address->addr)->sin6_addr, text, sizeof text);
  }
  if (!t->allow_private && is_private_address(text)) {
    t->refused = true;
    t->refused_address = text;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

Outcome outcome_for_status(long status) {
  if (status == 304) return Outcome::kNotModified;
  if (status >= 200 && status < 300) return Outcome::kFetched;
  if (status == 410) return Outcome::kGone;
  if (status == 429 || status == 408 || status >= 500) return Outcome::kRetryLater;
  return Outcome::kFailed;
}

FailureClass failure_for(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return FailureClass::kDns;
    case CURLE_OPERATION_TIMEDOUT: return FailureClass::kTimeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS: return FailureClass::kTls;
    case CURLE_TOO_MANY_REDIRECTS: return FailureClass::kRedirects;
    case CURLE_UNSUPPORTED_PROTOCOL: return FailureClass::kRefused;
    case CURLE_COULDNT_CONNECT:
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE: return FailureClass::kConnect;
    default: return FailureClass::kOther;
  }
}

// A bot shield's challenge rather than the site's own answer.
bool looks_blocked(const Transfer& t, long status) {
  if (status != 403 && status != 429 && status != 503) return false;
  if (t.shield_header) return true;
  if (t.server.find("cloudflare") != std::string::npos || t.server.find("ddos-guard") != std::string::npos) return true;
  std::string head = core::to_lower_ascii(std::string_view(t.response.body).substr(0, 4096));
  return head.find("captcha") != std::string::npos || head.find("just a moment") != std::string::npos ||
         head.find("attention required") != std::string::npos || head.find("access denied") != std::string::npos;
}

std::optional<long> freshness(const Transfer& t) {
  const std::string& cc = t.cache_control;
  if (cc.find("no-cache") != std::string::npos || cc.find("no-store") != std::string::npos) return 0;
  for (size_t at = cc.find("max-age"); at != std::string::npos; at = cc.find("max-age", at + 1)) {
    if (at > 0 && cc[at - 1] != ' ' && cc[at - 1] != ',') continue;  // not s-maxage's tail
    size_t eq = cc.find('=', at);
    if (eq == std::string::npos) break;
    char* end = nullptr;
    long seconds = std::strtol(cc.c_str() + eq + 1, &end, 10);
    if (end != cc.c_str() + eq + 1 && seconds >= 0) return seconds;
  }
  if (!t.expires.empty()) {
    auto expires = core::parse_rfc822(t.expires);
    if (!expires) return 0;  // an invalid Expires means already expired (RFC 9111 §5.3)
    auto date = t.date.empty() ? std::nullopt : core::parse_rfc822(t.date);
    auto now = date ? *date : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    return std::max<long>(0, static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(*expires - now).count()));
  }
  return std::nullopt;
}

// What politeness is keyed by: the registrable domain (news.bbc.co.uk and
// www.bbc.co.uk share one budget), or the host itself for IP addresses.
class CurlFetcher final : public HttpFetcher {
 public:
  explicit CurlFetcher(const core::FetchConfig& config)
      : config_(config), agent_(product_token(config.user_agent)), multi_(curl_multi_init()) {
    global_init();
    curl_multi_setopt(multi_.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(config_.concurrency));
    // Never more connections to one host than transfers we allow it.
    curl_multi_setopt(multi_.get(), CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(config_.per_domain_concurrency));
  }

  std::vector<Response> fetch_all(const std::vector<Request>& requests) override {
    Batch batch;
    batch.out.resize(requests.size());
    // One fetch per URL: later requests for the same URL share the first's answer.
    std::map<std::string, size_t> first_of;
    std::vector<std::pair<size_t, size_t>> copies;  // (request, the request it copies)
    for (size_t i = 0; i < requests.size(); ++i) {
      auto [it, inserted] = first_of.emplace(requests[i].url, i);
      if (!inserted) {
        copies.emplace_back(i, it->second);
        continue;
      }
      add_job(batch, i, requests[i]);
    }
    run(batch);
    for (auto [copy, original] : copies) batch.out[copy] = batch.out[original];
    return std::move(batch.out);
  }

 private:
  struct Job {
    size_t request = 0;
    Request req;
    std::string origin, domain, path;
    bool robots = false;  // a robots.txt fetch
    bool started = false, done = false;
  };
  struct Batch {
    std::vector<Response> out;
    std::vector<Job> jobs;
    std::set<std::string> robots_pending;  // origins whose robots.txt is being fetched
  };
  struct DomainState {
    int active = 0;
    Clock::time_point next_start{};
    Clock::time_point held_until{};  // the site asked us to wait (Retry-After)
  };
  struct RobotsEntry {
    RobotsRules rules;
    Clock::time_point expires{};
    // No HTTP answer at all (DNS, refused, timeout): the site's pages would
    // fail the same way, and say so.
    std::optional<Response> unreachable;
  };

  void add_job(Batch& batch, size_t index, const Request& request) {
    Job job;
    job.request = index;
    job.req = request;
    auto parts = core::parse_http_url(request.url);
    if (!parts) {
      Response& r = batch.out[index];
      r.url = request.url;
      r.outcome = Outcome::kFailed;
      r.failure = FailureClass::kRefused;
      r.error = "not an absolute http(s) URL";
      job.done = true;
    } else {
      job.origin = parts->scheme + "://" + parts->host + (parts->port.empty() ? "" : ":" + parts->port);
      job.domain = core::registrable_domain(parts->host);
      job.path = parts->path + (parts->query.empty() ? "" : "?" + parts->query);
    }
    batch.jobs.push_back(std::move(job));
  }

  // Whether job `i` may go now; false while its robots.txt is still unknown.
  // Settles jobs that a Retry-After or robots.txt rules out.
  bool ready(Batch& batch, size_t i, Clock::time_point now) {
    Job& job = batch.jobs[i];
    DomainState& d = domains_[job.domain];
    if (d.held_until > now) {
      if (job.robots) {  // its dependants are settled by the hold too
        job.done = true;
        batch.robots_pending.erase(job.origin);
        return false;
      }
      auto seconds = std::chrono::duration_cast<std::chrono::seconds>(d.held_until - now).count() + 1;
      batch.out[job.request].retry_after_seconds = static_cast<long>(seconds);
      settle(batch, job, Outcome::kRetryLater, FailureClass::kHttpStatus,
             fmt::format("not asked: {} told us to wait {} s more (Retry-After)", job.domain, seconds));
      return false;
    }
    if (!config_.respect_robots || job.robots) return true;
    auto cached = robots_.find(job.origin);
    if (cached == robots_.end() || cached->second.expires <= now) {
      if (batch.robots_pending.insert(job.origin).second) {
        Job robots;
        robots.robots = true;
        robots.req.url = job.origin + "/robots.txt";
        robots.origin = job.origin;
        robots.domain = job.domain;
        robots.path = "/robots.txt";
        batch.jobs.push_back(std::move(robots));  // `job` is not used after this
      }
      return false;
    }
    if (const auto& failed = cached->second.unreachable) {
      settle(batch, job, failed->outcome, failed->failure, "robots.txt: " + failed->error);
      return false;
    }
    const RobotsRules& rules = cached->second.rules;
    if (robots_allow(rules, job.path)) return true;
    if (rules.verdict == RobotsRules::Verdict::kDisallowAll) {
      settle(batch, job, Outcome::kRetryLater, FailureClass::kRobots,
             "robots.txt could not be read (server error or unreachable): nothing is fetched from " + job.origin +
                 " until it can");
    } else {
      settle(batch, job, Outcome::kFailed, FailureClass::kRobots, "robots.txt disallows this URL for " + agent_);
    }
    return false;
  }

  void settle(Batch& batch, Job& job, Outcome outcome, FailureClass failure, std::string error) {
    Response& r = batch.out[job.request];
    r.url = job.req.url;
    r.outcome = outcome;
    r.failure = failure;
    r.error = std::move(error);
    job.done = true;
  }

  void run(Batch& batch) {
    auto started = Clock::now();
    std::erase_if(robots_, [&](const auto& entry) { return entry.second.expires <= started; });
    std::vector<std::unique_ptr<Transfer>> running;
    int active = 0;
    for (;;) {
      auto now = Clock::now();
      std::optional<Clock::time_point> wake;  // the earliest a waiting job may start
      bool waiting = false;
      for (size_t i = 0; i < batch.jobs.size(); ++i) {
        if (batch.jobs[i].done || batch.jobs[i].started) continue;
        if (!ready(batch, i, now)) {
          if (!batch.jobs[i].done) waiting = true;
          continue;
        }
        Job& job = batch.jobs[i];
        DomainState& d = domains_[job.domain];
        if (active >= config_.concurrency || d.active >= config_.per_domain_concurrency) {
          waiting = true;
          continue;
        }
        if (d.next_start > now) {
          waiting = true;
          wake = wake ? std::min(*wake, d.next_start) : d.next_start;
          continue;
        }
        auto t = start(i, job);
        if (!t) {
          settle(batch, job, Outcome::kFailed, FailureClass::kOther, "could not start the transfer");
          continue;
        }
        job.started = true;
        t->response.started_at = now;
        d.active += 1;
        d.next_start = now + std::chrono::milliseconds(config_.per_domain_delay_ms);
        curl_multi_add_handle(multi_.get(), t->easy.get());
        running.push_back(std::move(t));
        ++active;
      }
      if (active == 0 && !waiting) break;
      if (active == 0 && !wake) {
        // Nothing runs and nothing waits on a clock: only robots.txt jobs
        // were just queued; go round again to start them.
        continue;
      }
      int still = 0;
      curl_multi_perform(multi_.get(), &still);
      int queued = 0;
      bool completed = false;
      while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &queued)) {
        if (msg->msg != CURLMSG_DONE) continue;
        Transfer* t = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
        CURLcode code = msg->data.result;
        curl_multi_remove_handle(multi_.get(), msg->easy_handle);
        complete(batch, *t, code);
        std::erase_if(running, [t](const auto& p) { return p.get() == t; });
        --active;
        completed = true;
      }
      if (completed) continue;  // what waited on those may start now
      long timeout_ms = 1000;
      if (wake) {
        auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*wake - Clock::now()).count();
        timeout_ms = std::clamp<long>(static_cast<long>(until), 0, 1000);
      }
      if (active > 0 || timeout_ms > 0) curl_multi_poll(multi_.get(), nullptr, 0, static_cast<int>(timeout_ms), nullptr);
    }
  }

  void complete(Batch& batch, Transfer& t, CURLcode code) {
    Job& job = batch.jobs[t.job];
    DomainState& d = domains_[job.domain];
    d.active -= 1;
    finish(t, code);
    auto now = Clock::now();
    job.done = true;
    if (job.robots) {
      // 2xx: the rules; 4xx: none; 5xx or unreachable: nothing may be fetched
      // for now (RFC 9309), and we ask again sooner.
      long status = t.response.outcome == Outcome::kFetched || t.response.status >= 400 ? t.response.status : 0;
      RobotsEntry entry{robots_for_status(status, t.response.body, agent_), {}, std::nullopt};
      bool readable = status >= 200 && status < 500;
      entry.expires = now + (readable ? std::chrono::hours(config_.robots_cache_hours) : std::chrono::hours(1));
      if (status == 0 && t.response.failure != FailureClass::kHttpStatus && t.response.failure != FailureClass::kNone) {
        entry.unreachable = std::move(t.response);
        entry.unreachable->body.clear();
        entry.expires = now + std::chrono::minutes(15);
      }
      if (entry.rules.crawl_delay_seconds) {
        // Crawl-delay is not in RFC 9309, but a site that asks for it gets it (up to a minute).
        auto asked = std::chrono::milliseconds(static_cast<long>(std::min(60.0, *entry.rules.crawl_delay_seconds) * 1000));
        d.next_start = std::max(d.next_start, now + asked);
      }
      robots_[job.origin] = std::move(entry);
      batch.robots_pending.erase(job.origin);
      return;
    }
    Response& r = batch.out[job.request];
    r = std::move(t.response);
    if ((r.status == 429 || r.status == 503) && r.outcome == Outcome::kRetryLater) {
      // The site is busy or rate-limits us: leave the whole domain alone for
      // as long as it asks (a minute when it does not say), at most an hour.
      long wait = std::clamp<long>(r.retry_after_seconds.value_or(60), 1, 3600);
      d.held_until = std::max(d.held_until, now + std::chrono::seconds(wait));
    }
  }

  std::unique_ptr<Transfer> start(size_t job_index, const Job& job) {
    auto t = std::make_unique<Transfer>();
    t->job = job_index;
    t->robots = job.robots;
    t->easy.reset(curl_easy_init());
    if (!t->easy) return nullptr;
    t->response.url = job.req.url;
    t->max_body = job.robots ? std::min<std::int64_t>(config_.max_body_bytes, 512 * 1024) : config_.max_body_bytes;
    t->allow_private = config_.allow_private_addresses;
    CURL* h = t->easy.get();
    curl_easy_setopt(h, CURLOPT_URL, job.req.url.c_str());
    curl_easy_setopt(h, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, t.get());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, static_cast<long>(config_.max_redirects));
    curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(config_.timeout_seconds));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(config_.connect_timeout_seconds));
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, config_.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t->max_body));
    curl_slist* headers = nullptr;
    if (!job.req.etag.empty()) headers = curl_slist_append(headers, ("If-None-Match: " + job.req.etag).c_str());
    if (!job.req.last_modified.empty()) {
      headers = curl_slist_append(headers, ("If-Modified-Since: " + job.req.last_modified).c_str());
    }
    t->headers.reset(headers);
    if (headers != nullptr) curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    return t;
  }

  void finish(Transfer& t, CURLcode code) {
    Response& r = t.response;
    CURL* h = t.easy.get();
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    char* final_url = nullptr;
    if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &final_url) == CURLE_OK && final_url != nullptr) {
      r.final_url = final_url;
    }
    char* content_type = nullptr;
    if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK && content_type != nullptr) {
      r.content_type = content_type;
    }
    if (t.refused) {
      r.outcome = Outcome::kFailed;
      r.failure = FailureClass::kRefused;
      r.body.clear();
      r.error = "refused to connect to the non-public address " + t.refused_address;
      return;
    }
    if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
      r.outcome = Outcome::kFailed;
      r.failure = FailureClass::kTooLarge;
      r.body.clear();
      r.error = "the body is larger than fetch.max_body_bytes (" + std::to_string(t.max_body) + ")";
      return;
    }
    if (code != CURLE_OK) {
      r.failure = failure_for(code);
      r.outcome = (r.failure == FailureClass::kRedirects || r.failure == FailureClass::kRefused) ? Outcome::kFailed
                                                                                                : Outcome::kRetryLater;
      r.body.clear();  // never hand a truncated body downstream
      r.error = curl_easy_strerror(code);
      return;
    }
    r.outcome = outcome_for_status(r.status);
    r.fresh_for_seconds = freshness(t);
    // Every hop permanent (301, 308): the resource has a new address.
    if (t.statuses.size() > 1 && r.final_url != r.url &&
        std::all_of(t.statuses.begin(), t.statuses.end() - 1, [](long s) { return s == 301 || s == 308; })) {
      r.moved_permanently_to = r.final_url;
    }
    if (r.outcome != Outcome::kFetched && r.outcome != Outcome::kNotModified) {
      r.failure = looks_blocked(t, r.status) ? FailureClass::kBlocked : FailureClass::kHttpStatus;
      r.error = r.failure == FailureClass::kBlocked
                    ? fmt::format("HTTP status {}: blocked by bot protection", r.status)
                    : "HTTP status " + std::to_string(r.status);
    }
  }

  core::FetchConfig config_;
  std::string agent_;  // our robots.txt product token
  CurlMulti multi_;    // kept: its connection cache serves the next batch
  std::map<std::string, DomainState> domains_;
  std::map<std::string, RobotsEntry> robots_;  // origin -> rules
};

}  // namespace

const char* to_string(FailureClass failure) {
  switch (failure) {
    case FailureClass::kNone: return "none";
    case FailureClass::kDns: return "dns";
    case FailureClass::kConnect: return "connect";
    case FailureClass::kTls: return "tls";
    case FailureClass::kTimeout: return "timeout";
    case FailureClass::kHttpStatus: return "http status";
    case FailureClass::kBlocked: return "blocked";
    case FailureClass::kRobots: return "robots.txt";
    case FailureClass::kTooLarge: return "too large";
    case FailureClass::kRedirects: return "redirects";
    case FailureClass::kRefused: return "refused";
    case FailureClass::kOther: return "other";
  }
  return "other";
}

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kFetched: return "fetched";
    case Outcome::kNotModified: return "not modified";
    case Outcome::kGone: return "gone";
    case Outcome::kRetryLater: return "retry later";
    case Outcome::kFailed: return "failed";
  }
  return "failed";
}

std::string charset_of(std::string_view content_type) {
  auto pos = core::to_lower_ascii(content_type).find("charset=");
  if (pos == std::string::npos) return {};
  std::string_view cs = content_type.substr(pos + 8);
  cs = cs.substr(0, cs.find(';'));
  std::string out(core::trim(cs));
  out.erase(std::remove(out.begin(), out.end(), '"'), out.end());
  return out;
}

bool is_private_address(const std::string& ip) {
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) {
    uint32_t a = ntohl(v4.s_addr);
    auto in = [a](uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
    return in(0x00000000, 8) || in(0x0A000000, 8) || in(0x7F000000, 8) || in(0xA9FE0000, 16) ||
           in(0xAC100000, 12) || in(0xC0A80000, 16) || in(0x64400000, 10) || in(0xC0000000, 24) ||
           in(0xC6120000, 15) || a >= 0xE0000000;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1) {
    const uint8_t* b = v6.s6_addr;
    static const uint8_t kZero[16] = {0};
    if (std::memcmp(b, kZero, 15) == 0 && (b[15] == 0 || b[15] == 1)) return true;  // :: and ::1
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;                       // fe80::/10
    if ((b[0] & 0xFE) == 0xFC) return true;                                       // fc00::/7
    if (b[0] == 0xFF) return true;                                                // multicast
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(b, kMapped, 12) == 0) {
      char v4text[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, b + 12, v4text, sizeof v4text);
      return is_private_address(v4text);
    }
    return false;
  }
  return true;  // not an address we understand: refuse
}

std::unique_ptr<HttpFetcher> make_curl_fetcher(const core::FetchConfig& config) {
  return std::make_unique<CurlFetcher>(config);
}

}  // namespace newsdesk::fetch
