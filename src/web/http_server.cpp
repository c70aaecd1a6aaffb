#include "web/http_server.hpp"

#define ASIO_STANDALONE
#include <asio.hpp>
#include <http_parser.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cstring>
#include <ctime>
#include <thread>
#include <unordered_set>

#include <fmt/format.h>

#include "core/url.hpp"

namespace newsdesk::web {

namespace {

using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr size_t kMaxUrlBytes = 8192;
constexpr size_t kMaxHeaders = 100;
constexpr size_t kReadBuffer = 8192;  // per connection; requests of any size stream through it

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

const char* reason(int status) {
  const char* r = http_status_str(static_cast<http_status>(status));
  return r && std::strcmp(r, "<unknown>") != 0 ? r : "Status";
}

// The Date header's value, formatted once a second per thread.
const std::string& http_date() {
  thread_local std::time_t last = 0;
  thread_local std::string value;
  const std::time_t now = std::time(nullptr);
  if (now != last) {
    last = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    value.assign(buf, std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm));
  }
  return value;
}

std::shared_ptr<const PreparedResponse> plain(int status, std::string_view text) {
  HttpResponse r;
  r.status = status;
  r.body = std::string(text) + "\n";
  return prepare(std::move(r));
}

class Connection;

// One event loop: its own io_context on its own thread, and the connections it
// owns (touched only from that thread, so no locks), swept once a second for
// those past their deadline.
struct Loop {
  std::unordered_set<Connection*> connections;  // before ctx: connections leave it while ctx is destroyed
  asio::io_context ctx{1};
  asio::steady_timer sweep{ctx};
  std::thread thread;
};

struct Shared {
  HttpServerOptions options;
  ReadyHandler ready;
  WorkHandler handle;
  asio::thread_pool workers;
  std::atomic<size_t> open{0};
  std::atomic<bool> draining{false};  // stopping: answer what is being answered, then close
  explicit Shared(const HttpServerOptions& o, ReadyHandler r, WorkHandler h)
      : options(o), ready(std::move(r)), handle(std::move(h)), workers(std::max<size_t>(1, o.workers)) {}
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Loop& loop, Shared& shared) : socket_(std::move(socket)), loop_(loop), shared_(shared) {
    http_parser_init(&parser_, HTTP_REQUEST);
    parser_.data = this;
    loop_.connections.insert(this);
    shared_.open.fetch_add(1, std::memory_order_relaxed);
  }
  ~Connection() {
    loop_.connections.erase(this);
    shared_.open.fetch_sub(1, std::memory_order_relaxed);
  }

  void start() {
    asio::error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);  // the answer goes in one write; never wait for the client's ACK
    remote_ = socket_.remote_endpoint(ec).address().to_string();
    deadline_ = Clock::now() + shared_.options.request_timeout;
    if (shared_.draining.load(std::memory_order_relaxed)) return close();  // accepted as the server began to stop
    read();
  }

  // Called by the sweep: closes a connection past its deadline (a silent
  // client, an idle keep-alive, a reader that does not take its answer).
  void expire(Clock::time_point now) {
    if (!busy_ && now > deadline_) close();
  }

  // The server is stopping: a connection whose answer is being made or
  // written closes after it; any other (idle, or a request still arriving)
  // closes now.
  void drain() {
    if (busy_ || writing_) keep_alive_ = false;
    else close();
  }

 private:
  static const http_parser_settings& settings() {
    static const http_parser_settings settings = [] {
      http_parser_settings s{};
      s.on_message_begin = [](http_parser* p) { return self(p)->on_begin(); };
      s.on_url = [](http_parser* p, const char* at, size_t n) { return self(p)->on_url(at, n); };
      s.on_header_field = [](http_parser* p, const char* at, size_t n) { return self(p)->on_field(at, n); };
      s.on_header_value = [](http_parser* p, const char* at, size_t n) { return self(p)->on_value(at, n); };
      s.on_headers_complete = [](http_parser* p) { return self(p)->on_headers(); };
      s.on_body = [](http_parser* p, const char* at, size_t n) { return self(p)->on_body(at, n); };
      s.on_message_complete = [](http_parser* p) {
        http_parser_pause(p, 1);  // one request at a time; pipelined ones wait in the buffer
        self(p)->complete_ = true;
        return 0;
      };
      return s;
    }();
    return settings;
  }
  static Connection* self(http_parser* p) { return static_cast<Connection*>(p->data); }

  int on_begin() {
    request_ = HttpRequest{};
    url_.clear();
    in_value_ = false;
    complete_ = false;
    expect_continue_ = false;
    failure_ = 0;
    deadline_ = Clock::now() + shared_.options.request_timeout;
    return 0;
  }
  int on_url(const char* at, size_t n) {
    if (url_.size() + n > kMaxUrlBytes) return fail(414);
    url_.append(at, n);
    return 0;
  }
  int on_field(const char* at, size_t n) {
    if (in_value_ || request_.headers.empty()) {
      if (request_.headers.size() >= kMaxHeaders) return fail(431);
      request_.headers.emplace_back();
      in_value_ = false;
    }
    request_.headers.back().first.append(at, n);
    return 0;
  }
  int on_value(const char* at, size_t n) {
    in_value_ = true;
    request_.headers.back().second.append(at, n);
    return 0;
  }
  int on_headers() {
    if (parser_.content_length != ULLONG_MAX && parser_.content_length > shared_.options.max_body_bytes) return fail(413);
    // curl asks before a body over 1 KiB, and would otherwise wait a second.
    expect_continue_ = iequals(request_.header("Expect"), "100-continue");
    return 0;
  }
  int on_body(const char* at, size_t n) {
    if (request_.body.size() + n > shared_.options.max_body_bytes) return fail(413);
    request_.body.append(at, n);
    return 0;
  }
  int fail(int status) {
    failure_ = status;
    return -1;
  }

  // Reads only once the parser has taken every byte (it stops early only at
  // the end of a request, which is answered before reading on), so the
  // whole buffer is free each time.
  void read() {
    used_ = 0;
    socket_.async_read_some(asio::buffer(buffer_.data(), buffer_.size()),
                            [self = shared_from_this()](const asio::error_code& ec, size_t n) {
                              if (ec) return self->close();
                              self->have_ = n;
                              self->parse();
                            });
  }

  void parse() {
    const size_t n = http_parser_execute(&parser_, &settings(), buffer_.data() + used_, have_ - used_);
    used_ += n;
    const auto error = HTTP_PARSER_ERRNO(&parser_);
    if (error == HPE_PAUSED && complete_) return dispatch();
    if (error != HPE_OK) {
      int status = failure_ ? failure_ : 400;
      if (error == HPE_HEADER_OVERFLOW) status = 431;
      keep_alive_ = false;
      return write(plain(status, failure_ ? reason(status) : http_errno_description(error)), true);
    }
    if (expect_continue_) {
      expect_continue_ = false;
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                               [self = shared_from_this()](const asio::error_code& ec, size_t) {
                                 if (ec) return self->close();
                                 self->read();
                               });
    }
    read();
  }

  void dispatch() {
    keep_alive_ = http_should_keep_alive(&parser_) != 0;
    head_only_ = parser_.method == HTTP_HEAD;
    request_.method = head_only_ ? "GET" : http_method_str(static_cast<http_method>(parser_.method));
    const size_t q = url_.find('?');
    request_.path = core::percent_decode(std::string_view(url_).substr(0, q));
    if (q != std::string::npos) {
      request_.query = url_.substr(q + 1);
      parse_form(request_.query, request_.params);
    }
    if (request_.method == "POST" &&
        request_.header("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
      parse_form(request_.body, request_.params);
    }
    request_.remote_addr = remote_;
    if (shared_.ready) {
      if (auto answer = shared_.ready(request_)) return write(std::move(answer), !head_only_);
    }
    busy_ = true;  // a worker has it: no deadline while the page is made
    asio::post(shared_.workers, [self = shared_from_this()]() mutable {
      std::shared_ptr<const PreparedResponse> answer;
      try {
        answer = self->shared_.handle(self->request_);
      } catch (const std::exception& e) {
        answer = plain(500, fmt::format("internal error: {}", e.what()));
      }
      if (!answer) answer = plain(500, "internal error: no answer");
      // The worker hands its reference over: a connection is only ever
      // destroyed on its own loop's thread (it leaves the loop's list then).
      auto loop_executor = self->socket_.get_executor();
      asio::post(loop_executor, [self = std::move(self), answer = std::move(answer)]() mutable {
        self->busy_ = false;
        self->write(std::move(answer), !self->head_only_);
      });
    });
  }

  void write(std::shared_ptr<const PreparedResponse> answer, bool with_body) {
    if (shared_.draining.load(std::memory_order_relaxed)) keep_alive_ = false;
    writing_ = true;
    answer_ = std::move(answer);
    tail_ = fmt::format("Content-Length: {}\r\nDate: {}\r\nConnection: {}\r\n\r\n", answer_->body.size(), http_date(),
                        keep_alive_ ? "keep-alive" : "close");
    std::array<asio::const_buffer, 3> parts{asio::buffer(answer_->head), asio::buffer(tail_),
                                            asio::buffer(answer_->body.data(), with_body ? answer_->body.size() : 0)};
    deadline_ = Clock::now() + shared_.options.request_timeout;
    asio::async_write(socket_, parts, [self = shared_from_this()](const asio::error_code& ec, size_t) {
      self->answer_.reset();
      self->writing_ = false;
      if (ec || !self->keep_alive_) return self->close();
      self->deadline_ = Clock::now() + self->shared_.options.keep_alive;
      self->complete_ = false;
      http_parser_pause(&self->parser_, 0);
      if (self->used_ < self->have_) self->parse();  // a pipelined request is already here
      else self->read();
    });
  }

  void close() {
    asio::error_code ec;
    if (!keep_alive_ && socket_.is_open()) socket_.shutdown(tcp::socket::shutdown_send, ec);
    socket_.close(ec);
  }

  tcp::socket socket_;
  Loop& loop_;
  Shared& shared_;
  http_parser parser_{};
  std::array<char, kReadBuffer> buffer_{};
  size_t have_ = 0, used_ = 0;  // bytes read; bytes of them parsed
  HttpRequest request_;
  std::string url_, remote_, tail_;
  bool in_value_ = false, complete_ = false, expect_continue_ = false, keep_alive_ = true, head_only_ = false, busy_ = false, writing_ = false;
  int failure_ = 0;
  Clock::time_point deadline_;
  std::shared_ptr<const PreparedResponse> answer_;
};

}  // namespace

std::string HttpRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return {};
}

std::string HttpRequest::param(std::string_view name) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? std::string() : it->second;
}

void parse_form(std::string_view encoded, std::multimap<std::string, std::string>& out) {
  auto decode = [](std::string_view s) {
    std::string plus(s);
    std::replace(plus.begin(), plus.end(), '+', ' ');
    return core::percent_decode(plus);
  };
  while (!encoded.empty()) {
    const size_t amp = encoded.find('&');
    const std::string_view field = encoded.substr(0, amp);
    encoded = amp == std::string_view::npos ? std::string_view() : encoded.substr(amp + 1);
    if (field.empty()) continue;
    const size_t eq = field.find('=');
    out.emplace(decode(field.substr(0, eq)), eq == std::string_view::npos ? std::string() : decode(field.substr(eq + 1)));
  }
}

std::shared_ptr<const PreparedResponse> prepare(HttpResponse response) {
  auto p = std::make_shared<PreparedResponse>();
  p->status = response.status;
  p->head = fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\n", response.status, reason(response.status),
                        response.content_type);
  for (const auto& [name, value] : response.headers) {
    // A header value is ours, but never let one split the response.
    if (name.find_first_of("\r\n:") != std::string::npos || value.find_first_of("\r\n") != std::string::npos) continue;
    p->head += name;
    p->head += ": ";
    p->head += value;
    p->head += "\r\n";
  }
  p->body = std::move(response.body);
  return p;
}

struct HttpServer::Impl {
  std::unique_ptr<Shared> shared;
  std::vector<std::unique_ptr<Loop>> loops;
  std::unique_ptr<tcp::acceptor> acceptor;  // on loops[0]
  std::unique_ptr<asio::steady_timer> retry_timer;
  size_t next = 0;
  int port = 0;
  bool stopped = false;

  void accept() {
    Loop& loop = *loops[next++ % loops.size()];
    acceptor->async_accept(loop.ctx, [this, &loop](const asio::error_code& ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
      if (!ec) {
        if (shared->open.load(std::memory_order_relaxed) >= shared->options.max_connections) {
          asio::error_code ignored;
          socket.close(ignored);
        } else {
          asio::post(loop.ctx, [this, &loop, s = std::move(socket)]() mutable {
            std::make_shared<Connection>(std::move(s), loop, *shared)->start();
          });
        }
        accept();
      } else {
        // Out of descriptors or the like: try again in a moment rather than spin.
        retry_timer->expires_after(std::chrono::milliseconds(50));
        retry_timer->async_wait([this](const asio::error_code& e) {
          if (!e) accept();
        });
      }
    });
  }

  static void sweep(Loop& loop) {
    loop.sweep.expires_after(std::chrono::seconds(1));
    loop.sweep.async_wait([&loop](const asio::error_code& ec) {
      if (ec) return;
      const auto now = Clock::now();
      std::vector<Connection*> all(loop.connections.begin(), loop.connections.end());
      for (Connection* c : all) c->expire(now);
      sweep(loop);
    });
  }
};

HttpServer::HttpServer() : impl_(std::make_unique<Impl>()) {}

HttpServer::~HttpServer() { stop(); }

int HttpServer::port() const { return impl_->port; }

core::Result<std::unique_ptr<HttpServer>> HttpServer::start(const HttpServerOptions& options, ReadyHandler ready,
                                                           WorkHandler handle) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  Impl& impl = *server->impl_;
  impl.shared = std::make_unique<Shared>(options, std::move(ready), std::move(handle));
  const size_t n = options.event_loops ? options.event_loops : std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < n; ++i) impl.loops.push_back(std::make_unique<Loop>());
  asio::error_code ec;
  const auto address = asio::ip::make_address(options.listen, ec);
  if (ec) return core::fail(core::ErrorCode::kConfig, fmt::format("web.listen: {:?} is not an IP address", options.listen));
  impl.acceptor = std::make_unique<tcp::acceptor>(impl.loops[0]->ctx);
  impl.retry_timer = std::make_unique<asio::steady_timer>(impl.loops[0]->ctx);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(options.port));
  impl.acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl.acceptor->bind(endpoint, ec);
  if (!ec) impl.acceptor->listen(1024, ec);
  if (ec) {
    return core::fail(core::ErrorCode::kNetwork,
                      fmt::format("cannot listen on {}:{}: {}", options.listen, options.port, ec.message()));
  }
  impl.port = impl.acceptor->local_endpoint().port();
  impl.accept();
  for (auto& loop : impl.loops) {
    Impl::sweep(*loop);
    Loop* l = loop.get();
    loop->thread = std::thread([l] { l->ctx.run(); });
  }
  return server;
}

void HttpServer::stop() {
  Impl& impl = *impl_;
  if (impl.stopped || !impl.shared) return;
  impl.stopped = true;
  // Drain: no new connections; answers being made or written go out (with
  // Connection: close), for at most drain_timeout; every other connection closes now.
  impl.shared->draining = true;
  asio::post(impl.loops[0]->ctx, [&impl] {
    asio::error_code ignored;
    impl.acceptor->close(ignored);
  });
  for (auto& loop : impl.loops) {
    Loop* l = loop.get();
    asio::post(l->ctx, [l] {
      std::vector<Connection*> all(l->connections.begin(), l->connections.end());
      for (Connection* c : all) c->drain();
    });
  }
  const auto give_up = Clock::now() + impl.shared->options.drain_timeout;
  while (impl.shared->open.load() > 0 && Clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (auto& loop : impl.loops) loop->ctx.stop();
  for (auto& loop : impl.loops) {
    if (loop->thread.joinable()) loop->thread.join();
  }
  impl.shared->workers.join();  // answers in the making finish; the loops no longer write them
  asio::error_code ec;
  impl.acceptor->close(ec);
  impl.acceptor.reset();
  impl.retry_timer.reset();
  impl.loops.clear();  // closes every connection
}

}  // namespace newsdesk::web
