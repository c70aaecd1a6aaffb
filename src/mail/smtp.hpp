// An SMTP client (RFC 5321) that sends many messages over one connection,
// with PIPELINING (RFC 2920) when the server offers it: MAIL, RCPT and DATA
// go out together and their replies are read together. Each message gets
// its own outcome; a dropped connection defers what was not yet accepted.
// Blocking I/O with timeouts; one client per thread.
#pragma once

#include <chrono>
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
  enum class Kind { kSent, kDeferred, kFailed };  // 2xx, 4xx or no answer, 5xx
  Kind kind = Kind::kDeferred;
  int code = 0;       // the deciding reply's code, 0 when there was none
  std::string reply;  // its text, or why there was none
};

struct SmtpOptions {
  std::string host = "127.0.0.1";
  int port = 25;
  std::string helo_name = "newsdesk.invalid";
  std::chrono::milliseconds timeout{30000};  // for each read and write
};

// Connects, greets, sends every envelope in order and quits. A connection
// that cannot be made is an error value (kNetwork); everything after is an
// outcome per envelope.
core::Result<std::vector<SmtpOutcome>> smtp_send(const SmtpOptions& options, const std::vector<Envelope>& envelopes,
                                                 bool* pipelined = nullptr);

// The message as DATA carries it: lines starting with "." doubled, a final
// CRLF, then ".\r\n".
std::string dot_stuff(const std::string& data);

}  // namespace newsdesk::mail
