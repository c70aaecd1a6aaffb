#include "behaviour_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <system_error>

namespace newsdesk::test_support {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr std::size_t kMaxHead = 64 * 1024;                // request line + headers
constexpr std::size_t kMaxRequestBody = 64 * 1024 * 1024;  // Content-Length request bodies
constexpr std::size_t kPiece = 1024;                       // drip / chunked piece size
constexpr milliseconds kLinger{1000};  // how long a closing connection waits for the client's FIN
constexpr milliseconds kForever{-1};

std::string errno_text(int err) { return std::generic_category().message(err); }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool icontains(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                     [](char x, char y) { return lower(x) == lower(y); }) != hay.end();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool has_header(const std::vector<std::pair<std::string, std::string>>& headers,
                std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return iequals(h.first, name); });
}

const char* reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 410:
      return "Gone";
    case 413:
      return "Content Too Large";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

bool body_forbidden(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

Reply plain_reply(int status, std::string body) {
  Reply r;
  r.status = status;
  r.headers = {{"Content-Type", "text/plain"}};
  r.body = std::move(body);
  return r;
}

// Parses the request line and headers (without the final CRLFCRLF).
bool parse_head(std::string_view head, Request& req, bool& http11) {
  const auto eol = head.find("\r\n");
  const std::string_view line = head.substr(0, eol);
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return false;
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return false;
  req.method = std::string(line.substr(0, sp1));
  req.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  const std::string_view version = line.substr(sp2 + 1);
  if (req.method.empty() || req.target.empty()) return false;
  if (version == "HTTP/1.1") {
    http11 = true;
  } else if (version == "HTTP/1.0") {
    http11 = false;
  } else {
    return false;
  }
  std::string_view rest = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
  while (!rest.empty()) {
    const auto e = rest.find("\r\n");
    const std::string_view field = rest.substr(0, e);
    rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 2);
    const auto colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    req.headers.emplace_back(std::string(trim(field.substr(0, colon))),
                             std::string(trim(field.substr(colon + 1))));
  }
  req.host = req.header("Host");
  return true;
}

// One connection's socket, with every wait also watching the server's wake-up pipe.
class Io {
 public:
  enum class Wait { ready, timeout, stopping };

  Io(int fd, int wake, const std::atomic<bool>& stopping)
      : fd_(fd), wake_(wake), stopping_(stopping) {}

  // Waits for `events` on `fd` (-1: none, a plain sleep); a negative timeout waits forever.
  Wait wait(int fd, short events, milliseconds timeout) const {
    const auto deadline = steady_clock::now() + timeout;
    for (;;) {
      if (stopping_.load()) return Wait::stopping;
      int ms = -1;
      if (timeout.count() >= 0) {
        const auto left = std::chrono::ceil<milliseconds>(deadline - steady_clock::now()).count();
        if (left <= 0) return Wait::timeout;
        ms = static_cast<int>(std::min<long long>(left, INT_MAX));
      }
      pollfd p[2] = {{wake_, POLLIN, 0}, {fd, events, 0}};
      const int r = ::poll(p, 2, ms);
      if (r < 0) {
        if (errno == EINTR) continue;
        return Wait::stopping;  // poll itself failed: give up on this connection
      }
      if (p[0].revents != 0) return Wait::stopping;
      if (p[1].revents != 0) return Wait::ready;
    }
  }

  // Sleeps; false if the server stopped meanwhile.
  bool pause(milliseconds d) const { return d.count() <= 0 || wait(-1, 0, d) == Wait::timeout; }

  bool send_all(std::string_view data) const {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n > 0) {
        data.remove_prefix(static_cast<std::size_t>(n));
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (wait(fd_, POLLOUT, kForever) != Wait::ready) return false;
      } else {
        return false;
      }
    }
    return true;
  }

  // Appends what arrives; false on end of stream, error, timeout or stop.
  bool read_more(std::string& buf, milliseconds timeout = kForever) const {
    char tmp[16384];
    for (;;) {
      const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n > 0) {
        buf.append(tmp, static_cast<std::size_t>(n));
        return true;
      }
      if (n == 0) return false;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
      if (wait(fd_, POLLIN, timeout) != Wait::ready) return false;
    }
  }

  // never_answer: swallow whatever comes until the client hangs up or the server stops.
  void hold() const {
    std::string sink;
    while (read_more(sink)) sink.clear();
  }

  // Sends our FIN, then reads until the client's (briefly), so that closing does not turn into a
  // reset that could destroy data the client has not read yet.
  void finish() const {
    ::shutdown(fd_, SHUT_WR);
    const auto deadline = steady_clock::now() + kLinger;
    std::string sink;
    for (;;) {
      const auto left = std::chrono::ceil<milliseconds>(deadline - steady_clock::now());
      if (left.count() <= 0 || !read_more(sink, left)) return;
      sink.clear();
    }
  }

 private:
  int fd_;
  int wake_;
  const std::atomic<bool>& stopping_;
};

// Sends `reply` for `req`. Returns whether the connection stays open for another request.
bool respond(const Io& io, const Request& req, const Reply& reply, bool client_keeps_alive,
             bool stopping) {
  if (reply.never_answer) {
    io.hold();
    return false;
  }
  if (reply.close_without_reply) return false;
  if (!io.pause(reply.delay)) return false;

  const bool no_body_status = body_forbidden(reply.status);
  const bool send_body = !no_body_status && req.method != "HEAD";
  bool close = !client_keeps_alive || stopping || reply.truncate_after.has_value();
  if (!no_body_status && reply.no_length && !reply.chunked) close = true;

  std::string out =
      "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
  for (const auto& [name, value] : reply.headers) {
    out += name + ": " + value + "\r\n";
    if (iequals(name, "Connection") && icontains(value, "close")) close = true;
  }
  const bool framing_given =
      has_header(reply.headers, "Content-Length") || has_header(reply.headers, "Transfer-Encoding");
  if (!no_body_status && !framing_given) {
    if (reply.chunked) {
      out += "Transfer-Encoding: chunked\r\n";
    } else if (!reply.no_length) {
      out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    }
  }
  if (close && !has_header(reply.headers, "Connection")) out += "Connection: close\r\n";
  out += "\r\n";
  if (!send_body) return io.send_all(out) && !close;

  std::string_view body = reply.body;
  const bool truncated = reply.truncate_after && *reply.truncate_after < body.size();
  if (truncated) body = body.substr(0, *reply.truncate_after);

  if (!reply.chunked && reply.drip.count() <= 0) {
    out += body;
    return io.send_all(out) && !close;
  }
  if (!io.send_all(out)) return false;
  for (std::size_t off = 0; off < body.size(); off += kPiece) {
    if (!io.pause(reply.drip)) return false;
    const std::string_view piece = body.substr(off, kPiece);
    if (reply.chunked) {
      char size_line[32];
      std::snprintf(size_line, sizeof size_line, "%zx\r\n", piece.size());
      if (!io.send_all(std::string(size_line).append(piece).append("\r\n"))) return false;
    } else if (!io.send_all(piece)) {
      return false;
    }
  }
  if (reply.chunked && !truncated && !io.send_all("0\r\n\r\n")) return false;
  return !close;
}

// Deflates `in` with a fresh stream. windowBits -15: raw deflate, 31: gzip.
std::string deflate_all(std::string_view in, int window_bits, int flush) {
  z_stream zs{};
  if (deflateInit2(&zs, 9, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = deflate(&zs, flush);
    if (rc == Z_STREAM_ERROR) {
      deflateEnd(&zs);
      throw std::runtime_error("deflate failed");
    }
    out.append(buf, sizeof buf - zs.avail_out);
  } while (zs.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  deflateEnd(&zs);
  return out;
}

void put_le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

std::string Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

std::string Request::path() const { return target.substr(0, target.find('?')); }

struct BehaviourServer::Connection {
  int fd = -1;
  std::thread thread;
  std::atomic<bool> done{false};
};

BehaviourServer::BehaviourServer(std::string bind_address, std::uint16_t port)
    : address_(std::move(bind_address)) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (::inet_pton(AF_INET, address_.c_str(), &sa.sin_addr) != 1) {
    throw std::runtime_error("BehaviourServer: not an IPv4 address: '" + address_ + "'");
  }
  const auto fail = [&](const char* what) {
    const int err = errno;
    for (int* fd : {&listen_fd_, &wake_read_, &wake_write_}) {
      if (*fd >= 0) ::close(*fd);
      *fd = -1;
    }
    throw std::runtime_error("BehaviourServer: " + std::string(what) + " " + address_ + ":" +
                             std::to_string(port) + ": " + errno_text(err));
  };
  int wake[2];
  if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) fail("cannot create a pipe for");
  wake_read_ = wake[0];
  wake_write_ = wake[1];
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) fail("cannot create a socket for");
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
    fail("cannot bind");
  }
  if (::listen(listen_fd_, SOMAXCONN) != 0) fail("cannot listen on");
  socklen_t len = sizeof sa;
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    fail("getsockname failed for");
  }
  port_ = ntohs(sa.sin_port);
  fallback_ =
      std::make_shared<const Handler>([](const Request&) { return plain_reply(404, "not found"); });
  try {
    acceptor_ = std::thread([this] { accept_loop(); });
  } catch (const std::system_error& e) {
    errno = e.code().value();
    fail("cannot start the accept thread for");
  }
}

BehaviourServer::~BehaviourServer() { stop(); }

void BehaviourServer::route(std::string path, Handler h) {
  auto handler = std::make_shared<const Handler>(std::move(h));
  std::lock_guard lock(mu_);
  routes_.insert_or_assign(std::move(path), std::move(handler));
}

void BehaviourServer::fallback(Handler h) {
  auto handler = std::make_shared<const Handler>(std::move(h));
  std::lock_guard lock(mu_);
  fallback_ = std::move(handler);
}

std::string BehaviourServer::url(std::string_view path) const {
  std::string out = "http://" + address_ + ":" + std::to_string(port_);
  if (path.empty() || path.front() != '/') out += '/';
  out += path;
  return out;
}

std::vector<Request> BehaviourServer::requests() const {
  std::lock_guard lock(mu_);
  return log_;
}

std::size_t BehaviourServer::count(std::string_view path) const {
  std::lock_guard lock(mu_);
  return static_cast<std::size_t>(
      std::count_if(log_.begin(), log_.end(), [&](const Request& r) { return r.path() == path; }));
}

std::shared_ptr<const Handler> BehaviourServer::handler_for(const std::string& path) const {
  std::lock_guard lock(mu_);
  const auto it = routes_.find(path);
  return it != routes_.end() ? it->second : fallback_;
}

void BehaviourServer::stop() {
  std::lock_guard lock(stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  stopping_.store(true);
  const char byte = 1;
  while (::write(wake_write_, &byte, 1) < 0 && errno == EINTR) {
  }
  if (acceptor_.joinable()) acceptor_.join();
  ::close(listen_fd_);
  listen_fd_ = -1;
  for (auto& conn : connections_) {
    if (conn->thread.joinable()) conn->thread.join();
  }
  connections_.clear();
  ::close(wake_read_);
  ::close(wake_write_);
  wake_read_ = wake_write_ = -1;
}

void BehaviourServer::accept_loop() {
  for (;;) {
    pollfd p[2] = {{wake_read_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (p[0].revents != 0) return;
    if ((p[1].revents & (POLLERR | POLLNVAL)) != 0) return;
    if ((p[1].revents & POLLIN) == 0) continue;

    // Join the connections that have finished.
    for (auto it = connections_.begin(); it != connections_.end();) {
      if ((*it)->done.load()) {
        (*it)->thread.join();
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }

    for (;;) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          pollfd w{wake_read_, POLLIN, 0};
          ::poll(&w, 1, 10);  // out of resources: back off instead of spinning
        }
        break;
      }
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      accepted_.fetch_add(1);
      auto conn = std::make_unique<Connection>();
      conn->fd = fd;
      Connection& c = *conn;
      try {
        c.thread = std::thread([this, &c] {
          try {
            serve(c);
          } catch (...) {
            // Out of memory or similar: drop the connection, keep the server.
          }
          ::close(c.fd);
          c.done.store(true);
        });
      } catch (const std::system_error&) {
        ::close(fd);
        continue;
      }
      connections_.push_back(std::move(conn));
    }
  }
}

void BehaviourServer::serve(Connection& conn) {
  const Io io(conn.fd, wake_read_, stopping_);
  std::string buf;
  const auto refuse = [&](int status, std::string body) {
    Request dummy;
    dummy.method = "GET";
    respond(io, dummy, plain_reply(status, std::move(body)), false, true);
  };
  while (!stopping_.load()) {
    std::size_t end;
    bool ok = true;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (buf.size() > kMaxHead) {
        refuse(431, "request head too large");
        ok = false;
        break;
      }
      if (!io.read_more(buf)) {
        ok = false;
        break;
      }
    }
    if (!ok) break;

    Request req;
    bool http11 = true;
    if (!parse_head(std::string_view(buf).substr(0, end), req, http11)) {
      refuse(400, "bad request");
      break;
    }
    buf.erase(0, end + 4);

    if (!req.header("Transfer-Encoding").empty()) {
      refuse(501, "request bodies must use Content-Length");
      break;
    }
    std::size_t length = 0;
    if (const std::string cl = req.header("Content-Length"); !cl.empty()) {
      const auto [p, ec] = std::from_chars(cl.data(), cl.data() + cl.size(), length);
      if (ec != std::errc() || p != cl.data() + cl.size()) {
        refuse(400, "bad Content-Length");
        break;
      }
      if (length > kMaxRequestBody) {
        refuse(413, "request body too large");
        break;
      }
    }
    if (buf.size() < length && icontains(req.header("Expect"), "100-continue") &&
        !io.send_all("HTTP/1.1 100 Continue\r\n\r\n")) {
      break;
    }
    while (ok && buf.size() < length) ok = io.read_more(buf);
    if (!ok) break;
    req.body = buf.substr(0, length);
    buf.erase(0, length);

    const std::string connection = req.header("Connection");
    const bool keep_alive =
        http11 ? !icontains(connection, "close") : icontains(connection, "keep-alive");
    {
      std::lock_guard lock(mu_);
      log_.push_back(req);
    }
    Reply reply;
    try {
      reply = (*handler_for(req.path()))(req);
    } catch (const std::exception& e) {
      reply = plain_reply(500, e.what());
    } catch (...) {
      reply = plain_reply(500, "handler threw");
    }
    if (!respond(io, req, reply, keep_alive, stopping_.load())) break;
  }
  io.finish();
}

Reply redirect(int status, std::string location) {
  Reply r = plain_reply(status, "redirecting to " + location);
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

Reply gzip_reply(std::string plain_body, std::string content_type) {
  Reply r;
  r.headers = {{"Content-Type", std::move(content_type)}, {"Content-Encoding", "gzip"}};
  r.body = deflate_all(plain_body, 15 + 16, Z_FINISH);
  return r;
}

Reply gzip_bomb(std::size_t decompressed_bytes, char fill, std::string content_type) {
  // One block of `fill` compressed by a fresh raw deflate stream and sync-flushed ends on a byte
  // boundary and refers to nothing before itself, so it can be repeated; a final block with the
  // remainder ends the stream. The CRC is combined arithmetically.
  constexpr std::size_t kBlock = 1024 * 1024;
  const std::size_t block_len = std::min(decompressed_bytes, kBlock);
  const std::string block(block_len, fill);
  const std::size_t repeats = block_len == 0 ? 0 : decompressed_bytes / block_len;
  const std::size_t rest = block_len == 0 ? 0 : decompressed_bytes % block_len;

  const std::string packed = deflate_all(block, -15, Z_SYNC_FLUSH);
  const std::string_view rest_plain = std::string_view(block).substr(0, rest);
  const std::string tail = deflate_all(rest_plain, -15, Z_FINISH);

  const uLong block_crc =
      crc32(0L, reinterpret_cast<const Bytef*>(block.data()), static_cast<uInt>(block.size()));
  uLong crc = crc32(0L, Z_NULL, 0);
  for (std::size_t i = 0; i < repeats; ++i) {
    crc = crc32_combine(crc, block_crc, static_cast<z_off_t>(block_len));
  }
  crc = crc32_combine(
      crc, crc32(0L, reinterpret_cast<const Bytef*>(rest_plain.data()), static_cast<uInt>(rest)),
      static_cast<z_off_t>(rest));

  Reply r;
  r.headers = {{"Content-Type", std::move(content_type)}, {"Content-Encoding", "gzip"}};
  r.body.reserve(10 + repeats * packed.size() + tail.size() + 8);
  r.body.append("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);  // gzip, no name, mtime 0, Unix
  for (std::size_t i = 0; i < repeats; ++i) r.body += packed;
  r.body += tail;
  put_le32(r.body, static_cast<std::uint32_t>(crc));
  put_le32(r.body, static_cast<std::uint32_t>(decompressed_bytes & 0xffffffffu));
  return r;
}

std::string http_date(std::chrono::system_clock::time_point t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

}  // namespace newsdesk::test_support
