#include "mail/smtp.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/strings.hpp"

namespace newsdesk::mail {
namespace {

struct Reply {
  int code = 0;         // 0: no reply (timeout, closed)
  std::string text;     // all lines, joined
  std::vector<std::string> lines;
};

class Connection {
 public:
  explicit Connection(std::chrono::milliseconds timeout) : timeout_(timeout) {}
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  std::string open(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
    if (rc != 0) return fmt::format("{}: {}", host, ::gai_strerror(rc));
    std::string why = "no address";
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        fd_ = fd;
        break;
      }
      why = std::strerror(errno);
      ::close(fd);
    }
    ::freeaddrinfo(found);
    return fd_ >= 0 ? "" : fmt::format("{}:{}: {}", host, port, why);
  }
  bool write(std::string_view data) {
    while (!data.empty()) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, static_cast<int>(timeout_.count())) <= 0) return false;
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // One reply, its continuation lines ("250-...") included.
  Reply read() {
    Reply r;
    for (;;) {
      std::string line;
      if (!read_line(line)) {
        r.code = 0;
        if (r.text.empty()) r.text = "no reply (timeout or connection closed)";
        return r;
      }
      r.lines.push_back(line);
      r.text += (r.text.empty() ? "" : " ") + line;
      if (line.size() < 3) continue;
      if (line.size() == 3 || line[3] != '-') {
        r.code = std::atoi(line.substr(0, 3).c_str());
        return r;
      }
    }
  }

 private:
  bool read_line(std::string& line) {
    for (;;) {
      size_t eol = buffer_.find("\r\n");
      if (eol != std::string::npos) {
        line = buffer_.substr(0, eol);
        buffer_.erase(0, eol + 2);
        return true;
      }
      if (buffer_.size() > 64 * 1024) return false;  // no reply line is that long
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(timeout_.count())) <= 0) return false;
      char chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }
  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

SmtpOutcome outcome_of(const Reply& r) {
  SmtpOutcome o;
  o.code = r.code;
  o.reply = r.text;
  o.kind = r.code >= 200 && r.code < 300 ? SmtpOutcome::Kind::kSent
           : r.code >= 500                ? SmtpOutcome::Kind::kFailed
                                          : SmtpOutcome::Kind::kDeferred;
  return o;
}

bool plain_address(const std::string& a) {
  return a.find_first_of("<>\r\n ") == std::string::npos;
}

}  // namespace

std::string dot_stuff(const std::string& data) {
  std::string out;
  out.reserve(data.size() + data.size() / 64 + 8);
  bool line_start = true;
  for (size_t i = 0; i < data.size(); ++i) {
    if (line_start && data[i] == '.') out += '.';
    out += data[i];
    line_start = data[i] == '\n';
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out + ".\r\n";
}

core::Result<std::vector<SmtpOutcome>> smtp_send(const SmtpOptions& options, const std::vector<Envelope>& envelopes,
                                                 bool* pipelined) {
  Connection c(options.timeout);
  if (std::string why = c.open(options.host, options.port); !why.empty()) {
    return core::fail(core::ErrorCode::kNetwork, "SMTP: " + why);
  }
  Reply greeting = c.read();
  if (greeting.code != 220) return core::fail(core::ErrorCode::kNetwork, "SMTP greeting: " + greeting.text);
  if (!c.write("EHLO " + options.helo_name + "\r\n")) return core::fail(core::ErrorCode::kNetwork, "SMTP: cannot send EHLO");
  Reply ehlo = c.read();
  bool pipelining = false;
  if (ehlo.code == 250) {
    for (const auto& line : ehlo.lines) {
      if (line.size() > 4 && core::to_lower_ascii(core::trim(line.substr(4))) == "pipelining") pipelining = true;
    }
  } else {
    if (!c.write("HELO " + options.helo_name + "\r\n")) return core::fail(core::ErrorCode::kNetwork, "SMTP: cannot send HELO");
    Reply helo = c.read();
    if (helo.code != 250) return core::fail(core::ErrorCode::kNetwork, "SMTP HELO: " + helo.text);
  }
  if (pipelined != nullptr) *pipelined = pipelining;
  std::vector<SmtpOutcome> out(envelopes.size());
  bool connected = true;
  for (size_t i = 0; i < envelopes.size(); ++i) {
    const Envelope& e = envelopes[i];
    if (!connected) {
      out[i] = {SmtpOutcome::Kind::kDeferred, 0, "not sent: the connection was lost"};
      continue;
    }
    if (!plain_address(e.from) || !plain_address(e.to) || e.to.empty()) {
      out[i] = {SmtpOutcome::Kind::kFailed, 0, "not sent: the envelope address is malformed"};
      continue;
    }
    std::string mail = "MAIL FROM:<" + e.from + ">\r\n", rcpt = "RCPT TO:<" + e.to + ">\r\n";
    Reply r_mail, r_rcpt, r_data;
    if (pipelining) {
      // One write, three replies (RFC 2920).
      connected = c.write(mail + rcpt + "DATA\r\n");
      r_mail = c.read();
      r_rcpt = c.read();
      r_data = c.read();
    } else {
      connected = c.write(mail);
      r_mail = c.read();
      if (r_mail.code == 250) {
        connected = connected && c.write(rcpt);
        r_rcpt = c.read();
        if (r_rcpt.code == 250 || r_rcpt.code == 251) {
          connected = connected && c.write("DATA\r\n");
          r_data = c.read();
        }
      }
    }
    if (r_mail.code == 0 && r_mail.text.find("no reply") != std::string::npos) connected = false;
    bool accepted = r_mail.code == 250 && (r_rcpt.code == 250 || r_rcpt.code == 251);
    if (r_data.code == 354 && !accepted) {
      // The server took DATA although the transaction failed: end it empty.
      connected = c.write(".\r\n");
      c.read();
    }
    if (!accepted || r_data.code != 354) {
      const Reply& decisive = r_mail.code != 250 ? r_mail : (r_rcpt.code != 250 && r_rcpt.code != 251) ? r_rcpt : r_data;
      out[i] = outcome_of(decisive);
      if (decisive.code == 0) connected = false;
      if (connected) {
        connected = c.write("RSET\r\n");
        c.read();
      }
      continue;
    }
    connected = c.write(dot_stuff(e.data));
    Reply done = c.read();
    out[i] = outcome_of(done);
    if (done.code == 0) connected = false;
  }
  if (connected) {
    c.write("QUIT\r\n");
    c.read();
  }
  return out;
}

}  // namespace newsdesk::mail
