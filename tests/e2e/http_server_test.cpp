// The site's HTTP/1.1 server (web/http_server) over real sockets on
// 127.0.0.1, spoken to byte by byte: keep-alive, pipelining, HEAD, forms,
// limits, timeouts, a slow page beside a fast one, Expect: 100-continue.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "web/http_server.hpp"

namespace newsdesk::web {
namespace {

// How long a test waits for something that a normal run sees at once: only a
// guard against a hang, far from what a loaded machine takes. The servers'
// own deadlines are set further still (patient()), so that what a test sees
// within it is the behaviour under test and never a timeout.
constexpr std::chrono::milliseconds kHangGuard{60'000};

HttpServerOptions patient() {
  HttpServerOptions options;
  options.keep_alive = std::chrono::minutes(10);
  options.request_timeout = std::chrono::minutes(10);
  options.drain_timeout = std::chrono::minutes(10);
  return options;
}

// A plain blocking client socket with a receive timeout.
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& bytes) {
    for (size_t at = 0; at < bytes.size();) {
      const ssize_t n = ::send(fd_, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
      if (n <= 0) return;
      at += static_cast<size_t>(n);
    }
  }
  // Reads until `pred(buffer)` holds, EOF, or `wait` passes. True at EOF.
  template <typename Pred>
  bool read_until(Pred pred, std::chrono::milliseconds wait = kHangGuard) {
    const auto end = std::chrono::steady_clock::now() + wait;
    while (!pred(buffer) && std::chrono::steady_clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return true;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    return false;
  }
  // Reads until the server closes the connection (or `wait` passes): true when it did.
  bool closed_within(std::chrono::milliseconds wait) {
    return read_until([](const std::string&) { return false; }, wait);
  }
  // Reads `count` whole responses (Content-Length framed) and returns them.
  std::vector<std::string> responses(size_t count) {
    std::vector<std::string> out;
    read_until([&](const std::string& b) { return split(b).size() >= count; });
    out = split(buffer);
    return out;
  }
  std::string buffer;

 private:
  static std::vector<std::string> split(const std::string& b) {
    std::vector<std::string> out;
    size_t at = 0;
    while (true) {
      const size_t end = b.find("\r\n\r\n", at);
      if (end == std::string::npos) break;
      const std::string head = b.substr(at, end - at);
      size_t length = 0;
      const size_t cl = head.find("Content-Length: ");
      if (cl != std::string::npos) length = std::stoul(head.substr(cl + 16));
      if (head.rfind("HTTP/1.1 1", 0) == 0) length = 0;  // an interim answer
      if (head.find("X-Head: yes") != std::string::npos) length = 0;
      if (b.size() < end + 4 + length) break;
      out.push_back(b.substr(at, end + 4 + length - at));
      at = end + 4 + length;
    }
    return out;
  }
  int fd_ = -1;
  bool connected_ = false;
};

std::shared_ptr<const PreparedResponse> text(int status, std::string body, std::string type = "text/plain") {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(type);
  return prepare(std::move(r));
}

// Echoes what it was asked, so the tests can see what the server parsed.
std::shared_ptr<const PreparedResponse> echo(const HttpRequest& req) {
  std::string out = req.method + " " + req.path + "\n";
  for (const auto& [k, v] : req.params) out += k + "=" + v + "\n";
  out += "body=" + req.body + "\n";
  out += "agent=" + req.header("user-agent") + "\n";
  out += "from=" + req.remote_addr + "\n";
  return text(200, out);
}

TEST(HttpServer, KeepAliveServesManyRequestsOnOneConnectionWithTheirOwnFields) {
  auto server = HttpServer::start(patient(), nullptr, echo);
  ASSERT_TRUE(server) << server.error().message;
  Client c((*server)->port());
  ASSERT_TRUE(c.connected());
  c.send("GET /a%20b?q=x+y%21&q=2&empty= HTTP/1.1\r\nHost: t\r\nUser-Agent: probe\r\n\r\n");
  auto first = c.responses(1);
  ASSERT_EQ(first.size(), 1u) << c.buffer;
  EXPECT_EQ(first[0].rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << first[0];
  EXPECT_NE(first[0].find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_NE(first[0].find("\r\nDate: "), std::string::npos);
  EXPECT_NE(first[0].find("GET /a b\nempty=\nq=x y!\nq=2\n"), std::string::npos) << first[0];
  EXPECT_NE(first[0].find("agent=probe\nfrom=127.0.0.1\n"), std::string::npos);
  c.buffer.clear();
  c.send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 15\r\n\r\n"
         "email=a%40b.c&x");
  auto second = c.responses(1);
  ASSERT_EQ(second.size(), 1u) << c.buffer;
  EXPECT_NE(second[0].find("POST /form\nemail=a@b.c\nx=\nbody=email=a%40b.c&x\n"), std::string::npos) << second[0];
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrderAndHeadHasNoBody) {
  auto server = HttpServer::start(patient(), nullptr, [](const HttpRequest& req) {
    HttpResponse r;
    r.body = "page " + req.path;
    r.headers.emplace_back("X-Head", "yes");  // lets the test's reader know this one may carry no body
    if (req.path == "/body") r.headers.clear();
    return prepare(std::move(r));
  });
  ASSERT_TRUE(server);
  Client c((*server)->port());
  c.send("GET /body HTTP/1.1\r\nHost: t\r\n\r\nHEAD /head HTTP/1.1\r\nHost: t\r\n\r\nGET /body HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(c.closed_within(kHangGuard)) << "Connection: close was not honoured";
  auto all = c.buffer;
  const size_t one = all.find("page /body");
  const size_t head = all.find("Content-Length: 10\r\n", one);  // "page /head" is 10 bytes, sent as a length only
  const size_t two = all.find("page /body", one + 1);
  ASSERT_NE(one, std::string::npos) << all;
  ASSERT_NE(head, std::string::npos) << all;
  ASSERT_NE(two, std::string::npos) << all;
  EXPECT_LT(one, head);
  EXPECT_LT(head, two);
  EXPECT_EQ(all.find("page /head"), std::string::npos) << "a HEAD answer carried its body";
  EXPECT_NE(all.find("Connection: close\r\n"), std::string::npos);
}

TEST(HttpServer, BodiesAndPipelinesLargerThanTheReadBufferStreamThrough) {
  auto server = HttpServer::start(patient(), nullptr, [](const HttpRequest& req) {
    return text(200, req.method + " " + req.path + " " + std::to_string(req.body.size()) + " " +
                         std::to_string(std::count(req.body.begin(), req.body.end(), 'x')));
  });
  ASSERT_TRUE(server);
  Client c((*server)->port());
  c.send("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 300000\r\n\r\n" + std::string(300000, 'x'));
  ASSERT_EQ(c.responses(1).size(), 1u) << c.buffer.substr(0, 200);
  EXPECT_NE(c.buffer.find("POST /big 300000 300000"), std::string::npos);
  c.buffer.clear();
  std::string many;
  for (int i = 0; i < 120; ++i) many += "GET /" + std::to_string(i) + "/" + std::string(100, 'p') + " HTTP/1.1\r\nHost: t\r\n\r\n";
  c.send(many);  // about 15 KB in one go
  auto answers = c.responses(120);
  ASSERT_EQ(answers.size(), 120u);
  for (int i = 0; i < 120; ++i) EXPECT_NE(answers[static_cast<size_t>(i)].find("GET /" + std::to_string(i) + "/p"), std::string::npos) << i;
}

TEST(HttpServer, LimitsAnswerWithTheirStatusAndCloseTheConnection) {
  HttpServerOptions options = patient();
  options.max_body_bytes = 1000;
  auto server = HttpServer::start(options, nullptr, echo);
  ASSERT_TRUE(server);
  const int port = (*server)->port();
  {
    Client c(port);
    c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n");
    EXPECT_TRUE(c.closed_within(kHangGuard));
    EXPECT_EQ(c.buffer.rfind("HTTP/1.1 413 ", 0), 0u) << c.buffer;
  }
  {
    Client c(port);  // chunked: the size is known only as the body comes
    c.send("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" "3e8\r\n" + std::string(1000, 'a') +
           "\r\n5\r\nhello\r\n0\r\n\r\n");
    EXPECT_TRUE(c.closed_within(kHangGuard));
    EXPECT_EQ(c.buffer.rfind("HTTP/1.1 413 ", 0), 0u) << c.buffer;
  }
  {
    Client c(port);
    std::string many = "GET / HTTP/1.1\r\nHost: t\r\n";
    for (int i = 0; i < 150; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
    c.send(many + "\r\n");
    EXPECT_TRUE(c.closed_within(kHangGuard));
    EXPECT_EQ(c.buffer.rfind("HTTP/1.1 431 ", 0), 0u) << c.buffer;
  }
  {
    Client c(port);
    c.send("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_TRUE(c.closed_within(kHangGuard));
    EXPECT_EQ(c.buffer.rfind("HTTP/1.1 414 ", 0), 0u) << c.buffer;
  }
  {
    Client c(port);
    c.send("NOT HTTP AT ALL\r\n\r\n");
    EXPECT_TRUE(c.closed_within(kHangGuard));
    EXPECT_EQ(c.buffer.rfind("HTTP/1.1 400 ", 0), 0u) << c.buffer;
  }
  // The server is still there for the next reader.
  Client c(port);
  c.send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_EQ(c.responses(1).size(), 1u);
  EXPECT_NE(c.buffer.find("GET /after"), std::string::npos);
}

TEST(HttpServer, IdleAndSilentClientsAreClosedAtTheirDeadline) {
  HttpServerOptions options;
  options.keep_alive = std::chrono::seconds(1);
  options.request_timeout = std::chrono::seconds(1);
  auto server = HttpServer::start(options, nullptr, echo);
  ASSERT_TRUE(server);
  Client idle((*server)->port());
  idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_EQ(idle.responses(1).size(), 1u);
  Client half((*server)->port());
  half.send("GET / HTTP/1.1\r\nHost: t\r\n");  // never finishes its headers
  EXPECT_TRUE(idle.closed_within(kHangGuard)) << "an idle keep-alive connection stayed open";
  EXPECT_TRUE(half.closed_within(kHangGuard)) << "a half-sent request held its connection";
  EXPECT_EQ(half.buffer, "");
}

TEST(HttpServer, ReadyAnswersOnTheLoopAndASlowPageHoldsUpNobody) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> worked{0};
  HttpServerOptions options;
  options.event_loops = 1;  // one loop: the slow page would block everyone if it ran there
  auto cached = text(200, "cached");
  auto server = HttpServer::start(
      options,
      [cached](const HttpRequest& req) -> std::shared_ptr<const PreparedResponse> {
        return req.path == "/cached" ? cached : nullptr;
      },
      [&](const HttpRequest& req) {
        ++worked;
        if (req.path == "/slow") released.wait();
        if (req.path == "/throw") throw std::runtime_error("broken page");
        return text(200, "made " + req.path);
      });
  ASSERT_TRUE(server);
  Client slow((*server)->port());
  slow.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
  Client fast((*server)->port());
  fast.send("GET /cached HTTP/1.1\r\nHost: t\r\n\r\nGET /fast HTTP/1.1\r\nHost: t\r\n\r\nGET /throw HTTP/1.1\r\nHost: t\r\n\r\n");
  auto answers = fast.responses(3);
  ASSERT_EQ(answers.size(), 3u) << fast.buffer;
  EXPECT_NE(answers[0].find("\r\n\r\ncached"), std::string::npos);
  EXPECT_NE(answers[1].find("made /fast"), std::string::npos);
  EXPECT_EQ(answers[2].rfind("HTTP/1.1 500 ", 0), 0u);
  EXPECT_NE(answers[2].find("broken page"), std::string::npos);
  EXPECT_EQ(slow.buffer, "");
  release.set_value();
  ASSERT_EQ(slow.responses(1).size(), 1u);
  EXPECT_NE(slow.buffer.find("made /slow"), std::string::npos);
  EXPECT_EQ(worked.load(), 3) << "the cached page went to a worker";
}

// Many short connections to pages made by workers, from several clients at
// once: each gets its whole answer, and (under ThreadSanitizer) nothing of a
// connection is touched from two threads.
TEST(HttpServer, ManyShortConnectionsToWorkerPagesFromSeveralClients) {
  HttpServerOptions options = patient();
  options.workers = 4;
  auto server = HttpServer::start(options, nullptr, echo);
  ASSERT_TRUE(server);
  const int port = (*server)->port();
  std::atomic<int> whole{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 150; ++i) {
        Client c(port);
        c.send("GET /w" + std::to_string(t) + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        if (c.closed_within(kHangGuard) && c.buffer.find("GET /w" + std::to_string(t) + "\n") != std::string::npos) {
          ++whole;
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(whole.load(), 600);
}

TEST(HttpServer, ExpectContinueGetsItsInterimAnswerBeforeTheBody) {
  auto server = HttpServer::start(patient(), nullptr, echo);
  ASSERT_TRUE(server);
  Client c((*server)->port());
  c.send("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  c.read_until([](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; });
  EXPECT_EQ(c.buffer, "HTTP/1.1 100 Continue\r\n\r\n");
  c.buffer.clear();
  c.send("abcd");
  ASSERT_EQ(c.responses(1).size(), 1u);
  EXPECT_NE(c.buffer.find("body=abcd"), std::string::npos) << c.buffer;
}

TEST(HttpServer, HeadersThatWouldSplitTheAnswerAreDropped) {
  HttpResponse r;
  r.headers = {{"X-Good", "1"}, {"X-Bad", "a\r\nSet-Cookie: evil=1"}, {"X-Bad\r\nX-Evil", "2"}};
  auto p = prepare(std::move(r));
  EXPECT_NE(p->head.find("X-Good: 1\r\n"), std::string::npos);
  EXPECT_EQ(p->head.find("evil"), std::string::npos);
  EXPECT_EQ(p->head.find("X-Evil"), std::string::npos);
}

TEST(HttpServer, StopLetsAnAnswerInTheMakingGoOutAndClosesTheRest) {
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  auto server = HttpServer::start(patient(), nullptr, [&](const HttpRequest& req) {
    if (req.path == "/slow") {
      entered.set_value();
      released.wait();
    }
    return text(200, "made " + req.path);
  });
  ASSERT_TRUE(server);
  Client slow((*server)->port()), idle((*server)->port());
  idle.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_EQ(idle.responses(1).size(), 1u);  // now an idle kept-alive connection
  slow.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
  entered.get_future().wait();
  std::thread stopper([&] { (*server)->stop(); });
  EXPECT_TRUE(idle.closed_within(kHangGuard)) << "an idle connection is closed at once";
  release.set_value();  // the page in the making is finished after the stop began
  EXPECT_TRUE(slow.closed_within(kHangGuard));
  stopper.join();
  EXPECT_NE(slow.buffer.find("made /slow"), std::string::npos) << slow.buffer;
  EXPECT_NE(slow.buffer.find("Connection: close\r\n"), std::string::npos);
  Client late((*server)->port());
  EXPECT_FALSE(late.connected()) << "a stopped server takes no one";
}

TEST(HttpServer, StopIsPromptWithConnectionsOpenAndAPortInUseIsAnError) {
  auto server = HttpServer::start(patient(), nullptr, echo);
  ASSERT_TRUE(server);
  Client a((*server)->port()), b((*server)->port());
  b.send("GET / HTTP/1.1\r\n");  // half a request
  HttpServerOptions same;
  same.port = (*server)->port();
  auto second = HttpServer::start(same, nullptr, echo);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("cannot listen on 127.0.0.1:"), std::string::npos) << second.error().message;
  const auto t0 = std::chrono::steady_clock::now();
  (*server)->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, kHangGuard) << "stop waited for a connection's deadline";
  EXPECT_TRUE(a.closed_within(kHangGuard));
}

}  // namespace
}  // namespace newsdesk::web
