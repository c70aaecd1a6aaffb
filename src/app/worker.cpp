#include "app/worker.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/pipeline.hpp"
#include "app/scheduler.hpp"
#include "app/story_writer.hpp"
#include "core/metrics.hpp"
#include "core/strings.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "fetch/http_fetcher.hpp"
#include "store/store.hpp"

namespace newsdesk::app {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_worker_signal(int) { g_stop = true; }

std::string default_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format("{}:{}", host[0] != '\0' ? host : "worker", ::getpid());
}

// The channels that wake a role's worker (Store::wait_for_work).
std::vector<std::string> channels(const std::set<Role>& roles) {
  std::vector<std::string> out;
  for (Role r : roles) out.emplace_back(to_string(r));
  return out;
}

void count_metrics(const PollReport& polled, const FetchReport& fetched, const ClusterReport& clustered) {
  auto& metrics = core::Metrics::global();
  const std::string polls = "newsdesk_feed_polls_total", polls_help = "Feed polls, by outcome.";
  metrics.add(polls, polls_help, {{"outcome", "fetched"}}, static_cast<double>(polled.feeds - polled.not_modified - polled.failed));
  metrics.add(polls, polls_help, {{"outcome", "not_modified"}}, static_cast<double>(polled.not_modified));
  metrics.add(polls, polls_help, {{"outcome", "failed"}}, static_cast<double>(polled.failed));
  metrics.add("newsdesk_feed_entries_total", "New feed entries stored.", {}, static_cast<double>(polled.new_entries));
  const std::string pages = "newsdesk_page_fetches_total", pages_help = "Article pages fetched, by outcome.";
  metrics.add(pages, pages_help, {{"outcome", "article"}}, static_cast<double>(fetched.articles));
  metrics.add(pages, pages_help, {{"outcome", "failed"}}, static_cast<double>(fetched.failed));
  metrics.add("newsdesk_stories_created_total", "New stories opened by clustering.", {}, static_cast<double>(clustered.new_stories));
}

class Worker {
 public:
  Worker(const core::Config& config, const WorkerOptions& options, const core::Clock& clock, const std::atomic<bool>& stop)
      : config_(config),
        options_(options),
        clock_(clock),
        stop_(stop),
        holder_(options.name.empty() ? default_name() : options.name),
        lease_(std::chrono::seconds(config.workers.lease_seconds)),
        batch_(static_cast<size_t>(config.workers.batch)),
        fetcher_(fetch::make_curl_fetcher(config.fetch)),
        articles_(config),
        writer_(config.cluster),
        started_(clock.now()) {}

  core::Result<WorkerReport> run() {
    auto backoff = std::chrono::seconds(1);
    while (!stop_) {
      auto pass = one_pass();
      if (!pass) {
        // A lost connection or a failing statement costs the batch in hand:
        // its claims run out and are taken again. The store is opened anew.
        if (options_.once) return tl::unexpected(pass.error());
        spdlog::error("worker {}: {}; trying again in {} s", holder_, pass.error().message, backoff.count());
        drop_store();
        pause(backoff);
        backoff = std::min(backoff * 2, std::chrono::seconds(60));
        continue;
      }
      backoff = std::chrono::seconds(1);
      if (*pass > 0) continue;  // there may be more
      if (options_.once) break;
      wait_for_work();
    }
    // Stopping: the batch being stored is finished first (what it read is
    // not read again by another), and the send under way cut short.
    finish_sending();
    if (auto stored = finish_storing(); !stored) {
      spdlog::warn("worker {}: its last batch could not be stored ({}); its pages pass on when their leases run out",
                   holder_, stored.error().message);
    }
    // The sites this worker held pass to the others (or to the
    // next run: a worker's name is new each run) now, not when their leases
    // run out. Its claims are all finished or given back by now.
    if (store_) {
      if (auto left = store_->workers().leave(holder_); !left) {
        spdlog::warn("worker {}: could not say it stops ({}); the others count it until its lease runs out", holder_,
                     left.error().message);
      }
      if (auto released = store_->sites().release_all(holder_); !released) {
        spdlog::warn("worker {}: its sites could not be given back ({}); they pass on when their leases run out",
                     holder_, released.error().message);
      }
      // The story writer's role likewise: a lead renewed to end now is a lead
      // another worker may take at once (articles stored by a worker still
      // running are placed by it, not left until the lease runs out).
      if (last_lead_) {
        const auto now = clock_.now();
        if (auto resigned = store_->lead("cluster", {holder_, now, now}); !resigned) {
          spdlog::warn("worker {}: could not hand on the story writer's role ({}); it passes on when its lease runs out",
                       holder_, resigned.error().message);
        }
      }
    }
    return report_;
  }

 private:
  // One round of every role; how many items they did.
  core::Result<size_t> one_pass() {
    if (!store_) {
      ND_TRY_ASSIGN(opened, store::open_store(config_.store.location()));
      store_ = std::move(*opened);
      // Listen before the first look for work, so that nothing announced
      // between that look and the first wait goes unheard.
      ND_TRY(store_->wait_for_work(channels(options_.roles), std::chrono::milliseconds(0)));
    }
    ND_TRY(say_alive());
    size_t done = 0;
    const auto& roles = options_.roles;
    if (roles.count(Role::kPoll) != 0 && !stop_) {
      ND_TRY_ASSIGN(n, poll());
      done += *n;
    }
    if (roles.count(Role::kFetch) != 0 && !stop_) {
      ND_TRY_ASSIGN(n, fetch());
      done += *n;
    }
    if (roles.count(Role::kCluster) != 0 && !stop_) {
      ND_TRY_ASSIGN(n, cluster());
      done += *n;
    }
    if (roles.count(Role::kSend) != 0 && !stop_) send();
    return done;
  }

  store::Claim claim(core::TimePoint now) const { return {holder_, now, now + lease_}; }

  // How many of one site's items a batch takes: about kBatchSeconds of the
  // site's pace (per_domain_delay_ms apart, per_domain_concurrency at a
  // time), so that one busy site does not hold up a batch of many sites, and
  // never more than half the lease leaves time for (else the site and its
  // items would pass to another worker while this one still asks).
  size_t per_site_cap() const {
    constexpr size_t kBatchSeconds = 10;
    const auto delay_ms = static_cast<size_t>(std::max(config_.fetch.per_domain_delay_ms, 1));
    const auto concurrency = static_cast<size_t>(std::max(config_.fetch.per_domain_concurrency, 1));
    const auto half_lease_ms = static_cast<size_t>(lease_.count()) * 1000 / 2;
    const size_t paced = concurrency * (1 + kBatchSeconds * 1000 / delay_ms);
    return std::max<size_t>(1, std::min(paced, half_lease_ms / delay_ms * concurrency));
  }

  // Tells the others this worker is alive (store::WorkerRegistry), well
  // within its lease: they size their share of the sites by it.
  core::Result<void> say_alive() {
    const auto now = clock_.now();
    if (last_beat_ && now - *last_beat_ < lease_ / 4) return {};
    std::string roles;
    for (Role r : options_.roles) roles += (roles.empty() ? "" : ",") + std::string(to_string(r));
    ND_TRY(store_->workers().beat({holder_, roles, started_, now + lease_, 0}));
    // Who else is alive changes seldom: counted here, not at every batch.
    ND_TRY_ASSIGN(live, store_->workers().live(now));
    live_with_role_.clear();
    for (const auto& w : *live) {
      for (const auto& r : core::split(w.roles, ',')) ++live_with_role_[std::string(core::trim(r))];
    }
    last_beat_ = now;
    return {};
  }

  // How many sites this worker may hold for a batch of `role` that touches
  // `batch_sites` free ones: a fair share of the sites with work in sight
  // (those and the ones others hold now) among the live workers of the role,
  // so that when there are fewer sites than batches could cover, every
  // worker gets some, not the first to claim all.
  core::Result<size_t> site_share(Role role, size_t batch_sites, core::TimePoint now) {
    const auto counted = live_with_role_.find(to_string(role));
    const size_t workers = counted == live_with_role_.end() ? 0 : counted->second;
    if (workers <= 1) return batch_sites;
    ND_TRY_ASSIGN(others, store_->sites().held_by_others(holder_, now));
    return std::max<size_t>(1, (batch_sites + *others + workers - 1) / workers);
  }

  // Which of the claimed items this worker may fetch: those of sites it holds
  // (taken now, or renewed), no more sites than its share (the claim took no
  // more than per_site_cap() of one site). The others go back, for the site's
  // holder, another worker, or a later batch. `held` gets the sites taken, to
  // be let go of when the batch is done (release_sites).
  template <class Item, class DomainOf>
  core::Result<std::vector<Item>> keep_held_sites(Role role, std::vector<Item> items, const DomainOf& domain_of,
                                                  const store::Claim& c, std::vector<core::Id>& given_back,
                                                  std::vector<std::string>& held) {
    std::vector<std::string> domains;
    for (const auto& item : items) domains.push_back(domain_of(item));
    const std::set<std::string> distinct(domains.begin(), domains.end());
    ND_TRY_ASSIGN(share, site_share(role, distinct.size(), c.now));
    std::map<std::string, bool> taken;  // each site asked for once, in item order (oldest work first), up to the share
    std::vector<Item> kept;
    for (size_t i = 0; i < items.size(); ++i) {
      auto [it, first] = taken.try_emplace(domains[i], false);
      if (first && held.size() < *share) {
        ND_TRY_ASSIGN(got, store_->sites().take(domains[i], c));
        it->second = *got;
        if (*got) held.push_back(domains[i]);
      }
      if (it->second) {
        kept.push_back(std::move(items[i]));
      } else {
        given_back.push_back(items[i].id);
      }
    }
    report_.released += given_back.size();
    return kept;
  }

  // A batch done: its sites pass on, each after the politeness gap from this
  // worker's last request (this worker may take them again at once). Until
  // then another worker's claims leave their work alone.
  core::Result<void> release_sites(const std::vector<std::string>& held) {
    if (held.empty()) return {};
    const auto gap = std::chrono::seconds((std::max(config_.fetch.per_domain_delay_ms, 0) + 999) / 1000);
    return store_->sites().release(held, holder_, clock_.now() + gap);
  }

  core::Result<size_t> poll() {
    const auto now = clock_.now();
    const auto c = claim(now);
    ND_TRY_ASSIGN(ids, store_->feeds().claim_due(c, batch_, per_site_cap()));
    if (ids->empty()) return size_t{0};
    std::vector<core::Source> sources;
    std::vector<core::Id> given_back;
    for (core::Id id : *ids) {
      ND_TRY_ASSIGN(source, store_->sources().get(id));
      if (!*source) continue;
      if (options_.once && !polled_.insert(id).second) {
        given_back.push_back(id);  // polled in this run already: once means once
        continue;
      }
      sources.push_back(std::move(**source));
    }
    std::vector<std::string> held;
    ND_TRY_ASSIGN(kept, keep_held_sites(Role::kPoll, std::move(sources),
                                        [](const core::Source& s) { return core::registrable_domain_of_url(s.feed_url); }, c,
                                        given_back, held));
    if (!given_back.empty()) ND_TRY(store_->feeds().release(given_back, holder_));
    if (kept->empty()) return size_t{0};
    ND_TRY_ASSIGN(polled, poll_sources(*store_, *fetcher_, config_.poll, *kept, now));
    ND_TRY(release_sites(held));
    report_.feeds += polled->feeds;
    report_.new_entries += polled->new_entries;
    count_metrics(*polled, {}, {});
    spdlog::info("worker {}: polled {} feeds ({} not modified, {} failed), {} new entries", holder_, polled->feeds,
                 polled->not_modified, polled->failed, polled->new_entries);
    return polled->feeds;
  }

  core::Result<size_t> fetch() {
    const auto now = clock_.now();
    const auto c = claim(now);
    ND_TRY_ASSIGN(entries, store_->entries().claim_pending(c, batch_, per_site_cap()));
    if (entries->empty()) return finish_storing();
    std::vector<core::Id> given_back;
    std::vector<std::string> held;
    ND_TRY_ASSIGN(kept, keep_held_sites(Role::kFetch, std::move(*entries),
                                        [](const store::StoredEntry& e) {
                                          return e.domain.empty() ? core::registrable_domain_of_url(e.entry.url) : e.domain;
                                        },
                                        c, given_back, held));
    if (!given_back.empty()) ND_TRY(store_->entries().release(given_back, holder_));
    if (kept->empty()) return finish_storing();
    const size_t pages = kept->size();
    PagesRead read = articles_.read(*fetcher_, std::move(*kept), now);
    ND_TRY(release_sites(held));
    // The previous batch is stored by now; this one is stored while the next
    // is read, on a connection of its own: the store's work (PostgreSQL's
    // above all) runs beside the reading instead of after it.
    ND_TRY(finish_storing());
    ND_TRY(start_storing(std::move(read)));
    return pages;
  }

  // Stores a batch's pages on the storing connection, on a thread of its own.
  core::Result<void> start_storing(PagesRead read) {
    if (!storing_store_) {
      ND_TRY_ASSIGN(opened, store::open_store(config_.store.location()));
      storing_store_ = std::move(*opened);
    }
    storing_ = std::async(std::launch::async, [store = storing_store_.get(), read = std::move(read)] {
      return ArticleFetcher::store(*store, read);
    });
    return {};
  }

  // Waits for the batch being stored, if any; how many pages it stored (the
  // articles among them are work for the story writer). A failure costs that
  // batch: its entries' claims run out and are taken again.
  core::Result<size_t> finish_storing() {
    if (!storing_.valid()) return size_t{0};
    auto fetched = storing_.get();
    if (!fetched) {
      storing_store_.reset();  // opened anew for the next batch
      return tl::unexpected(fetched.error());
    }
    report_.pages += fetched->pages;
    report_.articles += fetched->articles;
    count_metrics({}, *fetched, {});
    spdlog::info("worker {}: fetched {} pages, {} new articles, {} failed", holder_, fetched->pages, fetched->articles,
                 fetched->failed);
    return fetched->pages;
  }

  core::Result<size_t> cluster() {
    const auto now = clock_.now();
    ND_TRY_ASSIGN(leads, store_->lead("cluster", claim(now)));
    if (!*leads) {
      writer_.forget();  // another writes stories; what this one knew goes stale
      last_lead_.reset();
      return size_t{0};
    }
    // A lead that may have run out since the last round may have passed to
    // another writer and back: build the state afresh.
    if (last_lead_ && now - *last_lead_ >= lease_) writer_.forget();
    last_lead_ = now;
    const bool was_warm = writer_.warm();
    ND_TRY_ASSIGN(clustered, writer_.round(*store_, now));
    if (!was_warm) {
      ++report_.rebuilds;
      spdlog::info("worker {}: leads the story writer; {} articles of the window replayed", holder_, writer_.replayed());
    }
    report_.clustered += clustered->articles;
    report_.new_stories += clustered->new_stories;
    count_metrics({}, {}, *clustered);
    if (clustered->articles > 0) {
      spdlog::info("worker {}: {} articles placed, {} new stories", holder_, clustered->articles, clustered->new_stories);
    }
    return clustered->articles;
  }

  // Editions at their send time (every worker with the role sends a share of
  // each edition's copies, claimed under leases). A send runs on a thread and
  // a connection of its own: a large edition takes minutes, during which the
  // worker's other roles go on (and it keeps saying it is alive and renewing
  // the story writer's lead, which would otherwise run out and be rebuilt).
  // Its failures cost a look (look_again_after), never the worker's pass.
  void send() {
    const auto now = clock_.now();
    if (sending_.valid()) {
      if (sending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
      look_again_after(sending_.get(), now);
    }
    if (next_send_look_ && now < *next_send_look_) return;
    if (!sending_store_) {
      auto opened = store::open_store(config_.store.location());
      if (!opened) {
        look_again_after(tl::unexpected(opened.error()), now);
        return;
      }
      sending_store_ = std::move(*opened);
      scheduler_ = std::make_unique<EditionScheduler>(config_, *sending_store_, clock_);
    }
    sending_ = std::async(std::launch::async, [this] { return scheduler_->run_due(&stop_); });
  }

  // When to look at the editions again after a look that gave `next`.
  void look_again_after(const core::Result<core::TimePoint>& next, core::TimePoint now) {
    if (!next) {
      spdlog::error("worker {}: editions: {}", holder_, next.error().message);
      next_send_look_ = now + std::chrono::minutes(1);  // a failing look costs that look, not the worker
      scheduler_.reset();
      sending_store_.reset();  // opened anew: the failure may have been the connection's
      return;
    }
    next_send_look_ = std::min(*next, now + std::chrono::minutes(10));
  }

  // Waits for a send under way (a stop cuts it short, resumably).
  void finish_sending() {
    if (sending_.valid()) look_again_after(sending_.get(), clock_.now());
  }

  // Sleeps until new work is announced, a feed falls due, an edition is to be
  // looked at, or workers.idle_seconds pass; in steps of a second at most, so
  // that a stop is seen promptly.
  void wait_for_work() {
    const auto now = clock_.now();
    auto until = now + std::chrono::seconds(config_.workers.idle_seconds);
    if (options_.roles.count(Role::kPoll) != 0 && store_) {
      if (auto next = store_->feeds().next_due(); next && *next) until = std::min(until, std::max(**next, now));
    }
    // (While a send runs, its end is seen at the next pass: no sooner look.)
    if (options_.roles.count(Role::kSend) != 0 && next_send_look_ && !sending_.valid()) {
      until = std::min(until, *next_send_look_);
    }
    const auto wake = channels(options_.roles);
    while (!stop_ && clock_.now() < until && store_) {
      auto woken = store_->wait_for_work(wake, std::chrono::milliseconds(1000));
      if (!woken) {
        drop_store();  // the next pass reconnects
        return;
      }
      if (*woken) return;
    }
  }

  void drop_store() {
    if (storing_.valid()) storing_.wait();  // its outcome is lost with the connection: the claims run out
    storing_ = {};
    storing_store_.reset();
    last_beat_.reset();
    store_.reset();
    writer_.forget();
    last_lead_.reset();
  }

  void pause(std::chrono::seconds d) {
    const auto until = std::chrono::steady_clock::now() + d;
    while (!stop_ && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  const core::Config& config_;
  const WorkerOptions& options_;
  const core::Clock& clock_;
  const std::atomic<bool>& stop_;
  const std::string holder_;
  const std::chrono::seconds lease_;
  const size_t batch_;
  std::unique_ptr<store::Store> store_;
  // The batch being stored, on a connection of its own (start_storing).
  std::unique_ptr<store::Store> storing_store_;
  std::future<core::Result<FetchReport>> storing_;
  std::unique_ptr<fetch::HttpFetcher> fetcher_;
  ArticleFetcher articles_;
  StoryWriter writer_;
  std::optional<core::TimePoint> last_lead_;
  // The send under way, on a connection and a thread of its own (send()).
  std::unique_ptr<store::Store> sending_store_;
  std::unique_ptr<EditionScheduler> scheduler_;
  std::future<core::Result<core::TimePoint>> sending_;
  std::optional<core::TimePoint> next_send_look_;
  std::set<core::Id> polled_;  // with `once`: the feeds polled in this run
  const core::TimePoint started_;
  std::optional<core::TimePoint> last_beat_;
  std::map<std::string, size_t> live_with_role_;  // live workers by role, as of the last beat (say_alive)
  WorkerReport report_;
};

}  // namespace

const char* to_string(Role role) {
  switch (role) {
    case Role::kPoll: return "poll";
    case Role::kFetch: return "fetch";
    case Role::kCluster: return "cluster";
    case Role::kSend: return "send";
  }
  return "?";
}

core::Result<std::set<Role>> parse_roles(const std::string& list) {
  std::set<Role> out;
  for (const auto& part : core::split(list, ',')) {
    const std::string name(core::trim(part));
    bool known = false;
    for (Role r : {Role::kPoll, Role::kFetch, Role::kCluster, Role::kSend}) {
      if (name == to_string(r)) {
        out.insert(r);
        known = true;
      }
    }
    if (!known) {
      return core::fail(core::ErrorCode::kInvalidInput,
                        fmt::format("unknown role '{}' (the roles are poll, fetch, cluster, send)", name));
    }
  }
  if (out.empty()) return core::fail(core::ErrorCode::kInvalidInput, "no role given (poll, fetch, cluster, send)");
  return out;
}

core::Result<WorkerReport> run_worker(const core::Config& config, const WorkerOptions& options, const core::Clock& clock) {
  const bool own_signals = options.stop == nullptr;
  if (own_signals) {
    g_stop = false;
    std::signal(SIGINT, on_worker_signal);
    std::signal(SIGTERM, on_worker_signal);
  }
  Worker worker(config, options, clock, own_signals ? g_stop : *options.stop);
  auto report = worker.run();
  if (own_signals) {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  return report;
}

}  // namespace newsdesk::app
