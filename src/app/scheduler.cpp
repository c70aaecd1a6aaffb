#include "app/scheduler.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/pipeline.hpp"
#include "app/sender.hpp"
#include "core/metrics.hpp"
#include "core/time.hpp"

namespace newsdesk::app {

core::Result<SendSlot> send_slot(const core::EditionConfig& edition, core::TimePoint now) {
  ND_TRY_ASSIGN(date, core::local_date(now, edition.time_zone));
  ND_TRY_ASSIGN(at, core::local_to_utc(*date, edition.send_time, edition.time_zone));
  return SendSlot{*date, *at};
}

namespace {

std::string scheduler_name() {
  static std::atomic<int> made{0};
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format("{}:{}:edition-{}", host[0] != '\0' ? host : "desk", ::getpid(), ++made);
}

}  // namespace

EditionScheduler::EditionScheduler(const core::Config& config, store::Store& store, const core::Clock& clock)
    : config_(config), store_(store), clock_(clock), holder_(scheduler_name()) {}

core::Result<core::TimePoint> EditionScheduler::run_due(const std::atomic<bool>* stop) {
  const core::TimePoint now = clock_.now();
  core::TimePoint next = now + std::chrono::hours(1);
  std::vector<std::string> keys = {""};
  for (const auto& [key, e] : config_.editions) keys.push_back(key);
  for (const std::string& key : keys) {
    if (stop != nullptr && *stop) break;
    ND_TRY_ASSIGN(config, core::for_edition(config_, key));
    ND_TRY_ASSIGN(slot, send_slot(config->edition, now));
    if (now < slot->send_at) {
      next = std::min(next, slot->send_at);
      continue;
    }
    const std::string name = config->edition.name;
    const std::string id = name + "/" + slot->date;
    if (finished_[id]) continue;
    const std::string build_lead = "edition " + id;
    ND_TRY_ASSIGN(stored, store_.editions().by_date(name, slot->date));
    if (!*stored) {
      // Built by one scheduler of the desk: the others wait for its build
      // (two builds would each send their own version, and overwrite each
      // other's items). Asked again after taking the lead: another may have
      // built it and let go in between.
      const auto lease = std::chrono::seconds(config->workers.lease_seconds);
      ND_TRY_ASSIGN(leads, store_.lead(build_lead, {holder_, now, now + lease}));
      if (!*leads) {
        next = std::min(next, now + std::chrono::seconds(5));
        continue;
      }
      ND_TRY_ASSIGN(again, store_.editions().by_date(name, slot->date));
      *stored = std::move(*again);
    }
    if (!*stored) {
      // Built at its send time, after the editor's last word.
      const auto started = std::chrono::steady_clock::now();
      ND_TRY_ASSIGN(built, build_edition(store_, *config, now, slot->date));
      core::Metrics::global().set("newsdesk_edition_build_seconds", "How long the last build of each edition took.",
                                  {{"edition", name}},
                                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      spdlog::info("edition {} of {}: built, {} stories", name, slot->date, built->edition.items.size());
      ND_TRY_ASSIGN(again, store_.editions().by_date(name, slot->date));
      *stored = std::move(*again);
      if (!*stored) return core::fail(core::ErrorCode::kNotFound, "the edition just built is not in the store: " + id);
      // Built: the lead ends now, so that nobody waits for it.
      ND_TRY(store_.lead(build_lead, {holder_, now, now}));
    }
    SendOptions options;
    options.stop = stop;
    ND_TRY_ASSIGN(report, send_edition(store_, *config, **stored, clock_, options));
    core::Metrics::global().set("newsdesk_edition_held",
                                "1 when the edition of the day was held back (fewer stories than min_stories), else 0.",
                                {{"edition", name}}, report->held.empty() ? 0.0 : 1.0);
    if (!report->held.empty()) {
      // Held for the day: the edition stays as built; `send --force` can still send it.
      spdlog::warn("edition {}: {}", name, report->held);
      finished_[id] = true;
      continue;
    }
    spdlog::info("edition {} of {}: {} sent, {} deferred, {} failed", name, slot->date, report->sent, report->deferred,
                 report->failed);
    auto& metrics = core::Metrics::global();
    const std::string sends = "newsdesk_copies_sent_total", help = "Edition copies the relays answered, by outcome.";
    metrics.add(sends, help, {{"edition", name}, {"outcome", "sent"}}, static_cast<double>(report->sent));
    metrics.add(sends, help, {{"edition", name}, {"outcome", "deferred"}}, static_cast<double>(report->deferred));
    metrics.add(sends, help, {{"edition", name}, {"outcome", "failed"}}, static_cast<double>(report->failed));
    if (report->stopped) {
      next = std::min(next, now + std::chrono::minutes(1));  // no relay: try again soon
    } else if (!report->other_senders.empty()) {
      // Copies other senders still hold: sent by them, or by whoever looks
      // again once their leases have run out.
      next = std::min(next, now + std::chrono::seconds(config->workers.lease_seconds));
    } else if (report->next_retry) {
      next = std::min(next, std::max(*report->next_retry, now + std::chrono::seconds(1)));
    } else if (!report->interrupted) {
      finished_[id] = true;
    }
  }
  return next;
}

}  // namespace newsdesk::app
