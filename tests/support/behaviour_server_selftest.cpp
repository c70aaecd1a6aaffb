// The behaviour server checked with plain libcurl easy calls and raw sockets (not our fetcher), so
// the fetcher's tests can trust what it sends.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "behaviour_server.hpp"

using newsdesk::test_support::BehaviourServer;
using newsdesk::test_support::Reply;
using newsdesk::test_support::Request;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

class CurlEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_EQ(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK); }
  void TearDown() override { curl_global_cleanup(); }
};
[[maybe_unused]] ::testing::Environment* const kCurlEnvironment =
    ::testing::AddGlobalTestEnvironment(new CurlEnvironment);

Reply text(std::string body) {
  Reply r;
  r.headers = {{"Content-Type", "text/plain"}};
  r.body = std::move(body);
  return r;
}

long long ms_since(steady_clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(steady_clock::now() - start).count();
}

struct Result {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::vector<std::string> header_lines;  // of the last response only
  long num_connects = -1;
  long redirects = -1;
  curl_off_t size_download = -1;
  std::string effective_url;
  std::string primary_ip;
  double start_transfer = 0;
  long long elapsed_ms = 0;

  // Case-insensitive; "" if absent.
  std::string header(const std::string& name) const {
    for (const auto& line : header_lines) {
      const auto colon = line.find(':');
      if (colon == std::string::npos || colon != name.size()) continue;
      if (strncasecmp(line.c_str(), name.c_str(), name.size()) != 0) continue;
      std::string v = line.substr(colon + 1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
      while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.pop_back();
      return v;
    }
    return {};
  }
};

// One easy handle; reusing it reuses its connection cache (curl_easy_reset keeps connections).
class Easy {
 public:
  Easy() : h_(curl_easy_init()) {
    if (h_ == nullptr) throw std::runtime_error("curl_easy_init failed");
  }
  ~Easy() { curl_easy_cleanup(h_); }
  Easy(const Easy&) = delete;
  Easy& operator=(const Easy&) = delete;

  Result get(const std::string& url, const std::function<void(CURL*)>& configure = {}) {
    Result r;
    curl_easy_reset(h_);
    curl_easy_setopt(h_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h_, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h_, CURLOPT_TIMEOUT_MS, 10000L);  // no test hangs, whatever goes wrong
    curl_easy_setopt(h_, CURLOPT_WRITEFUNCTION, &Easy::on_body);
    curl_easy_setopt(h_, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(h_, CURLOPT_HEADERFUNCTION, &Easy::on_header);
    curl_easy_setopt(h_, CURLOPT_HEADERDATA, &r.header_lines);
    if (configure) configure(h_);
    const auto start = steady_clock::now();
    r.code = curl_easy_perform(h_);
    r.elapsed_ms = ms_since(start);
    curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_getinfo(h_, CURLINFO_NUM_CONNECTS, &r.num_connects);
    curl_easy_getinfo(h_, CURLINFO_REDIRECT_COUNT, &r.redirects);
    curl_easy_getinfo(h_, CURLINFO_SIZE_DOWNLOAD_T, &r.size_download);
    curl_easy_getinfo(h_, CURLINFO_STARTTRANSFER_TIME, &r.start_transfer);
    const char* s = nullptr;
    if (curl_easy_getinfo(h_, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s) r.effective_url = s;
    s = nullptr;
    if (curl_easy_getinfo(h_, CURLINFO_PRIMARY_IP, &s) == CURLE_OK && s) r.primary_ip = s;
    return r;
  }

 private:
  static size_t on_body(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
  }
  static size_t on_header(char* data, size_t size, size_t n, void* out) {
    auto& lines = *static_cast<std::vector<std::string>*>(out);
    std::string line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) lines.clear();  // a new response (redirect, 100): start over
    lines.push_back(std::move(line));
    return size * n;
  }

  CURL* h_;
};

Result fetch(const std::string& url, const std::function<void(CURL*)>& configure = {}) {
  Easy e;
  return e.get(url, configure);
}

// Inflates a gzip body, streaming; returns the inflated size, or -1 if the stream is not a complete
// valid gzip (zlib checks the CRC and length trailer). `all_fill` tells whether every byte was
// `fill`.
long long gunzip_count(const std::string& gz, char fill, bool& all_fill,
                       std::string* out = nullptr) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return -1;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::vector<char> buf(256 * 1024);
  long long total = 0;
  all_fill = true;
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    zs.avail_out = static_cast<uInt>(buf.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    const size_t got = buf.size() - zs.avail_out;
    for (size_t i = 0; i < got && all_fill; ++i) all_fill = buf[i] == fill;
    if (out) out->append(buf.data(), got);
    total += static_cast<long long>(got);
    if (rc == Z_BUF_ERROR && got == 0) break;  // input ran out before the end
  }
  const bool complete = rc == Z_STREAM_END && zs.avail_in == 0;
  inflateEnd(&zs);
  return complete ? total : -1;
}

// A plain blocking client socket with a receive timeout, for what curl will not do.
class RawClient {
 public:
  RawClient(const std::string& address, int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket failed");
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
      ::close(fd_);
      throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
    }
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void send(const std::string& s) const {
    ASSERT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
  }
  // Reads until the server closes (true) or the 5 s receive timeout / an error (false).
  bool read_to_eof(std::string& out) const {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  // Reads until `out` holds at least `n` bytes.
  bool read_at_least(std::string& out, size_t n) const {
    char buf[4096];
    while (out.size() < n) {
      const ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
      if (got <= 0) return false;
      out.append(buf, static_cast<size_t>(got));
    }
    return true;
  }

 private:
  int fd_;
};

bool wait_until(const std::function<bool()>& cond, milliseconds limit = milliseconds(3000)) {
  const auto deadline = steady_clock::now() + limit;
  while (steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return cond();
}

size_t thread_count() {
  size_t n = 0;
  if (DIR* d = ::opendir("/proc/self/task")) {
    while (const dirent* e = ::readdir(d)) {
      if (e->d_name[0] != '.') ++n;
    }
    ::closedir(d);
  }
  return n;
}

TEST(BehaviourServer, Serves200WithBodyHeadersAndRecordsTheRequest) {
  BehaviourServer s;
  s.route("/hello", [](const Request&) {
    Reply r = text("hello world");
    r.headers.emplace_back("X-Test", "yes");
    return r;
  });
  curl_slist* extra = curl_slist_append(nullptr, "X-Client: Abc");
  const Result r = fetch(s.url("/hello?x=1"), [&](CURL* h) {
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, extra);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "selftest/1");
  });
  curl_slist_free_all(extra);
  ASSERT_EQ(r.code, CURLE_OK) << curl_easy_strerror(r.code);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello world");
  EXPECT_EQ(r.header("x-test"), "yes");
  EXPECT_EQ(r.header("Content-Length"), "11");
  EXPECT_EQ(r.header("Content-Type"), "text/plain");

  const auto log = s.requests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].method, "GET");
  EXPECT_EQ(log[0].target, "/hello?x=1");
  EXPECT_EQ(log[0].path(), "/hello");
  EXPECT_EQ(log[0].host, "127.0.0.1:" + std::to_string(s.port()));
  EXPECT_EQ(log[0].header("x-CLIENT"), "Abc");
  EXPECT_EQ(log[0].header("user-agent"), "selftest/1");
  EXPECT_EQ(log[0].header("X-Absent"), "");
}

TEST(BehaviourServer, NotModifiedHasNoBodyAndKeepsTheConnectionClean) {
  BehaviourServer s;
  s.route("/cond", [](const Request& req) {
    if (req.header("If-None-Match") == "\"v1\"") {
      Reply r = text("THIS MUST NOT BE SENT");
      r.status = 304;
      r.headers.emplace_back("ETag", "\"v1\"");
      return r;
    }
    Reply r = text("fresh");
    r.headers.emplace_back("ETag", "\"v1\"");
    return r;
  });
  Easy e;
  const Result first = e.get(s.url("/cond"));
  ASSERT_EQ(first.code, CURLE_OK);
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "fresh");

  curl_slist* inm = curl_slist_append(nullptr, "If-None-Match: \"v1\"");
  const Result second =
      e.get(s.url("/cond"), [&](CURL* h) { curl_easy_setopt(h, CURLOPT_HTTPHEADER, inm); });
  curl_slist_free_all(inm);
  ASSERT_EQ(second.code, CURLE_OK) << curl_easy_strerror(second.code);
  EXPECT_EQ(second.status, 304);
  EXPECT_EQ(second.body, "");
  EXPECT_EQ(second.header("Content-Length"), "");
  EXPECT_EQ(second.header("ETag"), "\"v1\"");

  // Had body bytes followed the 304, this reuse would fail or reconnect.
  const Result third = e.get(s.url("/cond"));
  ASSERT_EQ(third.code, CURLE_OK);
  EXPECT_EQ(third.body, "fresh");
  EXPECT_EQ(third.num_connects, 0);
  EXPECT_EQ(s.connections(), 1u);
}

TEST(BehaviourServer, RedirectChainIsFollowed) {
  BehaviourServer s;
  s.route("/start", [](const Request&) { return newsdesk::test_support::redirect(301, "/middle"); });
  const std::string final_url = s.url("/final");
  s.route("/middle", [&](const Request&) { return newsdesk::test_support::redirect(302, final_url); });
  s.route("/final", [](const Request&) { return text("arrived"); });
  const Result r =
      fetch(s.url("/start"), [](CURL* h) { curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L); });
  ASSERT_EQ(r.code, CURLE_OK) << curl_easy_strerror(r.code);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "arrived");
  EXPECT_EQ(r.redirects, 2);
  EXPECT_EQ(r.effective_url, final_url);
  EXPECT_EQ(s.count("/start"), 1u);
  EXPECT_EQ(s.count("/middle"), 1u);
  EXPECT_EQ(s.count("/final"), 1u);

  // Not followed: the first hop is visible as it is.
  const Result hop = fetch(s.url("/start"));
  ASSERT_EQ(hop.code, CURLE_OK);
  EXPECT_EQ(hop.status, 301);
  EXPECT_EQ(hop.header("Location"), "/middle");
}

TEST(BehaviourServer, RedirectLoopStopsAtMaxRedirs) {
  BehaviourServer s;
  s.route("/a", [](const Request&) { return newsdesk::test_support::redirect(302, "/b"); });
  s.route("/b", [](const Request&) { return newsdesk::test_support::redirect(302, "/a"); });
  const Result r = fetch(s.url("/a"), [](CURL* h) {
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  });
  EXPECT_EQ(r.code, CURLE_TOO_MANY_REDIRECTS) << curl_easy_strerror(r.code);
  EXPECT_EQ(s.count("/a") + s.count("/b"), 6u);  // the first request plus five followed
  EXPECT_EQ(s.count("/a"), 3u);
  EXPECT_EQ(s.connections(), 1u);  // all on one kept-alive connection
}

TEST(BehaviourServer, TooManyRequestsCarriesRetryAfter) {
  BehaviourServer s;
  s.route("/busy", [](const Request&) {
    Reply r = text("slow down");
    r.status = 429;
    r.headers.emplace_back("Retry-After", "120");
    return r;
  });
  const auto later = std::chrono::system_clock::now() + std::chrono::seconds(90);
  s.route("/busy-until", [&](const Request&) {
    Reply r;
    r.status = 429;
    r.headers.emplace_back("Retry-After", newsdesk::test_support::http_date(later));
    return r;
  });
  const Result r = fetch(s.url("/busy"));
  ASSERT_EQ(r.code, CURLE_OK);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("Retry-After"), "120");
  EXPECT_EQ(r.body, "slow down");

  const Result d = fetch(s.url("/busy-until"));
  ASSERT_EQ(d.code, CURLE_OK);
  EXPECT_EQ(d.status, 429);
  const time_t parsed = curl_getdate(d.header("Retry-After").c_str(), nullptr);
  EXPECT_NEAR(static_cast<double>(parsed),
              static_cast<double>(std::chrono::system_clock::to_time_t(later)), 1.0)
      << d.header("Retry-After");
}

TEST(BehaviourServer, HttpDateIsImfFixdate) {
  using std::chrono::system_clock;
  EXPECT_EQ(newsdesk::test_support::http_date(system_clock::from_time_t(784111777)),
            "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(newsdesk::test_support::http_date(system_clock::from_time_t(0)),
            "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(newsdesk::test_support::http_date(system_clock::from_time_t(1709208000)),
            "Thu, 29 Feb 2024 12:00:00 GMT");
}

TEST(BehaviourServer, TruncatedBodyIsAPartialFile) {
  BehaviourServer s;
  s.route("/cut", [](const Request&) {
    Reply r = text(std::string(10000, 'x'));
    r.truncate_after = 4000;
    return r;
  });
  const Result r = fetch(s.url("/cut"));
  EXPECT_EQ(r.code, CURLE_PARTIAL_FILE) << curl_easy_strerror(r.code);
  EXPECT_EQ(r.header("Content-Length"), "10000");
  EXPECT_EQ(r.body, std::string(4000, 'x'));
}

TEST(BehaviourServer, NeverAnswerTimesOutAndStopStaysPrompt) {
  auto s = std::make_unique<BehaviourServer>();
  s->route("/silent", [](const Request&) {
    Reply r;
    r.never_answer = true;
    return r;
  });
  const Result r =
      fetch(s->url("/silent"), [](CURL* h) { curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 300L); });
  EXPECT_EQ(r.code, CURLE_OPERATION_TIMEDOUT) << curl_easy_strerror(r.code);
  EXPECT_GE(r.elapsed_ms, 250);
  EXPECT_LT(r.elapsed_ms, 3000);
  EXPECT_EQ(s->count("/silent"), 1u);

  // A client that keeps holding such a connection does not hold up the server's stop.
  RawClient raw("127.0.0.1", s->port());
  raw.send("GET /silent HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(wait_until([&] { return s->count("/silent") == 2; }));
  const auto start = steady_clock::now();
  s->stop();
  EXPECT_LT(ms_since(start), 1000);
  std::string got;
  EXPECT_TRUE(raw.read_to_eof(got));  // closed, not timed out
  EXPECT_EQ(got, "");                 // and nothing was ever sent
  s.reset();
}

TEST(BehaviourServer, DelayHoldsBackTheStatusLine) {
  BehaviourServer s;
  s.route("/late", [](const Request&) {
    Reply r = text("late");
    r.delay = milliseconds(300);
    return r;
  });
  const Result r = fetch(s.url("/late"));
  ASSERT_EQ(r.code, CURLE_OK);
  EXPECT_EQ(r.body, "late");
  EXPECT_GE(r.start_transfer, 0.29);
  EXPECT_GE(r.elapsed_ms, 290);

  const Result cut =
      fetch(s.url("/late"), [](CURL* h) { curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 100L); });
  EXPECT_EQ(cut.code, CURLE_OPERATION_TIMEDOUT);
  EXPECT_EQ(cut.status, 0);  // not even the status line arrived
}

TEST(BehaviourServer, DripSlowsTheBody) {
  BehaviourServer s;
  s.route("/drip", [](const Request&) {
    Reply r = text(std::string(3 * 1024, 'd'));
    r.drip = milliseconds(100);
    return r;
  });
  const Result r = fetch(s.url("/drip"));
  ASSERT_EQ(r.code, CURLE_OK);
  EXPECT_EQ(r.body, std::string(3 * 1024, 'd'));
  EXPECT_GE(r.elapsed_ms, 290);  // three pauses

  const Result cut =
      fetch(s.url("/drip"), [](CURL* h) { curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 150L); });
  EXPECT_EQ(cut.code, CURLE_OPERATION_TIMEDOUT);
  EXPECT_EQ(cut.status, 200);  // the headers came at once, the body did not
  EXPECT_LT(cut.body.size(), 3u * 1024);
}

TEST(BehaviourServer, StopIsPromptDuringADrip) {
  BehaviourServer s;
  s.route("/forever", [](const Request&) {
    Reply r = text(std::string(200 * 1024, 'z'));  // 200 pauses of 200 ms: 40 s
    r.drip = milliseconds(200);
    return r;
  });
  RawClient raw("127.0.0.1", s.port());
  raw.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string got;
  ASSERT_TRUE(raw.read_at_least(got, 20));  // the headers are out
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  const auto start = steady_clock::now();
  s.stop();
  EXPECT_LT(ms_since(start), 1000);
  EXPECT_TRUE(raw.read_to_eof(got));
  EXPECT_LT(got.size(), 200u * 1024);
}

TEST(BehaviourServer, GzipReplyIsDecodedByCurl) {
  std::string plain;
  for (int i = 0; plain.size() < 20000; ++i)
    plain += "<item><title>story " + std::to_string(i) + "</title></item>\n";
  BehaviourServer s;
  s.route("/feed", [&](const Request&) {
    return newsdesk::test_support::gzip_reply(plain, "application/rss+xml");
  });

  const Result decoded =
      fetch(s.url("/feed"), [](CURL* h) { curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); });
  ASSERT_EQ(decoded.code, CURLE_OK) << curl_easy_strerror(decoded.code);
  EXPECT_EQ(decoded.header("Content-Encoding"), "gzip");
  EXPECT_EQ(decoded.header("Content-Type"), "application/rss+xml");
  EXPECT_EQ(decoded.body, plain);
  EXPECT_NE(s.requests().back().header("Accept-Encoding"), "");

  const Result raw = fetch(s.url("/feed"));
  ASSERT_EQ(raw.code, CURLE_OK);
  ASSERT_GE(raw.body.size(), 2u);
  EXPECT_EQ(raw.body.substr(0, 2), "\x1f\x8b");
  EXPECT_LT(raw.body.size(), plain.size());
  std::string inflated;
  bool ignored = false;
  EXPECT_EQ(gunzip_count(raw.body, 0, ignored, &inflated), static_cast<long long>(plain.size()));
  EXPECT_EQ(inflated, plain);
}

TEST(BehaviourServer, GzipBombIsSmallOnTheWireAndInflatesToN) {
  constexpr size_t kN = 64u * 1024 * 1024;
  const Reply bomb = newsdesk::test_support::gzip_bomb(kN);
  EXPECT_LT(bomb.body.size(), kN / 500);
  BehaviourServer s;
  s.route("/bomb", [&](const Request&) { return bomb; });

  const Result wire = fetch(s.url("/bomb"));
  ASSERT_EQ(wire.code, CURLE_OK);
  EXPECT_EQ(wire.header("Content-Encoding"), "gzip");
  EXPECT_EQ(wire.header("Content-Length"), std::to_string(bomb.body.size()));
  EXPECT_EQ(wire.size_download, static_cast<curl_off_t>(bomb.body.size()));
  bool all_spaces = false;
  EXPECT_EQ(gunzip_count(wire.body, ' ', all_spaces), static_cast<long long>(kN));
  EXPECT_TRUE(all_spaces);

  // curl inflates it all: count without keeping it.
  Easy e;
  size_t inflated = 0;
  const Result boom = e.get(s.url("/bomb"), [&](CURL* h) {
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(
        h, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void* counter) {
          *static_cast<size_t*>(counter) += size * n;
          return size * n;
        });
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &inflated);
  });
  ASSERT_EQ(boom.code, CURLE_OK) << curl_easy_strerror(boom.code);
  EXPECT_EQ(inflated, kN);
}

TEST(BehaviourServer, GzipBombIsExactForAwkwardSizes) {
  for (const size_t n :
       {size_t{0}, size_t{1}, size_t{1000}, size_t{1024 * 1024}, size_t{3 * 1024 * 1024 + 17}}) {
    const Reply bomb = newsdesk::test_support::gzip_bomb(n, '\0');
    bool all_zero = false;
    EXPECT_EQ(gunzip_count(bomb.body, '\0', all_zero), static_cast<long long>(n)) << n;
    EXPECT_TRUE(all_zero) << n;
  }
  // Beyond 4 GiB it is still quick and small, and the trailer's length wraps as gzip says.
  const size_t huge = (size_t{5} << 30) + 123;
  const auto start = steady_clock::now();
  const Reply big = newsdesk::test_support::gzip_bomb(huge);
  EXPECT_LT(ms_since(start), 2000);
  EXPECT_LT(big.body.size(), huge / 900);
  ASSERT_GE(big.body.size(), 18u);
  uint32_t isize = 0;
  for (int i = 0; i < 4; ++i) {
    isize |= static_cast<uint32_t>(static_cast<unsigned char>(big.body[big.body.size() - 4 + i]))
             << (8 * i);
  }
  EXPECT_EQ(isize, static_cast<uint32_t>(huge & 0xffffffffu));
}

TEST(BehaviourServer, TwoLoopbackAddressesAreSeparateHosts) {
  BehaviourServer one("127.0.0.1");
  BehaviourServer two("127.0.0.2", static_cast<uint16_t>(one.port()));  // same port, other host
  EXPECT_EQ(two.port(), one.port());
  one.route("/who", [](const Request&) { return text("one"); });
  two.route("/who", [](const Request&) { return text("two"); });
  EXPECT_EQ(two.url("/who"), "http://127.0.0.2:" + std::to_string(one.port()) + "/who");

  const Result a = fetch(one.url("/who"));
  const Result b = fetch(two.url("/who"));
  ASSERT_EQ(a.code, CURLE_OK);
  ASSERT_EQ(b.code, CURLE_OK) << curl_easy_strerror(b.code);
  EXPECT_EQ(a.body, "one");
  EXPECT_EQ(b.body, "two");
  EXPECT_EQ(a.primary_ip, "127.0.0.1");
  EXPECT_EQ(b.primary_ip, "127.0.0.2");
  EXPECT_EQ(one.count("/who"), 1u);
  EXPECT_EQ(two.count("/who"), 1u);
  ASSERT_EQ(two.requests().size(), 1u);
  EXPECT_EQ(two.requests()[0].host, "127.0.0.2:" + std::to_string(two.port()));
}

TEST(BehaviourServer, BindFailsClearly) {
  try {
    BehaviourServer s("192.0.2.1");  // TEST-NET-1: not an address of this machine
    FAIL() << "bound to 192.0.2.1";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("192.0.2.1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(std::strerror(EADDRNOTAVAIL)), std::string::npos)
        << e.what();
  }
  BehaviourServer taken;
  try {
    BehaviourServer s("127.0.0.1", static_cast<uint16_t>(taken.port()));
    FAIL() << "bound twice to one port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(std::strerror(EADDRINUSE)), std::string::npos) << e.what();
  }
  EXPECT_THROW(BehaviourServer("localhost"), std::runtime_error);
  EXPECT_THROW(BehaviourServer("not an address"), std::runtime_error);
}

TEST(BehaviourServer, RequestLogCountAndFallback) {
  BehaviourServer s;
  s.route("/a", [](const Request&) { return text("a"); });
  s.route("/c", [](const Request& req) { return text("got " + req.body); });
  Easy e;
  EXPECT_EQ(e.get(s.url("/a?x=1")).body, "a");
  EXPECT_EQ(e.get(s.url("/a?x=2")).body, "a");
  const Result missing = e.get(s.url("/b"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "not found");
  const Result posted =
      e.get(s.url("/c"), [](CURL* h) { curl_easy_setopt(h, CURLOPT_POSTFIELDS, "payload"); });
  EXPECT_EQ(posted.body, "got payload");

  const auto log = s.requests();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].target, "/a?x=1");
  EXPECT_EQ(log[1].target, "/a?x=2");
  EXPECT_EQ(log[2].target, "/b");
  EXPECT_EQ(log[3].method, "POST");
  EXPECT_EQ(log[3].body, "payload");
  EXPECT_EQ(s.count("/a"), 2u);
  EXPECT_EQ(s.count("/b"), 1u);
  EXPECT_EQ(s.count("/c"), 1u);
  EXPECT_EQ(s.count("/a?x=1"), 0u);  // paths, not targets
  EXPECT_EQ(s.count("/nope"), 0u);

  // A later route() replaces; fallback() catches the rest; a throwing handler is a 500.
  s.route("/a", [](const Request&) { return text("A2"); });
  s.fallback([](const Request& req) { return text("fallback for " + req.path()); });
  s.route("/throws", [](const Request&) -> Reply { throw std::runtime_error("boom"); });
  EXPECT_EQ(e.get(s.url("/a")).body, "A2");
  EXPECT_EQ(e.get(s.url("/zzz?q")).body, "fallback for /zzz");
  const Result thrown = e.get(s.url("/throws"));
  EXPECT_EQ(thrown.status, 500);
  EXPECT_EQ(thrown.body, "boom");
}

TEST(BehaviourServer, KeepAliveReusesTheConnection) {
  BehaviourServer s;
  s.route("/k", [](const Request&) { return text("k"); });
  Easy e;
  const Result first = e.get(s.url("/k"));
  const Result second = e.get(s.url("/k"));
  ASSERT_EQ(first.code, CURLE_OK);
  ASSERT_EQ(second.code, CURLE_OK);
  EXPECT_EQ(first.num_connects, 1);
  EXPECT_EQ(second.num_connects, 0);
  EXPECT_EQ(s.connections(), 1u);

  // The client asks to close: the server says so, closes, and the next request connects anew.
  curl_slist* close_hdr = curl_slist_append(nullptr, "Connection: close");
  const Result closing =
      e.get(s.url("/k"), [&](CURL* h) { curl_easy_setopt(h, CURLOPT_HTTPHEADER, close_hdr); });
  curl_slist_free_all(close_hdr);
  ASSERT_EQ(closing.code, CURLE_OK);
  EXPECT_EQ(closing.header("Connection"), "close");
  const Result after = e.get(s.url("/k"));
  ASSERT_EQ(after.code, CURLE_OK);
  EXPECT_EQ(after.num_connects, 1);
  EXPECT_EQ(s.connections(), 2u);
}

TEST(BehaviourServer, HeadHasHeadersButNoBody) {
  BehaviourServer s;
  s.route("/doc", [](const Request&) { return text("0123456789"); });
  Easy e;
  const Result head =
      e.get(s.url("/doc"), [](CURL* h) { curl_easy_setopt(h, CURLOPT_NOBODY, 1L); });
  ASSERT_EQ(head.code, CURLE_OK) << curl_easy_strerror(head.code);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "10");
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(s.requests().back().method, "HEAD");

  // On the wire: the head ends the response (curl would forgive stray body bytes).
  RawClient raw("127.0.0.1", s.port());
  raw.send("HEAD /doc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string wire;
  ASSERT_TRUE(raw.read_to_eof(wire));
  EXPECT_NE(wire.find("\r\nContent-Length: 10\r\n"), std::string::npos) << wire;
  EXPECT_EQ(wire.find("\r\n\r\n"), wire.size() - 4) << wire;

  const Result get = e.get(s.url("/doc"));
  ASSERT_EQ(get.code, CURLE_OK);
  EXPECT_EQ(get.body, "0123456789");
  EXPECT_EQ(get.num_connects, 0);
}

TEST(BehaviourServer, CloseWithoutReplyIsNothing) {
  BehaviourServer s;
  s.route("/hangup", [](const Request&) {
    Reply r;
    r.close_without_reply = true;
    return r;
  });
  const Result r = fetch(s.url("/hangup"));
  EXPECT_EQ(r.code, CURLE_GOT_NOTHING) << curl_easy_strerror(r.code);
  EXPECT_GE(s.count("/hangup"), 1u);
}

TEST(BehaviourServer, ChunkedAndUnframedBodies) {
  const std::string body(5000, 'c');
  BehaviourServer s;
  s.route("/chunked", [&](const Request&) {
    Reply r = text(body);
    r.chunked = true;
    return r;
  });
  s.route("/chunked-cut", [&](const Request&) {
    Reply r = text(body);
    r.chunked = true;
    r.truncate_after = 2048;
    return r;
  });
  s.route("/until-close", [&](const Request&) {
    Reply r = text(body);
    r.no_length = true;
    return r;
  });
  Easy e;
  const Result c = e.get(s.url("/chunked"));
  ASSERT_EQ(c.code, CURLE_OK) << curl_easy_strerror(c.code);
  EXPECT_EQ(c.header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(c.header("Content-Length"), "");
  EXPECT_EQ(c.body, body);
  const Result again =
      e.get(s.url("/chunked"));  // the terminating chunk left the connection reusable
  EXPECT_EQ(again.body, body);
  EXPECT_EQ(again.num_connects, 0);

  const Result cut = fetch(s.url("/chunked-cut"));
  EXPECT_NE(cut.code, CURLE_OK);
  EXPECT_EQ(cut.body, body.substr(0, 2048));

  const Result unframed = fetch(s.url("/until-close"));
  ASSERT_EQ(unframed.code, CURLE_OK) << curl_easy_strerror(unframed.code);
  EXPECT_EQ(unframed.header("Content-Length"), "");
  EXPECT_EQ(unframed.header("Connection"), "close");
  EXPECT_EQ(unframed.body, body);
}

TEST(BehaviourServer, ConcurrentConnectionsAreServedInParallel) {
  BehaviourServer s;
  s.route("/slow", [](const Request&) {
    Reply r = text("slow");
    r.delay = milliseconds(400);
    return r;
  });
  constexpr int kClients = 10;  // 4 s if served one after another
  std::vector<Result> results(kClients);
  std::vector<std::thread> clients;
  const auto start = steady_clock::now();
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] { results[static_cast<size_t>(i)] = fetch(s.url("/slow")); });
  }
  for (auto& t : clients) t.join();
  EXPECT_LT(ms_since(start), 2000);
  for (const auto& r : results) {
    EXPECT_EQ(r.code, CURLE_OK);
    EXPECT_EQ(r.body, "slow");
  }
  EXPECT_EQ(s.count("/slow"), static_cast<size_t>(kClients));
  EXPECT_EQ(s.connections(), static_cast<size_t>(kClients));
}

TEST(BehaviourServer, DestructorJoinsEveryThreadPromptly) {
  const size_t before = thread_count();
  auto s = std::make_unique<BehaviourServer>();
  s->route("/silent", [](const Request&) {
    Reply r;
    r.never_answer = true;
    return r;
  });
  s->route("/drip", [](const Request&) {
    Reply r = text(std::string(100 * 1024, 'd'));
    r.drip = milliseconds(500);
    return r;
  });
  EXPECT_GT(thread_count(), before);       // the acceptor
  RawClient idle("127.0.0.1", s->port());  // connected, never sends a request
  RawClient silent("127.0.0.1", s->port());
  RawClient drip("127.0.0.1", s->port());
  silent.send("GET /silent HTTP/1.1\r\nHost: x\r\n\r\n");
  drip.send("GET /drip HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(wait_until([&] { return s->connections() == 3 && s->requests().size() == 2; }));
  EXPECT_GE(thread_count(), before + 4);  // acceptor + three connections
  const auto start = steady_clock::now();
  s.reset();
  EXPECT_LT(ms_since(start), 1000);
  // Joined threads can linger in /proc/self/task for a moment after pthread_join returns.
  EXPECT_TRUE(wait_until([&] { return thread_count() == before; }, milliseconds(1000)))
      << thread_count() << " threads, " << before << " before";
  for (const RawClient* c : {&idle, &silent, &drip}) {
    std::string ignored;
    EXPECT_TRUE(c->read_to_eof(ignored));  // every socket was closed
  }
}

}  // namespace
