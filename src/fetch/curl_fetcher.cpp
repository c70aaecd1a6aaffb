#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "core/strings.hpp"
#include "fetch/http_fetcher.hpp"

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

// One transfer's state, reachable from libcurl's callbacks.
struct Transfer {
  size_t index = 0;
  CurlEasy easy;
  CurlSlist headers;
  Response response;
  std::int64_t max_body = 0;
  bool too_large = false;
  bool refused = false;
  bool allow_private = false;
  std::string refused_address;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (static_cast<std::int64_t>(t->response.body.size() + n) > t->max_body) {
    t->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  if (core::starts_with_icase(line, "HTTP/")) {  // a new response (redirect): forget the old one
    t->response.etag.clear();
    t->response.last_modified.clear();
    t->response.retry_after_seconds.reset();
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
    if (end != value.c_str() && seconds >= 0) t->response.retry_after_seconds = seconds;
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
  if (status == 404 || status == 410) return Outcome::kGone;
  if (status == 429 || status == 408 || status >= 500) return Outcome::kRetryLater;
  return Outcome::kFailed;
}

class CurlFetcher final : public HttpFetcher {
 public:
  explicit CurlFetcher(const core::FetchConfig& config) : config_(config) { global_init(); }

  std::vector<Response> fetch_all(const std::vector<Request>& requests) override {
    std::vector<Response> out(requests.size());
    CurlMulti multi(curl_multi_init());
    std::vector<std::unique_ptr<Transfer>> running;
    size_t next = 0;
    int active = 0;
    auto start_more = [&] {
      while (next < requests.size() && active < config_.concurrency) {
        auto t = start(next, requests[next]);
        if (t) {
          curl_multi_add_handle(multi.get(), t->easy.get());
          running.push_back(std::move(t));
          ++active;
        } else {
          out[next].url = requests[next].url;
          out[next].error = "could not start the transfer";
        }
        ++next;
      }
    };
    start_more();
    while (active > 0) {
      int still = 0;
      curl_multi_perform(multi.get(), &still);
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi.get(), &queued)) {
        if (msg->msg != CURLMSG_DONE) continue;
        Transfer* t = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
        finish(*t, msg->data.result);
        curl_multi_remove_handle(multi.get(), msg->easy_handle);
        out[t->index] = std::move(t->response);
        std::erase_if(running, [t](const auto& p) { return p.get() == t; });
        --active;
      }
      start_more();
      if (active > 0) curl_multi_poll(multi.get(), nullptr, 0, 1000, nullptr);
    }
    return out;
  }

 private:
  std::unique_ptr<Transfer> start(size_t index, const Request& request) {
    auto t = std::make_unique<Transfer>();
    t->index = index;
    t->easy.reset(curl_easy_init());
    if (!t->easy) return nullptr;
    t->response.url = request.url;
    t->max_body = config_.max_body_bytes;
    t->allow_private = config_.allow_private_addresses;
    CURL* h = t->easy.get();
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
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
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, config_.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(config_.max_body_bytes));
    curl_slist* headers = nullptr;
    if (!request.etag.empty()) headers = curl_slist_append(headers, ("If-None-Match: " + request.etag).c_str());
    if (!request.last_modified.empty()) {
      headers = curl_slist_append(headers, ("If-Modified-Since: " + request.last_modified).c_str());
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
      r.error = "refused to connect to the non-public address " + t.refused_address;
      return;
    }
    if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
      r.outcome = Outcome::kFailed;
      r.body.clear();
      r.error = "the body is larger than fetch.max_body_bytes (" + std::to_string(t.max_body) + ")";
      return;
    }
    if (code != CURLE_OK) {
      r.outcome = (code == CURLE_TOO_MANY_REDIRECTS || code == CURLE_UNSUPPORTED_PROTOCOL)
                      ? Outcome::kFailed
                      : Outcome::kRetryLater;
      r.error = curl_easy_strerror(code);
      return;
    }
    r.outcome = outcome_for_status(r.status);
    if (r.outcome != Outcome::kFetched && r.outcome != Outcome::kNotModified) {
      r.error = "HTTP status " + std::to_string(r.status);
    }
  }

  core::FetchConfig config_;
};

}  // namespace

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
