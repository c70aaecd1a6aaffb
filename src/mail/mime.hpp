// RFC 5322 / MIME composition of one email: multipart/alternative with a
// plain-text and an HTML part, quoted-printable bodies, RFC 2047 encoded words
// for non-ASCII headers, CRLF line ends, no line over 998 octets.
// Pure; safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/types.hpp"

namespace newsdesk::mail {

struct Message {
  std::string from;        // "Name <addr@example>"
  std::string to;          // "addr@example" or "Name <addr@example>"
  std::string subject;
  core::TimePoint date{};
  std::string message_id;  // without angle brackets: "unique@host"
  std::string list_id;     // "Daily Headlines <daily.newsdesk.example>", optional
  std::string unsubscribe_url;     // https URL for List-Unsubscribe, optional
  std::string unsubscribe_mailto;  // mailto address, optional
  std::string feedback_id;         // "campaign:list:type:sender" for mailbox providers' feedback loops, optional
  std::string text;
  std::string html;
  bool bodies_encoded = false;  // text and html are quoted-printable already (CRLF line ends)
};

// The whole message. kInvalidInput when a header value holds CR or LF
// (header injection) or an address is empty.
core::Result<std::string> compose(const Message& message, std::string_view boundary_seed);

// Quoted-printable (RFC 2045) with CRLF line ends and soft breaks at 76.
std::string quoted_printable(std::string_view text);

// An RFC 2047 encoded word (UTF-8, B encoding) when `text` is not plain
// ASCII; the text itself otherwise.
std::string encode_header(std::string_view text);

// The per-reader envelope sender (VERP): a bounce comes back to an address
// that says whose copy it was. "bounce+s42-d1007@news.example".
std::string verp_address(std::string_view local, std::string_view domain, core::Id subscriber, core::Id delivery);

struct VerpTag {
  core::Id subscriber = 0;
  core::Id delivery = 0;
};
// The subscriber and delivery a bounce address names; nullopt for any
// address that is not one of ours.
std::optional<VerpTag> parse_verp(std::string_view address, std::string_view local, std::string_view domain);

}  // namespace newsdesk::mail
