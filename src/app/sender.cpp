#include "app/sender.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/ready_queue.hpp"
#include "core/signed_link.hpp"
#include "core/strings.hpp"
#include "edition/edition.hpp"
#include "mail/dkim.hpp"
#include "mail/delivery_policy.hpp"
#include "mail/mime.hpp"

namespace newsdesk::app {
namespace {

// The From address's domain, for Message-IDs, the List-Id and the return path.
std::string domain_of(const std::string& address) {
  std::string d = core::address_domain(address);
  return d.empty() ? "newsdesk.invalid" : d;
}

// A reader's one-click unsubscribe and preferences links, signed with the desk's `secret`.
edition::Recipient reader_links(const core::Config& config, const std::string& secret, core::Id subscriber, core::Id edition) {
  const std::string& site = config.edition.site_url;
  return {"", site + "/unsubscribe?t=" + core::sign_link(secret, {"unsubscribe", subscriber, edition}),
          site + "/preferences?t=" + core::sign_link(secret, {"preferences", subscriber, 0})};
}

}  // namespace

core::Result<std::string> reader_copy(const core::Config& config, const core::Edition& edition, const std::string& secret,
                                      core::Id subscriber, const std::string& email, core::TimePoint now,
                                      const mail::DkimSigner* signer) {
  const edition::PersonalEdition personal(edition, config.edition, config.edition.site_url + "/edition/" + edition.date);
  const edition::Recipient r = reader_links(config, secret, subscriber, edition.id);
  return edition_email(config, edition, email, std::to_string(subscriber), r.unsubscribe_url, personal.text(r), personal.html(r),
                       now, signer);
}

core::Result<std::optional<mail::DkimSigner>> dkim_signer(const core::MailConfig& mail) {
  if (mail.dkim_key_pem.empty()) return std::optional<mail::DkimSigner>();
  ND_TRY_ASSIGN(signer, mail::DkimSigner::from_pem(mail.dkim_key_pem, mail.dkim_domain, mail.dkim_selector));
  return std::optional<mail::DkimSigner>(std::move(*signer));
}

core::Result<std::string> edition_email(const core::Config& config, const core::Edition& edition, const std::string& to,
                                        const std::string& copy, const std::string& unsubscribe_url,
                                        std::string text, std::string html, core::TimePoint now,
                                        const mail::DkimSigner* signer, bool bodies_encoded) {
  const std::string domain = domain_of(config.edition.from);
  const std::string list = core::slugify(config.edition.name);
  mail::Message m;
  m.from = config.edition.from;
  m.to = to;
  m.subject = edition.subject;
  m.date = now;
  // The same Message-ID for every attempt at a copy: a copy sent twice is recognisably one.
  m.message_id = fmt::format("edition-{}-{}@{}", edition.id, copy, domain);
  m.list_id = fmt::format("{} <{}.{}>", config.edition.name, list, domain);
  m.unsubscribe_url = unsubscribe_url;
  m.feedback_id = fmt::format("{}:{}:edition:newsdesk", edition.date, list);
  m.text = std::move(text);
  m.html = std::move(html);
  m.bodies_encoded = bodies_encoded;
  ND_TRY_ASSIGN(eml, mail::compose(m, fmt::format("{}-{}", edition.id, copy)));
  if (signer == nullptr) return std::move(*eml);
  return signer->sign(*eml, now);
}

std::vector<mail::SmtpOptions> relay_options(const core::MailConfig& mail, const std::string& from_address) {
  std::vector<mail::SmtpOptions> out;
  for (const auto& r : mail.relays) {
    mail::SmtpOptions o;
    o.host = r.host;
    o.port = r.port;
    o.helo_name = mail.helo_name.empty() ? domain_of(from_address) : mail.helo_name;
    if (r.timeout_seconds > 0) o.timeouts = mail::SmtpTimeouts(std::chrono::seconds(r.timeout_seconds));
    o.tls = r.tls == "implicit" ? mail::TlsMode::kImplicit : r.tls == "none" ? mail::TlsMode::kNone : mail::TlsMode::kStartTls;
    o.tls_required = true;
    o.verify_certificate = r.verify_certificate;
    o.ca_file = r.ca_file;
    o.username = r.username;
    o.password = r.password;
    out.push_back(std::move(o));
  }
  return out;
}

namespace {

using Steady = std::chrono::steady_clock;

// One relay's share of the pool: its sessions, its pace, whether it works.
struct RelaySlot {
  const core::RelayConfig* config = nullptr;
  mail::SmtpOptions options;
  int open = 0;                  // sessions now open
  bool broken = false;           // refused us for this run (login, TLS): not tried again
  Steady::time_point down_until{};  // unreachable: tried again after this
  mail::Pacer pacer;
  std::string last_error;
};

// A session held by one worker, and the relay it belongs to.
struct Held {
  std::unique_ptr<mail::SmtpSession> session;
  size_t relay = 0;
  int messages = 0;
};

// A copy composed and ready to go, with the ledger row it is for.
struct Ready {
  store::DueDelivery job;
  mail::Envelope envelope;
};

// One run of send_edition: the workers, and what they share.
class SendRun {
 public:
  SendRun(store::Store& store, const core::Config& config, const core::Edition& edition, const core::Clock& clock,
          const SendOptions& options)
      : store_(store), config_(config), edition_(edition), clock_(clock), options_(options),
        // Each copy's bodies spliced from pieces encoded once per edition.
        personal_(edition, config.edition, config.edition.site_url + "/edition/" + edition.date,
                  edition::PersonalEdition::Encoding{[](std::string_view text) { return mail::quoted_printable(text); }, "=\r\n"}),
        from_domain_(domain_of(config.edition.from)) {
    auto relays = relay_options(config.mail, config.edition.from);
    for (size_t i = 0; i < relays.size(); ++i) {
      RelaySlot slot;
      slot.config = &config.mail.relays[i];
      slot.options = relays[i];
      slot.pacer = mail::Pacer(config.mail.relays[i].messages_per_second);
      relays_.push_back(std::move(slot));
    }
    lease_ = std::chrono::seconds(config.workers.lease_seconds);
    policy_.first_wait = std::chrono::minutes(config.mail.retry_base_minutes);
    policy_.give_up_after = std::chrono::hours(config.mail.retry_hours);
  }

  core::Result<SendReport> run() {
    if (relays_.empty() && !options_.dry_run) {
      return core::fail(core::ErrorCode::kConfig, "no relay to send through: add a [mail.relays.NAME] table (host, port, tls)");
    }
    if (!options_.force) {
      std::string held = edition::hold_reason(edition_, config_.edition);
      if (!held.empty()) {
        // Only before its first copy: a send already under way (forced) goes on.
        ND_TRY_ASSIGN(counts, store_.deliveries().counts(edition_.id));
        if (counts->total() == 0) {
          SendReport report;
          report.held = std::move(held);
          return report;
        }
      }
    }
    ND_TRY_ASSIGN(signer, dkim_signer(config_.mail));
    signer_ = std::move(*signer);
    ND_TRY_ASSIGN(secret, store_.secret("links"));
    link_secret_ = std::move(*secret);
    if (options_.dry_run) return dry_run();
    holder_ = this_run();
    last_renewal_ = Steady::now();
    auto result = send_all();
    // What this run claimed and did not settle (it was stopped) is the
    // others' at once, not after the lease.
    auto released = store_.deliveries().release(edition_.id, holder_);
    if (!released) spdlog::warn("send of {} ({}): {}", edition_.name, edition_.date, released.error().message);
    return result;
  }

 private:
  static std::string host_name() {
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    return host;
  }

  // This run, as the holder of the copies it claims: "host:pid:send-N" (N
  // tells apart the runs of one process, which may send one edition at once).
  static std::string this_run() {
    static std::atomic<int> runs{0};
    return fmt::format("{}:{}:send-{}", host_name(), ::getpid(), ++runs);
  }

  // A sender on this machine whose process has ended (killed, crashed) is
  // gone: its copies need not wait for its lease to run out.
  static bool gone(const std::string& holder) {
    const size_t run = holder.rfind(':');
    if (run == std::string::npos || run == 0) return false;
    const size_t pid_at = holder.rfind(':', run - 1);
    if (pid_at == std::string::npos || holder.substr(0, pid_at) != host_name()) return false;
    const pid_t pid = static_cast<pid_t>(std::atoll(holder.c_str() + pid_at + 1));
    return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
  }

  store::Claim claim() const {
    const core::TimePoint now = clock_.now();
    return {holder_, now, now + lease_};
  }

  // Gives back the copies of senders that are gone; how many.
  core::Result<size_t> free_gone_senders() {
    ND_TRY_ASSIGN(holders, store_.deliveries().holders(edition_.id, clock_.now()));
    size_t freed = 0;
    for (const auto& other : *holders) {
      if (other == holder_ || !gone(other)) continue;
      ND_TRY_ASSIGN(n, store_.deliveries().release(edition_.id, other));
      spdlog::info("send of {} ({}): {} copies of {}, which is gone, are free again", edition_.name, edition_.date, *n, other);
      freed += *n;
    }
    return freed;
  }

  // Where the copies stand: while it changes, the other senders are at work.
  core::Result<std::vector<size_t>> progress() {
    ND_TRY_ASSIGN(c, store_.deliveries().counts(edition_.id));
    return std::vector<size_t>{c->queued, c->sending, c->sent, c->deferred, c->failed, c->bounced};
  }

  // Several senders may send the edition at once, each claiming pages of its
  // copies under a lease (DeliveryRepository::claim_due). When nothing is
  // left to claim but other senders still hold copies, this one waits: they
  // settle them, or one dies and its copies come back when its lease runs
  // out (at once when it was on this machine). It stops waiting when they
  // have made no progress for longer than a lease.
  core::Result<SendReport> send_all() {
    ND_TRY_ASSIGN(added, store_.deliveries().enqueue_confirmed(edition_.id, edition_.name, clock_.now()));
    report_.queued = *added;
    ND_TRY(free_gone_senders());
    std::optional<Steady::time_point> idle_since;
    std::vector<size_t> progress_then;
    for (int pass = 0; pass < options_.max_passes;) {
      ND_TRY_ASSIGN(claimed, run_pass());
      if (interrupted_) {
        report_.interrupted = true;
        break;
      }
      if (!exhausted_ || ready_.leftover() > 0) {
        report_.stopped = true;
        break;
      }
      ND_TRY_ASSIGN(again, store_.deliveries().due(edition_.id, 0, 1, clock_.now()));
      if (again->empty()) break;
      if (*claimed > 0) {
        ++pass;  // what a lost connection deferred goes again in the next pass
        idle_since.reset();
        continue;
      }
      // What is left is held by other senders.
      ND_TRY_ASSIGN(freed, free_gone_senders());
      if (*freed > 0) continue;
      ND_TRY_ASSIGN(progress_now, progress());
      if (!idle_since || *progress_now != progress_then) {
        idle_since = Steady::now();
        progress_then = std::move(*progress_now);
      } else if (Steady::now() - *idle_since > lease_ + kWaitStep) {
        ND_TRY_ASSIGN(others, store_.deliveries().holders(edition_.id, clock_.now()));
        report_.other_senders = std::move(*others);
        break;
      }
      if (options_.stop != nullptr && *options_.stop) {
        report_.interrupted = true;
        break;
      }
      std::this_thread::sleep_for(kWaitStep);
    }
    ND_TRY_ASSIGN(counts, store_.deliveries().counts(edition_.id));
    report_.next_retry = counts->next_retry;
    for (const auto& r : relays_) {
      if (!r.last_error.empty()) report_.relay_errors.push_back(fmt::format("{}: {}", r.config->name, r.last_error));
    }
    return report_;
  }

  // One pass over what can be claimed now; how many copies it claimed.
  core::Result<size_t> run_pass() {
    {
      std::lock_guard lock(work_mu_);
      exhausted_ = false;
      claimed_ = 0;
    }
    // Composing is CPU work and sending mostly waiting on the relay: a
    // composer per core fills a short queue that a sender per connection
    // empties, so neither waits on the other more than it must.
    size_t senders = 0;
    for (const auto& r : relays_) senders += static_cast<size_t>(r.config->connections);
    senders = std::clamp<size_t>(senders, 1, 256);
    const size_t composers = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, senders);
    ready_.open(2 * senders, composers, senders);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < composers; ++i) threads.emplace_back([this] { compose_work(); });
    for (size_t i = 0; i < senders; ++i) threads.emplace_back([this] { send_work(); });
    for (auto& t : threads) t.join();
    std::lock_guard lock(work_mu_);
    if (fatal_) return tl::unexpected(*fatal_);
    return claimed_;
  }

  // The next due copy: the next of the page, else a page claimed from the store.
  std::optional<store::DueDelivery> next_job() {
    std::lock_guard lock(work_mu_);
    if (fatal_) return std::nullopt;
    if (options_.stop != nullptr && *options_.stop) {
      interrupted_ = true;
      return std::nullopt;
    }
    if (page_.empty() && !exhausted_) {
      std::lock_guard store_lock(store_mu_);
      auto rows = store_.deliveries().claim_due(edition_.id, claim(), options_.page, claim_after_);
      if (rows && rows->empty() && claim_after_ > 0) {
        // Nothing after the last claim: from the start again, for copies
        // deferred since or given back by a sender that stopped.
        claim_after_ = 0;
        rows = store_.deliveries().claim_due(edition_.id, claim(), options_.page, claim_after_);
      }
      if (!rows) {
        fatal_ = rows.error();
        return std::nullopt;
      }
      if (rows->empty()) exhausted_ = true;
      if (!rows->empty()) claim_after_ = rows->back().subscriber_id;  // claims come in subscriber order
      claimed_ += rows->size();
      for (auto& r : *rows) {
        if (r.state == core::DeliveryState::kSending) ++report_.resumed;
        page_.push_back(std::move(r));
      }
    }
    if (page_.empty()) return std::nullopt;
    auto job = std::move(page_.front());
    page_.pop_front();
    return job;
  }

  // A session on the first relay that is up and has a free connection.
  // nullopt when none can be had now.
  std::optional<Held> open_session() {
    for (size_t i = 0; i < relays_.size(); ++i) {
      {
        std::lock_guard lock(relay_mu_);
        RelaySlot& r = relays_[i];
        if (r.broken || Steady::now() < r.down_until || r.open >= r.config->connections) continue;
        ++r.open;
      }
      auto session = mail::SmtpSession::open(relays_[i].options);
      std::lock_guard lock(relay_mu_);
      RelaySlot& r = relays_[i];
      if (session) return Held{std::move(*session), i, 0};
      --r.open;
      r.last_error = session.error().message;
      // A refusal (login, missing TLS) will not mend itself in this run; an unreachable relay may.
      if (session.error().code == core::ErrorCode::kRefused) {
        r.broken = true;
      } else {
        r.down_until = Steady::now() + std::chrono::seconds(30);
      }
      spdlog::warn("relay {}: {}", r.config->name, session.error().message);
    }
    return std::nullopt;
  }

  void release(std::optional<Held>& held) {
    if (!held) return;
    held->session->quit();
    std::lock_guard lock(relay_mu_);
    --relays_[held->relay].open;
    held.reset();
  }

  // Waits for the relay's and the destination domain's pace.
  void keep_pace(size_t relay, const std::string& domain) {
    Steady::time_point at;
    {
      std::lock_guard lock(relay_mu_);
      Steady::time_point now = Steady::now();
      at = relays_[relay].pacer.reserve(now);
      double rate = config_.mail.domain_rate;
      for (const auto& [d, r] : config_.mail.domain_rates) {
        if (d == domain) rate = r;
      }
      if (rate > 0) {
        auto it = domains_.try_emplace(domain, mail::Pacer(rate)).first;
        at = std::max(at, it->second.reserve(now));
      }
      if (options_.paced) options_.paced(relays_[relay].config->name, domain, at);
    }
    std::this_thread::sleep_until(at);
  }

  core::Result<std::string> compose(const store::DueDelivery& job, core::TimePoint now) {
    const edition::Recipient r = reader_links(config_, link_secret_, job.subscriber_id, edition_.id);
    return edition_email(config_, edition_, job.email, std::to_string(job.subscriber_id), r.unsubscribe_url,
                         personal_.text(r), personal_.html(r), now, signer_ ? &*signer_ : nullptr, /*bodies_encoded=*/true);
  }

  // Writes to the ledger under the store's lock; a failing store stops the run.
  bool record(const std::function<core::Result<void>()>& write) {
    core::Result<void> done;
    {
      std::lock_guard lock(store_mu_);
      done = transaction_locked(write);
    }
    return succeeded(done);
  }

  // `write` and, when it is due, the renewal of the claimed copies' lease,
  // in one transaction. Under store_mu_.
  core::Result<void> transaction_locked(const std::function<core::Result<void>()>& write) {
    return store_.transaction([&]() -> core::Result<void> {
      ND_TRY(write());
      if (!renewal_due()) return {};
      last_renewal_ = Steady::now();
      return store_.deliveries().renew(edition_.id, claim());
    });
  }

  // The claimed copies not sent yet stay this run's: renewed well within the
  // lease. Under store_mu_.
  bool renewal_due() const { return Steady::now() - last_renewal_ >= lease_ / 4; }

  bool succeeded(const core::Result<void>& done) {
    if (done) return true;
    std::lock_guard work_lock(work_mu_);  // never while holding store_mu_: next_job takes them the other way
    fatal_ = done.error();
    return false;
  }

  // The relay's verdict on a copy, written to the ledger with the next
  // copy's 'sending' (one commit a copy): a worker never has more than one
  // copy in 'sending', which is what a kill can make it send twice.
  struct Outcome {
    core::Id subscriber = 0;
    mail::Verdict verdict;
    core::TimePoint at{};
  };

  store::DeliveryRepository::StateChange change_of(const Outcome& o) const {
    return {o.subscriber, o.verdict.state, o.verdict.why, o.at, o.verdict.retry_at, ""};
  }

  // Records the pending outcome (if any) and the `next` copy's move, if
  // any, at once. The common case, a verdict without a hard bounce and no
  // lease to renew, is one statement (store::DeliveryRepository::set_states);
  // the rest one transaction.
  bool record_with(std::optional<Outcome>& pending, const std::optional<store::DeliveryRepository::StateChange>& next) {
    std::vector<store::DeliveryRepository::StateChange> changes;
    if (pending) changes.push_back(change_of(*pending));
    if (next) changes.push_back(*next);
    const bool hard_bounce = pending && pending->verdict.hard_bounce;
    core::Result<void> done;
    {
      std::lock_guard lock(store_mu_);
      if (hard_bounce || renewal_due()) {
        done = transaction_locked([&]() -> core::Result<void> {
          ND_TRY(store_.deliveries().set_states(edition_.id, changes));
          return hard_bounce ? count_hard_bounce(*pending) : core::Result<void>{};
        });
      } else {
        done = store_.deliveries().set_states(edition_.id, changes);
      }
    }
    const bool ok = succeeded(done);
    if (ok) pending.reset();
    return ok;
  }

  core::Result<void> count_hard_bounce(const Outcome& o) {
    ND_TRY_ASSIGN(count, store_.subscribers().add_hard_bounce(o.subscriber, config_.mail.hard_bounce_limit, o.at));
    if (*count == config_.mail.hard_bounce_limit) {
      spdlog::info("subscriber {}: suppressed after a hard bounce ({})", o.subscriber, o.verdict.why);
    }
    return {};
  }

  // Composers: the next due copy, made ready to send.
  void compose_work() {
    while (auto job = next_job()) {
      const core::TimePoint now = clock_.now();
      auto data = compose(*job, now);
      if (!data) {
        // A copy that cannot be made costs only itself.
        const core::Id who = job->subscriber_id;
        std::string why = "cannot compose the copy: " + data.error().message;
        if (!record([&] { return store_.deliveries().set_state(edition_.id, who, core::DeliveryState::kFailed, why, now); })) break;
        std::lock_guard lock(store_mu_);
        ++report_.failed;
        continue;
      }
      mail::Envelope envelope{mail::verp_address(config_.mail.bounce_local, from_domain_, job->subscriber_id, edition_.id),
                              job->email, std::move(*data)};
      Ready copy{std::move(*job), std::move(envelope)};
      if (!ready_.push(std::move(copy))) break;  // no sender is left to take it
    }
    ready_.composer_done();
  }

  // Senders: one connection each, a copy at a time.
  void send_work() {
    std::optional<Held> held;
    std::optional<Outcome> pending;
    while (auto copy = ready_.pop()) {
      const int per_connection = held ? relays_[held->relay].config->messages_per_connection : 0;
      if (held && (!held->session->usable() || held->messages >= per_connection)) release(held);
      if (!held) held = open_session();
      if (!held) {
        // No relay for this sender now: the copy goes back for the others.
        ready_.hand_back(std::move(*copy));
        break;
      }
      const core::Id who = copy->job.subscriber_id;
      keep_pace(held->relay, core::address_domain(copy->job.email));
      const std::string& relay_name = relays_[held->relay].config->name;
      core::TimePoint now = clock_.now();
      if (!record_with(pending, store::DeliveryRepository::StateChange{who, core::DeliveryState::kSending, "", now,
                                                                        std::nullopt, relay_name})) {
        ready_.done();
        break;
      }
      mail::SmtpOutcome outcome = held->session->send(copy->envelope);
      ++held->messages;
      now = clock_.now();
      const auto& job = copy->job;
      pending = Outcome{who, mail::judge(outcome, job.attempts + 1, job.first_attempt_at.value_or(now), now, policy_), now};
      const mail::Verdict& verdict = pending->verdict;
      {
        std::lock_guard lock(store_mu_);
        report_.composed++;
        report_.bytes += copy->envelope.data.size();
        switch (verdict.state) {
          case core::DeliveryState::kSent:
            ++report_.sent;
            ++report_.sent_by_relay[relay_name];
            break;
          case core::DeliveryState::kDeferred: ++report_.deferred; break;
          default: ++report_.failed; break;
        }
        if (verdict.hard_bounce) ++report_.hard_bounces;
      }
      ready_.done();  // its outcome is pending, and goes to the ledger with the next copy or below
    }
    if (pending) record_with(pending, std::nullopt);
    release(held);
    ready_.sender_done();
  }

  // Composes every copy that is due (as if enqueued now) and greets each
  // relay; the ledger is left as it was.
  core::Result<SendReport> dry_run() {
    for (auto& r : relays_) {
      auto session = mail::SmtpSession::open(r.options);
      RelayCheck check{r.config->name, "", static_cast<bool>(session)};
      if (session) {
        check.result = fmt::format("ok: {}{}{}", (*session)->encrypted() ? "TLS" : "no TLS",
                                   (*session)->pipelining() ? ", PIPELINING" : "",
                                   (*session)->size_limit() > 0 ? fmt::format(", SIZE {}", (*session)->size_limit()) : "");
        (*session)->quit();
      } else {
        check.result = session.error().message;
      }
      report_.relays.push_back(std::move(check));
    }
    // Enqueue and read in a transaction that is rolled back: what a real run would send.
    const core::Error rollback{core::ErrorCode::kInvalidInput, "dry run: rolled back"};
    std::optional<core::Error> failure;
    auto r = store_.transaction([&]() -> core::Result<void> {
      auto added = store_.deliveries().enqueue_confirmed(edition_.id, edition_.name, clock_.now());
      if (!added) return tl::unexpected(added.error());
      report_.queued = *added;
      core::Id after = 0;
      for (;;) {
        auto rows = store_.deliveries().due(edition_.id, after, options_.page, clock_.now());
        if (!rows) return tl::unexpected(rows.error());
        if (rows->empty()) break;
        for (const auto& job : *rows) {
          after = job.subscriber_id;
          if (job.state == core::DeliveryState::kSending) ++report_.resumed;
          auto data = compose(job, clock_.now());
          if (!data) {
            failure = core::Error{data.error().code, fmt::format("subscriber {}: {}", job.subscriber_id, data.error().message)};
            ++report_.failed;
            continue;
          }
          ++report_.composed;
          report_.bytes += data->size();
        }
      }
      return tl::unexpected(rollback);
    });
    if (!r && r.error().message != rollback.message) return tl::unexpected(r.error());
    if (failure) spdlog::warn("dry run: {}", failure->message);
    return report_;
  }

  store::Store& store_;
  const core::Config& config_;
  const core::Edition& edition_;
  const core::Clock& clock_;
  SendOptions options_;
  edition::PersonalEdition personal_;
  std::string from_domain_;
  std::optional<mail::DkimSigner> signer_;
  std::string link_secret_;  // signs the readers' unsubscribe and preferences links
  mail::RetryPolicy policy_;

  static constexpr std::chrono::milliseconds kWaitStep{500};  // looking again at copies other senders hold
  std::chrono::seconds lease_{120};  // [workers] lease_seconds: how long a claim holds without renewal
  std::string holder_;

  std::mutex store_mu_;  // the store, report_ and the lease's renewal
  SendReport report_;
  Steady::time_point last_renewal_{};

  ReadyQueue<Ready> ready_;

  std::mutex work_mu_;  // what is left to send
  std::deque<store::DueDelivery> page_;  // claimed, not yet composed
  size_t claimed_ = 0;                   // this pass
  core::Id claim_after_ = 0;             // the last copy claimed: the next claim goes on after it
  bool exhausted_ = false;
  bool interrupted_ = false;
  std::optional<core::Error> fatal_;

  std::mutex relay_mu_;  // the relays' slots and the domains' pace
  std::vector<RelaySlot> relays_;
  std::map<std::string, mail::Pacer> domains_;
};

}  // namespace

core::Result<SendReport> send_edition(store::Store& store, const core::Config& config, const core::Edition& edition,
                                      const core::Clock& clock, const SendOptions& options) {
  SendRun run(store, config, edition, clock, options);
  return run.run();
}

}  // namespace newsdesk::app
