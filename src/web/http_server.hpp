// The site's HTTP/1.1 server: event-driven, on standalone Asio with one event
// loop per core, requests parsed by http-parser (nodejs's, Debian's
// libhttp-parser-dev). Keep-alive, pipelining, HEAD, urlencoded forms.
//
// Two kinds of answer, so that many readers cost little and a slow page
// holds up nobody else:
// - `Ready` runs on the event loop and must not block: it answers what is
//   ready (a cached page) or returns nullptr;
// - `Handle` runs on a pool of workers for everything else (a search, a
//   sign-up that sends its confirmation mail), and the event loop writes its
//   answer.
// Clients get 5 s between requests on a kept-alive connection and 15 s to send
// a request or take an answer; a request over the limits is answered 413/414/431/400
// and its connection closed. Stopping lets the answers in progress go out
// first. Nothing here knows the site's pages.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace newsdesk::web {

struct HttpRequest {
  std::string method;  // "GET", "POST", … (a HEAD arrives as "GET"; its answer goes without the body)
  std::string path;    // percent-decoded, without the query
  std::string query;   // as sent, after '?'
  std::vector<std::pair<std::string, std::string>> headers;  // as sent
  std::string body;
  std::string remote_addr;
  // The query's fields, then an application/x-www-form-urlencoded body's, decoded.
  std::multimap<std::string, std::string> params;

  std::string header(std::string_view name) const;  // the first such header (any case), "" when absent
  std::string param(std::string_view name) const;   // the first such field, "" when absent
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // any other
  std::string body;
};

// A response serialised once: status line and headers (the connection adds
// Content-Length, Date and Connection). Immutable, so one cached page is
// written to every reader without a copy.
struct PreparedResponse {
  int status = 200;
  std::string head;
  std::string body;
};
std::shared_ptr<const PreparedResponse> prepare(HttpResponse response);

// "a=1&b=x+y%21" -> {a: 1, b: "x y!"}, appended to `out`.
void parse_form(std::string_view encoded, std::multimap<std::string, std::string>& out);

struct HttpServerOptions {
  std::string listen = "127.0.0.1";
  int port = 0;            // 0: any free port
  size_t event_loops = 0;  // 0: one per core
  size_t workers = 16;     // threads for `Handle`
  size_t max_body_bytes = size_t{8} << 20;
  size_t max_connections = 10000;
  std::chrono::seconds keep_alive{5};
  std::chrono::seconds request_timeout{15};
  std::chrono::seconds drain_timeout{5};  // stop(): how long answers in progress may take to go out
};

using ReadyHandler = std::function<std::shared_ptr<const PreparedResponse>(const HttpRequest&)>;
using WorkHandler = std::function<std::shared_ptr<const PreparedResponse>(const HttpRequest&)>;

class HttpServer {
 public:
  // Binds and starts serving on background threads. `ready` may be empty.
  static core::Result<std::unique_ptr<HttpServer>> start(const HttpServerOptions& options, ReadyHandler ready,
                                                         WorkHandler handle);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  // Stops accepting, lets the answers being made or written go out (at most
  // drain_timeout), closes every connection, waits for the workers. Idempotent.
  void stop();

 private:
  HttpServer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsdesk::web
