// Reading the mail that comes back to the edition's return path: delivery
// status notifications (RFC 3464, multipart/report), complaint feedback
// reports (ARF, RFC 5965), old-style plain-text bounces and auto-replies.
// Pure: the message in, what it says out. Which copy it is about comes from
// our VERP return path (mail::verp_address) wherever the message carries it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mail/mime.hpp"

namespace newsdesk::mail {

struct BounceReading {
  enum class Kind {
    kHard,        // the address is refused for good (failed, 5.x.x)
    kSoft,        // a passing trouble (delayed, or failed with 4.x.x)
    kComplaint,   // the reader reported the mail as spam (ARF abuse)
    kIgnore,      // not a bounce of ours: auto-replies, success notices, other mail
    kUnparsable,  // a report too broken to read
  };
  Kind kind = Kind::kIgnore;
  std::optional<VerpTag> tag;  // the subscriber and edition, from our return path
  std::string recipient;       // the address that failed (Final-Recipient)
  std::string status;          // "5.1.1"
  std::string detail;          // the diagnostic, or why it was ignored or unreadable
};

const char* to_string(BounceReading::Kind kind);

// What `raw` (a whole message as received) says. `local` and `domain` are
// our return path's ("bounce", "news.example").
BounceReading read_bounce(std::string_view raw, std::string_view local, std::string_view domain);

}  // namespace newsdesk::mail
