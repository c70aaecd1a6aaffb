// A small scriptable HTTP/1.1 server on raw POSIX sockets, for tests that need byte-level control
// over what a client receives: truncated bodies, silent servers, slow drips, gzip bombs, redirect
// loops. One thread accepts; each connection gets its own thread. Every blocking point (read,
// write, delay, drip, never_answer) also waits on a shared wake-up pipe, so stop() returns
// promptly whatever the connections are doing.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace newsdesk::test_support {

struct Reply {
  int status = 200;
  // Sent as given. The server adds Content-Length (unless `no_length`, `chunked`, a 1xx/204/304
  // status, or a Content-Length/Transfer-Encoding header given here), Transfer-Encoding: chunked
  // (when `chunked`) and Connection: close (when it will close, unless a Connection header is
  // given here).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Misbehaviours.
  // Send only this many body bytes (Content-Length still says the full size), then close.
  std::optional<std::size_t> truncate_after;
  std::chrono::milliseconds delay{0};  // wait before sending the status line
  std::chrono::milliseconds drip{0};   // pause before each 1 KiB body chunk: a slow response
  bool never_answer = false;           // read the request, then send nothing until the server stops
                                       // (or the client hangs up)
  bool close_without_reply = false;    // read the request, then close the socket
  bool chunked = false;                // Transfer-Encoding: chunked, 1 KiB chunks
  bool no_length = false;              // no Content-Length: the body ends when the server closes
};

struct Request {
  std::string method;
  std::string target;  // path + query, as sent
  std::string host;    // the Host header
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // a Content-Length request body, if any

  // Case-insensitive; "" if absent.
  std::string header(std::string_view name) const;
  // The target without its query.
  std::string path() const;
};

// Called on the connection's thread; connections run concurrently, so a handler that keeps state
// must guard it. A handler that throws produces a 500 whose body is the exception's what().
using Handler = std::function<Reply(const Request&)>;

class BehaviourServer {
 public:
  // Binds and starts listening at once. Port 0 = any free port. Throws std::runtime_error (with
  // the errno text) if the address is not IPv4 or cannot be bound, e.g. "127.0.0.2" is fine on
  // Linux loopback, "192.0.2.1" is not.
  explicit BehaviourServer(std::string bind_address = "127.0.0.1", std::uint16_t port = 0);
  // Stops, joins every thread, closes every socket (also connections held by never_answer).
  ~BehaviourServer();
  BehaviourServer(const BehaviourServer&) = delete;
  BehaviourServer& operator=(const BehaviourServer&) = delete;

  // Exact path match (without the query); a later route() for the same path replaces it.
  void route(std::string path, Handler h);
  // For paths without a route; by default 404 "not found".
  void fallback(Handler h);

  int port() const { return port_; }
  const std::string& address() const { return address_; }
  // "http://127.0.0.1:PORT/path" (a missing leading '/' is added).
  std::string url(std::string_view path) const;

  // Every request received, in arrival order (a thread-safe copy). Recorded before the handler
  // runs, so never_answer requests are included.
  std::vector<Request> requests() const;
  // How many requests hit this path (query ignored).
  std::size_t count(std::string_view path) const;
  // How many TCP connections were accepted: lets a test see connection reuse from the server side.
  std::size_t connections() const { return accepted_.load(); }

  // Idempotent. Must not be called from inside a handler.
  void stop();

 private:
  struct Connection;
  void accept_loop();
  void serve(Connection& conn);
  std::shared_ptr<const Handler> handler_for(const std::string& path) const;

  std::string address_;
  int port_ = 0;
  int listen_fd_ = -1;
  int wake_read_ = -1;  // readable once stop() has begun; never drained
  int wake_write_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> accepted_{0};

  mutable std::mutex mu_;  // routes_, fallback_, log_
  std::map<std::string, std::shared_ptr<const Handler>, std::less<>> routes_;
  std::shared_ptr<const Handler> fallback_;
  std::vector<Request> log_;

  std::mutex stop_mu_;
  bool stopped_ = false;
  std::thread acceptor_;
  std::list<std::unique_ptr<Connection>> connections_;  // touched by the acceptor, then by stop()
};

// Helpers for common replies.
Reply redirect(int status, std::string location);
// Content-Encoding: gzip, the body compressed.
Reply gzip_reply(std::string plain_body, std::string content_type);
// A small gzip body (Content-Encoding: gzip) that inflates to `decompressed_bytes` copies of
// `fill`. Built from one compressed 1 MiB block repeated, so it never allocates N bytes; the
// wire size is about N / 1000.
Reply gzip_bomb(std::size_t decompressed_bytes, char fill = ' ',
                std::string content_type = "application/octet-stream");
// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT", for Retry-After / Last-Modified.
std::string http_date(std::chrono::system_clock::time_point t);

}  // namespace newsdesk::test_support
