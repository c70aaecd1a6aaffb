// An SMTP client (RFC 5321) for sending many messages over one connection:
// EHLO capabilities, STARTTLS (RFC 3207) or implicit TLS (RFC 8314) with the
// certificate verified, AUTH PLAIN and LOGIN (RFC 4954), SIZE (RFC 1870),
// and PIPELINING (RFC 2920) when the server offers it: MAIL, RCPT and DATA
// go out in one write and their replies are read together. Every message
// gets its own outcome; a dropped connection defers what was not accepted.
// Blocking I/O with RFC 5321's timeouts at each step; one session per thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace newsdesk::mail {

struct Envelope {
  std::string from;  // the envelope sender (e.g. a VERP address), without <>
  std::string to;    // one recipient, without <>
  std::string data;  // the whole message, CRLF line ends (dot-stuffing is done here)
};

struct SmtpOutcome {
  enum class Kind { kSent, kDeferred, kFailed };  // 2xx; 4xx or no answer; 5xx
  Kind kind = Kind::kDeferred;
  int code = 0;       // the deciding reply's code, 0 when there was none
  std::string reply;  // its text, or why there was none
  bool connection_lost = false;  // no answer: the session cannot go on
};

enum class TlsMode { kStartTls, kImplicit, kNone };

// How long to wait at each step (RFC 5321 section 4.5.3.2). A single
// duration sets every step (tests and impatient operators).
struct SmtpTimeouts {
  std::chrono::milliseconds connect{std::chrono::seconds(30)};
  std::chrono::milliseconds greeting{std::chrono::minutes(5)};  // also EHLO, STARTTLS, AUTH
  std::chrono::milliseconds mail{std::chrono::minutes(5)};
  std::chrono::milliseconds rcpt{std::chrono::minutes(5)};
  std::chrono::milliseconds data_init{std::chrono::minutes(2)};
  std::chrono::milliseconds data_block{std::chrono::minutes(3)};  // each write of the content
  std::chrono::milliseconds data_term{std::chrono::minutes(10)};  // the reply to the final dot
  SmtpTimeouts() = default;
  SmtpTimeouts(std::chrono::milliseconds every)  // NOLINT: a duration is a set of timeouts
      : connect(every), greeting(every), mail(every), rcpt(every), data_init(every), data_block(every), data_term(every) {}
};

struct SmtpOptions {
  std::string host = "127.0.0.1";
  int port = 25;
  std::string helo_name = "newsdesk.invalid";
  SmtpTimeouts timeouts;
  TlsMode tls = TlsMode::kNone;
  bool tls_required = true;        // STARTTLS: refuse to go on in plaintext when the server does not offer it
  bool verify_certificate = true;  // the chain and the host name (or IP address)
  std::string ca_file;             // PEM file of trusted CAs instead of the system's
  std::string username;            // AUTH when not empty
  std::string password;
};

// One connection to a relay, greeted (and secured and authenticated as the
// options say), ready to carry messages.
class SmtpSession {
 public:
  // Connects and greets. An error value (kNetwork; kRefused for a refused
  // login or a server without the TLS the options require) when the session
  // cannot be had.
  static core::Result<std::unique_ptr<SmtpSession>> open(const SmtpOptions& options);
  ~SmtpSession();
  SmtpSession(const SmtpSession&) = delete;
  SmtpSession& operator=(const SmtpSession&) = delete;

  // One message to one recipient. After an outcome with connection_lost the
  // session is done.
  SmtpOutcome send(const Envelope& envelope);
  bool usable() const;
  bool pipelining() const;
  bool encrypted() const;
  size_t size_limit() const;  // the server's SIZE, 0 when it gave none
  // Says QUIT and closes (the destructor does it too).
  void quit();

 private:
  SmtpSession();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Opens a session, sends every envelope in order and quits. A session that
// cannot be had is an error value; everything after is an outcome each.
core::Result<std::vector<SmtpOutcome>> smtp_send(const SmtpOptions& options, const std::vector<Envelope>& envelopes,
                                                 bool* pipelined = nullptr);

// The message as DATA carries it: lines starting with "." doubled, a final
// CRLF, then ".\r\n".
std::string dot_stuff(const std::string& data);

}  // namespace newsdesk::mail
