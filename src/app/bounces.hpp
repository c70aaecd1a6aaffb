// Applying the bounces that came back: each message of a Maildir is read
// (mail/bounce), kept raw in the store, and applied once: a hard bounce marks
// the copy 'bounced' and counts against the address (suppressed at
// mail.hard_bounce_limit); a complaint unsubscribes the reader at once; soft
// bounces and everything else are kept for the record. Processed messages
// move from new/ to cur/ (flagged Seen), as a mail client would leave them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace newsdesk::app {

struct BounceReport {
  size_t messages = 0;  // read this run
  size_t already = 0;   // applied by an earlier run
  size_t hard = 0, soft = 0, complaints = 0, ignored = 0, unparsable = 0;
  size_t suppressed = 0;  // addresses that reached the hard-bounce limit
  std::vector<std::string> problems;  // "FILE: why", for each unreadable message
};

// Processes every message in `maildir` (new/ and cur/; a plain folder of
// files works too). An error value only when the store fails.
core::Result<BounceReport> process_bounces(store::Store& store, const core::Config& config,
                                           const std::filesystem::path& maildir, const core::Clock& clock);

}  // namespace newsdesk::app
