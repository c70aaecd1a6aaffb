// The pre-send check of the mail setup (mail/sender_checks) on a real desk:
// `newsdesk doctor`, and `newsdesk send` once per edition, before its first
// copy. The DNS is asked through web/mail_domain's resolver ([subscribers]
// dns_server, else /etc/resolv.conf's), one copy is composed by the sender's
// own code for a stand-in reader, and the complaints are counted from the
// store's processed reports.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/types.hpp"
#include "mail/sender_checks.hpp"
#include "store/store.hpp"

namespace CLI {
class App;
}

namespace newsdesk::app {

struct Globals;

// Editions whose complaints count: the last this many with copies delivered.
constexpr size_t kComplaintEditions = 10;

// Every check for `config`'s edition ([edition], or the [editions.NAME]
// for_edition made): dkim, spf, dmarc, alignment, unsubscribe, postal
// address, complaints. `edition` is the one whose copy is read; without one,
// the latest stored, else an empty edition of today.
core::Result<std::vector<mail::Finding>> check_mail_setup(store::Store& store, const core::Config& config,
                                                          const std::optional<core::Edition>& edition, core::TimePoint now);

// The complaints about the last kComplaintEditions editions of `name` that
// have copies delivered, from the processed reports (`bounces process`).
core::Result<mail::ComplaintCounts> complaint_counts(store::Store& store, const std::string& name);

// `send`'s check, before the edition's first copy: prints the findings and
// ends the command (exit 1, naming the failing checks) when one fails,
// unless `force` or `dry_run` (which sends nothing). Skipped when copies of
// the edition went out already (a send resumed after a stop or crash).
void check_before_sending(store::Store& store, const core::Config& config, const core::Edition& edition, bool force,
                          bool dry_run);

// `newsdesk doctor [--edition NAME]`.
void add_doctor_command(CLI::App& app, Globals& g);

}  // namespace newsdesk::app
