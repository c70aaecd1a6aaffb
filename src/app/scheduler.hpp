// Editions on schedule: each edition of the configuration is built and sent
// at its send time, a local time in its IANA time zone (edition.send_time,
// edition.time_zone). A time a clock change skips is taken at the change; a
// time it repeats, at its first occurrence (core::local_to_utc). Deferred
// copies are retried when they fall due; a stopped send resumes.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace newsdesk::app {

// When an edition is due: its local date as of `now`, and that date's send time in UTC.
struct SendSlot {
  std::string date;        // YYYY-MM-DD, local
  core::TimePoint send_at;  // UTC
};
core::Result<SendSlot> send_slot(const core::EditionConfig& edition, core::TimePoint now);

// Any number of schedulers (workers with the send role, on any machine)
// may run at once: an edition is built by one of them (the one that takes
// the lead of "edition NAME/DATE"; the others look again shortly) and sent
// by all of them together (send_edition shares the copies).
class EditionScheduler {
 public:
  EditionScheduler(const core::Config& config, store::Store& store, const core::Clock& clock);
  // Builds and sends whatever is due now. Returns when to look again (at
  // the latest an hour from now). `stop` cuts a send short (resumable).
  core::Result<core::TimePoint> run_due(const std::atomic<bool>* stop = nullptr);

 private:
  const core::Config& config_;
  store::Store& store_;
  const core::Clock& clock_;
  const std::string holder_;  // this scheduler, in the build's lead: "host:pid:edition-N"
  std::map<std::string, bool> finished_;  // "name/date": every copy settled
};

}  // namespace newsdesk::app
