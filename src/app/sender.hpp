// Sending an edition to its confirmed subscribers, resumably and at most
// once per copy. Every copy has a row in the store's delivery ledger:
// queued -> sending -> sent | deferred(until) | failed | bounced. A copy is
// marked 'sending' (committed) just before its content goes to the relay and
// its outcome is committed as soon as the relay answers, so a sender killed
// at any moment leaves at most one copy per connection in 'sending'; those
// go again when the send resumes (with the same Message-ID, which mailbox
// providers and clients collapse). Nothing else can be sent twice.
//
// Several senders (threads, processes, machines) may send one edition at
// once: each claims pages of its copies under a lease of [workers]
// lease_seconds naming it ("host:pid:send-N"), renewed as it sends, so no
// copy goes to two of them. A sender killed leaves its copies to the others
// when its lease runs out (at once to a sender on its machine, which sees
// its process gone); a sender with nothing left to claim waits for what the
// others hold.
//
// Copies go out over a pool of SMTP sessions: each relay of [mail.relays]
// gives its `connections`, tried in the file's order, the next taking over
// when one cannot be reached. Rates are kept per relay and per destination
// domain. 4xx answers are retried with back-off until mail.retry_hours after
// the first attempt; 5xx answers fail the copy, and those that refuse the
// address itself count as hard bounces (mail.hard_bounce_limit suppresses).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/types.hpp"
#include "mail/dkim.hpp"
#include "mail/smtp.hpp"
#include "store/store.hpp"

namespace newsdesk::app {

struct SendOptions {
  bool dry_run = false;  // compose every due copy and greet every relay; send and record nothing
  bool force = false;    // send an edition that would be held (fewer stories than [edition] min_stories)
  size_t page = 500;     // due copies claimed from the store at a time (for [workers] lease_seconds, renewed as they go)
  int max_passes = 3;    // passes over the due copies in one run (a lost connection's copies go again)
  const std::atomic<bool>* stop = nullptr;  // when set: no new copy is started; those in flight finish
  // Told, one call at a time, of each copy's place in the pacing: the relay,
  // the destination domain and the moment the copy may go (the sender waits
  // for it). The sender's own schedule, so the rates can be checked without
  // timing the run.
  std::function<void(const std::string& relay, const std::string& domain, std::chrono::steady_clock::time_point at)>
      paced;
};

struct RelayCheck {
  std::string relay;
  std::string result;  // "ok: STARTTLS, PIPELINING, SIZE 10485760" or why not
  bool ok = false;
};

struct SendReport {
  size_t queued = 0;    // new deliveries this run added
  size_t resumed = 0;   // copies a stopped run left in 'sending'
  size_t sent = 0;
  size_t deferred = 0;  // the relay said later (or did not answer): tried again after retry_at
  size_t failed = 0;    // refused for good, or retried past the deadline
  size_t hard_bounces = 0;
  size_t composed = 0;  // copies composed (a dry run composes without sending)
  size_t bytes = 0;     // their size
  std::map<std::string, size_t> sent_by_relay;
  std::vector<RelayCheck> relays;        // a dry run's check of each relay
  std::vector<std::string> relay_errors;  // relays that could not be used, and why
  std::string held;                       // why the edition was not sent at all ("" when it went); nothing queued
  bool stopped = false;                   // no relay could take the rest: they stay queued
  bool interrupted = false;               // SendOptions::stop was set: the rest stay queued, resumable
  // Other senders that still held copies of the edition when this one gave
  // up waiting for them (they made no progress for a lease): theirs to send,
  // anyone's once their leases run out.
  std::vector<std::string> other_senders;
  std::optional<core::TimePoint> next_retry;  // when deferred copies are due again
};

// The relays of the configuration as SMTP options, in order.
std::vector<mail::SmtpOptions> relay_options(const core::MailConfig& mail, const std::string& from_address);

// Sends the stored `edition` through the configured relays. An error value
// only when the store fails or no relay is configured; relay trouble is in
// the report.
core::Result<SendReport> send_edition(store::Store& store, const core::Config& config, const core::Edition& edition,
                                      const core::Clock& clock, const SendOptions& options = {});

// The configuration's DKIM signer, made once per run; nullopt without a key.
core::Result<std::optional<mail::DkimSigner>> dkim_signer(const core::MailConfig& mail);

// The edition's email to one reader, as every copy carries it (From, Subject,
// List-Id, Feedback-ID, List-Unsubscribe), composed and signed with `signer`
// when there is one. `copy` tells copies apart in the Message-ID;
// `bodies_encoded` says text and html are quoted-printable already.
core::Result<std::string> edition_email(const core::Config& config, const core::Edition& edition, const std::string& to,
                                        const std::string& copy, const std::string& unsubscribe_url,
                                        std::string text, std::string html, core::TimePoint now,
                                        const mail::DkimSigner* signer, bool bodies_encoded = false);

// One reader's copy of `edition` exactly as the sender composes it (headers,
// links signed with the desk's `secret`, the signature when `signer` is
// given), for the pre-send check to read (app/doctor).
core::Result<std::string> reader_copy(const core::Config& config, const core::Edition& edition, const std::string& secret,
                                      core::Id subscriber, const std::string& email, core::TimePoint now,
                                      const mail::DkimSigner* signer);

}  // namespace newsdesk::app
