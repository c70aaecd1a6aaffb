#include "mail/smtp.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/strings.hpp"

namespace newsdesk::mail {
namespace {

using std::chrono::milliseconds;

struct Reply {
  int code = 0;      // 0: no reply (timeout, closed)
  std::string text;  // all lines, joined
  std::vector<std::string> lines;
};

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "TLS failure";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

// A TCP connection, plain or TLS, with a deadline on every read and write.
// The socket is non-blocking; poll() waits with the step's timeout.
class Connection {
 public:
  ~Connection() { close(); }
  void close() {
    if (ssl_ != nullptr) {
      SSL_free(ssl_);
      ssl_ = nullptr;
    }
    if (ctx_ != nullptr) {
      SSL_CTX_free(ctx_);
      ctx_ = nullptr;
    }
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool encrypted() const { return ssl_ != nullptr; }

  std::string open(const std::string& host, int port, milliseconds timeout) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
    if (rc != 0) return fmt::format("{}: {}", host, ::gai_strerror(rc));
    std::string why = "no address";
    for (addrinfo* a = found; a != nullptr && fd_ < 0; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
      if (fd < 0) continue;
      int r = ::connect(fd, a->ai_addr, a->ai_addrlen);
      if (r != 0 && errno == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
        int err = 0;
        socklen_t len = sizeof err;
        if (ready == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
          r = 0;
        } else {
          errno = ready == 0 ? ETIMEDOUT : err;
        }
      }
      if (r == 0) {
        // Commands are written whole; waiting to coalesce them (Nagle) only
        // stalls the end of a message behind the server's delayed ACK.
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fd_ = fd;
        break;
      }
      why = std::strerror(errno);
      ::close(fd);
    }
    ::freeaddrinfo(found);
    return fd_ >= 0 ? "" : fmt::format("{}:{}: {}", host, port, why);
  }

  // The TLS handshake on the open socket, the server's certificate checked
  // against `host` (a name or an IP address) unless told not to.
  std::string start_tls(const std::string& host, bool verify, const std::string& ca_file, milliseconds timeout) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr) return openssl_error();
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    if (verify) {
      SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
      int loaded = ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx_)
                                   : SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr);
      if (loaded != 1) return fmt::format("cannot load the trusted certificates{}: {}", ca_file.empty() ? "" : " from " + ca_file, openssl_error());
    }
    ssl_ = SSL_new(ctx_);
    if (ssl_ == nullptr) return openssl_error();
    SSL_set_fd(ssl_, fd_);
    in6_addr ip6{};
    in_addr ip4{};
    bool is_ip = ::inet_pton(AF_INET, host.c_str(), &ip4) == 1 || ::inet_pton(AF_INET6, host.c_str(), &ip6) == 1;
    if (!is_ip) SSL_set_tlsext_host_name(ssl_, host.c_str());
    if (verify) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
      int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
      if (ok != 1) return "cannot set the name to verify: " + openssl_error();
    }
    for (;;) {
      int r = SSL_connect(ssl_);
      if (r == 1) return "";
      int err = SSL_get_error(ssl_, r);
      if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
        long verdict = SSL_get_verify_result(ssl_);
        if (verify && verdict != X509_V_OK) return fmt::format("the certificate is not trusted: {}", X509_verify_cert_error_string(verdict));
        return "TLS handshake: " + openssl_error();
      }
      if (!wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, timeout)) return "TLS handshake: timed out";
    }
  }

  // Two pieces as one (a message and its final dot): gathered in one
  // system call on a plain socket, without copying the message.
  bool write(std::string_view first, std::string_view second, milliseconds timeout) {
    if (ssl_ != nullptr) return write(first, timeout) && write(second, timeout);
    while (!first.empty() || !second.empty()) {
      iovec parts[2] = {{const_cast<char*>(first.data()), first.size()}, {const_cast<char*>(second.data()), second.size()}};
      msghdr m{};
      m.msg_iov = parts;
      m.msg_iovlen = 2;
      ssize_t n = ::sendmsg(fd_, &m, MSG_NOSIGNAL);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait(POLLOUT, timeout)) continue;
      if (n <= 0) return false;
      size_t sent = static_cast<size_t>(n), from_first = std::min(sent, first.size());
      first.remove_prefix(from_first);
      second.remove_prefix(sent - from_first);
    }
    return true;
  }

  bool write(std::string_view data, milliseconds timeout) {
    while (!data.empty()) {
      ssize_t n;
      if (ssl_ != nullptr) {
        int r = SSL_write(ssl_, data.data(), static_cast<int>(std::min<size_t>(data.size(), 1 << 30)));
        if (r <= 0) {
          int err = SSL_get_error(ssl_, r);
          if ((err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) && wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, timeout)) continue;
          return false;
        }
        n = r;
      } else {
        n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait(POLLOUT, timeout)) continue;
        if (n <= 0) return false;
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One reply, its continuation lines ("250-...") included.
  Reply read(milliseconds timeout) {
    Reply r;
    for (;;) {
      std::string line;
      if (!read_line(line, timeout)) {
        r.code = 0;
        r.text = "no reply (timeout or connection closed)";
        return r;
      }
      r.lines.push_back(line);
      r.text += (r.text.empty() ? "" : " ") + line;
      if (line.size() < 3) continue;
      if (line.size() == 3 || line[3] != '-') {
        r.code = std::atoi(line.substr(0, 3).c_str());
        if (r.code < 200 || r.code > 599) r.code = 0;  // not SMTP
        return r;
      }
    }
  }

  // RFC 3207: what the server sent before the handshake must not be read as
  // if it came over TLS.
  void discard_buffered() { buffer_.clear(); }

 private:
  bool wait(short events, milliseconds timeout) {
    pollfd p{fd_, events, 0};
    return ::poll(&p, 1, static_cast<int>(timeout.count())) == 1;
  }
  bool read_line(std::string& line, milliseconds timeout) {
    for (;;) {
      size_t eol = buffer_.find("\r\n");
      if (eol != std::string::npos) {
        line = buffer_.substr(0, eol);
        buffer_.erase(0, eol + 2);
        return true;
      }
      if (buffer_.size() > 64 * 1024) return false;  // no reply line is that long
      char chunk[4096];
      ssize_t n;
      if (ssl_ != nullptr) {
        int r = SSL_read(ssl_, chunk, sizeof chunk);
        if (r <= 0) {
          int err = SSL_get_error(ssl_, r);
          if ((err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) && wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, timeout)) continue;
          return false;
        }
        n = r;
      } else {
        n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          if (!wait(POLLIN, timeout)) return false;
          continue;
        }
        if (n <= 0) return false;
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buffer_;
};

SmtpOutcome outcome_of(const Reply& r) {
  SmtpOutcome o;
  o.code = r.code;
  o.reply = r.text;
  o.connection_lost = r.code == 0 || r.code == 421;  // 421: the server is closing the channel
  o.kind = r.code >= 200 && r.code < 300 ? SmtpOutcome::Kind::kSent
           : r.code >= 500               ? SmtpOutcome::Kind::kFailed
                                         : SmtpOutcome::Kind::kDeferred;
  return o;
}

bool plain_address(const std::string& a) { return a.find_first_of("<>\r\n ") == std::string::npos; }

std::string base64(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(raw.data()),
                          static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// What EHLO's reply lines offer.
struct Capabilities {
  bool esmtp = false;
  bool pipelining = false;
  bool starttls = false;
  bool auth_plain = false;
  bool auth_login = false;
  size_t size = 0;
};

Capabilities capabilities_of(const Reply& ehlo) {
  Capabilities c;
  c.esmtp = ehlo.code == 250;
  for (size_t i = 1; i < ehlo.lines.size(); ++i) {  // the first line is the server's greeting
    const std::string& line = ehlo.lines[i];
    if (line.size() <= 4) continue;
    std::string keyword = core::to_lower_ascii(core::trim(line.substr(4)));
    std::string first = keyword.substr(0, keyword.find(' '));
    if (first == "pipelining") c.pipelining = true;
    if (first == "starttls") c.starttls = true;
    if (first == "size" && keyword.size() > 5) c.size = std::strtoull(keyword.c_str() + 5, nullptr, 10);
    if (first == "auth" || keyword.rfind("auth=", 0) == 0) {
      for (const auto& mech : core::split(keyword.substr(5), ' ')) {
        if (mech == "plain") c.auth_plain = true;
        if (mech == "login") c.auth_login = true;
      }
    }
  }
  return c;
}

}  // namespace

struct SmtpSession::Impl {
  SmtpOptions options;
  Connection connection;
  Capabilities caps;
  bool usable = false;

  core::Error refuse(core::ErrorCode code, const std::string& why) {
    usable = false;
    connection.close();
    return core::Error{code, fmt::format("SMTP {}:{}: {}", options.host, options.port, why)};
  }

  // EHLO, falling back to HELO for a server without extensions.
  std::string hello() {
    const milliseconds t = options.timeouts.greeting;
    if (!connection.write("EHLO " + options.helo_name + "\r\n", t)) return "cannot send EHLO";
    Reply ehlo = connection.read(t);
    if (ehlo.code == 0) return "no reply to EHLO";
    if (ehlo.code == 421) return "EHLO: " + ehlo.text;
    caps = capabilities_of(ehlo);
    if (ehlo.code == 250) return "";
    if (!connection.write("HELO " + options.helo_name + "\r\n", t)) return "cannot send HELO";
    Reply helo = connection.read(t);
    return helo.code == 250 ? "" : "HELO: " + helo.text;
  }

  core::Result<void> login() {
    const milliseconds t = options.timeouts.greeting;
    Reply r;
    if (caps.auth_plain) {
      std::string token = base64(std::string(1, '\0') + options.username + std::string(1, '\0') + options.password);
      if (!connection.write("AUTH PLAIN " + token + "\r\n", t)) return tl::unexpected(refuse(core::ErrorCode::kNetwork, "cannot send AUTH"));
      r = connection.read(t);
    } else if (caps.auth_login) {
      if (!connection.write("AUTH LOGIN\r\n", t)) return tl::unexpected(refuse(core::ErrorCode::kNetwork, "cannot send AUTH"));
      r = connection.read(t);
      for (const std::string* part : {&options.username, &options.password}) {
        if (r.code != 334) break;
        if (!connection.write(base64(*part) + "\r\n", t)) return tl::unexpected(refuse(core::ErrorCode::kNetwork, "cannot send AUTH"));
        r = connection.read(t);
      }
    } else {
      return tl::unexpected(refuse(core::ErrorCode::kRefused, "the server offers neither AUTH PLAIN nor AUTH LOGIN"));
    }
    if (r.code == 235) return {};
    if (r.code == 0 || r.code == 421 || (r.code >= 400 && r.code < 500)) {
      return tl::unexpected(refuse(core::ErrorCode::kNetwork, "AUTH: " + r.text));
    }
    return tl::unexpected(refuse(core::ErrorCode::kRefused, "the login was refused: " + r.text));
  }

  core::Result<void> open() {
    const SmtpTimeouts& t = options.timeouts;
    if (std::string why = connection.open(options.host, options.port, t.connect); !why.empty()) {
      return tl::unexpected(refuse(core::ErrorCode::kNetwork, why));
    }
    if (options.tls == TlsMode::kImplicit) {
      std::string why = connection.start_tls(options.host, options.verify_certificate, options.ca_file, t.greeting);
      if (!why.empty()) return tl::unexpected(refuse(core::ErrorCode::kNetwork, why));
    }
    Reply greeting = connection.read(t.greeting);
    if (greeting.code != 220) return tl::unexpected(refuse(core::ErrorCode::kNetwork, "greeting: " + greeting.text));
    if (std::string why = hello(); !why.empty()) return tl::unexpected(refuse(core::ErrorCode::kNetwork, why));
    if (options.tls == TlsMode::kStartTls) {
      if (caps.starttls) {
        if (!connection.write("STARTTLS\r\n", t.greeting)) return tl::unexpected(refuse(core::ErrorCode::kNetwork, "cannot send STARTTLS"));
        Reply go = connection.read(t.greeting);
        if (go.code != 220) {
          if (options.tls_required) return tl::unexpected(refuse(core::ErrorCode::kNetwork, "STARTTLS: " + go.text));
        } else {
          connection.discard_buffered();
          std::string why = connection.start_tls(options.host, options.verify_certificate, options.ca_file, t.greeting);
          if (!why.empty()) return tl::unexpected(refuse(core::ErrorCode::kNetwork, why));
          // RFC 3207: forget what was learnt in plaintext and ask again.
          if (std::string again = hello(); !again.empty()) return tl::unexpected(refuse(core::ErrorCode::kNetwork, again));
        }
      } else if (options.tls_required) {
        return tl::unexpected(refuse(core::ErrorCode::kRefused,
                                     "the server does not offer STARTTLS, and TLS is required (tls = \"none\" for a plaintext relay)"));
      }
    }
    if (!options.username.empty()) {
      if (!connection.encrypted() && options.tls != TlsMode::kNone) {
        return tl::unexpected(refuse(core::ErrorCode::kRefused, "will not send the password over a connection without TLS"));
      }
      ND_TRY(login());
    }
    usable = true;
    return {};
  }
};

SmtpSession::SmtpSession() : impl_(std::make_unique<Impl>()) {}
SmtpSession::~SmtpSession() { quit(); }

core::Result<std::unique_ptr<SmtpSession>> SmtpSession::open(const SmtpOptions& options) {
  std::unique_ptr<SmtpSession> session(new SmtpSession());
  session->impl_->options = options;
  ND_TRY(session->impl_->open());
  return session;
}

bool SmtpSession::usable() const { return impl_->usable; }
bool SmtpSession::pipelining() const { return impl_->caps.pipelining; }
bool SmtpSession::encrypted() const { return impl_->connection.encrypted(); }
size_t SmtpSession::size_limit() const { return impl_->caps.size; }

void SmtpSession::quit() {
  if (impl_->usable) {
    const milliseconds t = std::min(impl_->options.timeouts.greeting, milliseconds(5000));
    if (impl_->connection.write("QUIT\r\n", t)) impl_->connection.read(t);
  }
  impl_->usable = false;
  impl_->connection.close();
}

SmtpOutcome SmtpSession::send(const Envelope& e) {
  Impl& s = *impl_;
  const SmtpTimeouts& t = s.options.timeouts;
  if (!s.usable) return {SmtpOutcome::Kind::kDeferred, 0, "not sent: the connection was lost", true};
  if (!plain_address(e.from) || !plain_address(e.to) || e.to.empty()) {
    return {SmtpOutcome::Kind::kFailed, 0, "not sent: the envelope address is malformed", false};
  }
  if (s.caps.size > 0 && e.data.size() > s.caps.size) {
    return {SmtpOutcome::Kind::kFailed, 552,
            fmt::format("not sent: the message ({} bytes) is larger than the server takes (SIZE {})", e.data.size(), s.caps.size), false};
  }
  std::string mail = "MAIL FROM:<" + e.from + ">";
  if (s.caps.size > 0) mail += " SIZE=" + std::to_string(e.data.size());
  mail += "\r\n";
  const std::string rcpt = "RCPT TO:<" + e.to + ">\r\n";
  Reply r_mail, r_rcpt, r_data;
  bool connected = true;
  auto lost = [&](const std::string& why) {
    s.usable = false;
    s.connection.close();
    return SmtpOutcome{SmtpOutcome::Kind::kDeferred, 0, why, true};
  };
  if (s.caps.pipelining) {
    // One write, three replies (RFC 2920).
    connected = s.connection.write(mail + rcpt + "DATA\r\n", t.mail);
    r_mail = s.connection.read(t.mail);
    r_rcpt = s.connection.read(t.rcpt);
    r_data = s.connection.read(t.data_init);
  } else {
    connected = s.connection.write(mail, t.mail);
    r_mail = s.connection.read(t.mail);
    if (r_mail.code == 250) {
      connected = connected && s.connection.write(rcpt, t.rcpt);
      r_rcpt = s.connection.read(t.rcpt);
      if (r_rcpt.code == 250 || r_rcpt.code == 251) {
        connected = connected && s.connection.write("DATA\r\n", t.data_init);
        r_data = s.connection.read(t.data_init);
      }
    }
  }
  if (!connected) return lost("not sent: the connection was lost before the message");
  const bool accepted = r_mail.code == 250 && (r_rcpt.code == 250 || r_rcpt.code == 251);
  if (r_data.code == 354 && !accepted) {
    // The server took DATA although the transaction failed: end it empty.
    if (!s.connection.write(".\r\n", t.data_block) || s.connection.read(t.data_term).code == 0) {
      s.usable = false;
    }
  }
  if (!accepted || r_data.code != 354) {
    const Reply& decisive = r_mail.code != 250                        ? r_mail
                            : (r_rcpt.code != 250 && r_rcpt.code != 251) ? r_rcpt
                                                                        : r_data;
    SmtpOutcome o = outcome_of(decisive);
    if (o.connection_lost) {
      s.usable = false;
      s.connection.close();
      return o;
    }
    if (s.usable && !(s.connection.write("RSET\r\n", t.mail) && s.connection.read(t.mail).code == 250)) {
      s.usable = false;
      s.connection.close();
    }
    return o;
  }
  // Our own messages never have a line that starts with a dot (their
  // quoted-printable escapes it): they go as they are, without a copy.
  const bool needs_stuffing = (!e.data.empty() && e.data[0] == '.') || e.data.find("\n.") != std::string::npos;
  const bool ends_with_crlf = e.data.size() >= 2 && e.data.compare(e.data.size() - 2, 2, "\r\n") == 0;
  const bool written = needs_stuffing ? s.connection.write(dot_stuff(e.data), t.data_block)
                                      : s.connection.write(e.data, ends_with_crlf ? ".\r\n" : "\r\n.\r\n", t.data_block);
  if (!written) return lost("not sent: the connection was lost during the message");
  SmtpOutcome o = outcome_of(s.connection.read(t.data_term));
  if (o.connection_lost) {
    s.usable = false;
    s.connection.close();
  }
  return o;
}

std::string dot_stuff(const std::string& data) {
  std::string out;
  out.reserve(data.size() + data.size() / 64 + 8);
  bool line_start = true;
  for (char c : data) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out + ".\r\n";
}

core::Result<std::vector<SmtpOutcome>> smtp_send(const SmtpOptions& options, const std::vector<Envelope>& envelopes,
                                                 bool* pipelined) {
  ND_TRY_ASSIGN(session, SmtpSession::open(options));
  if (pipelined != nullptr) *pipelined = (*session)->pipelining();
  std::vector<SmtpOutcome> out;
  out.reserve(envelopes.size());
  for (const auto& e : envelopes) out.push_back((*session)->send(e));
  (*session)->quit();
  return out;
}

}  // namespace newsdesk::mail
