#include "app/serve.hpp"

#include <atomic>
#include <optional>
#include <chrono>
#include <csignal>
#include <map>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/pipeline.hpp"
#include "app/poller.hpp"
#include "app/retention.hpp"
#include "app/scheduler.hpp"
#include "app/transactional.hpp"
#include "core/clock.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "web/server.hpp"

namespace newsdesk::app {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_serve_signal(int) { g_stop = true; }

// Sleeps until `until` or the stop, in short steps.
void sleep_until(core::TimePoint until, const core::Clock& clock) {
  while (!g_stop && clock.now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

}  // namespace

web::LiveStories live_stories(const core::Config& config) {
  return [config](store::Store& store, const std::string& beat, size_t limit) -> core::Result<std::vector<web::LiveStory>> {
    core::Config for_beat = config;
    for_beat.rank.beat = beat;
    const auto now = core::SystemClock().now();
    ND_TRY_ASSIGN(ranking, rank_recent(store, for_beat, now, now - std::chrono::hours(24), "", 0));
    std::map<core::Id, const rank::StoryBundle*> bundles;
    for (const auto& b : ranking->stories) bundles[b.story.id] = &b;
    std::vector<web::LiveStory> out;
    for (const auto& s : ranking->ranked) {
      if (out.size() >= limit) break;
      if (!s.on_beat || s.score <= 0) continue;
      auto b = bundles.find(s.story_id);
      if (b == bundles.end()) continue;
      out.push_back({s.story_id, b->second->story.headline, s.independent_outlets, b->second->story.last_updated, s.score});
    }
    return out;
  };
}

web::EditionPreview edition_preview(const core::Config& config) {
  return [config](store::Store& store, const std::string& date) -> core::Result<web::EditionDraft> {
    ND_TRY_ASSIGN(built, compose_edition(store, config, core::SystemClock().now(), date));
    return web::EditionDraft{std::move(built->edition), std::move(built->rendered.html)};
  };
}

core::Result<void> run_serve(const core::Config& config, const ServeOptions& options) {
  g_stop = false;
  std::signal(SIGINT, on_serve_signal);
  std::signal(SIGTERM, on_serve_signal);
  std::unique_ptr<web::SiteServer> site;
  if (options.web) {
    ND_TRY_ASSIGN(web_store, store::open_store(config.store.location()));
    ND_TRY_ASSIGN(started, web::SiteServer::start(config, std::move(*web_store), confirmation_mailer(config),
                                                          live_stories(config), edition_preview(config)));
    site = std::move(*started);
    spdlog::info("serve: the site is at {}", site->base_url());
  }
  std::thread poller;
  if (options.poll) {
    poller = std::thread([&config] {
      PollerOptions p;
      p.stop = &g_stop;
      if (auto done = run_poller(config, p); !done) spdlog::error("serve: the poller stopped: {}", done.error().message);
    });
  }
  core::SystemClock clock;
  if (options.send) {
    ND_TRY_ASSIGN(store, store::open_store(config.store.location()));
    EditionScheduler scheduler(config, **store, clock);
    std::optional<core::TimePoint> pruned_at;  // the last retention pass: one a day
    while (!g_stop) {
      if (!pruned_at || clock.now() - *pruned_at >= std::chrono::hours(24)) {
        auto pruned = prune_article_text(**store, config.store, clock.now(), &g_stop);
        if (!pruned) spdlog::error("serve: retention: {}", pruned.error().message);
        else if (pruned->articles > 0) spdlog::info("serve: retention: {} articles lost their text and page", pruned->articles);
        pruned_at = clock.now();
      }
      // Sign-ups never confirmed are forgotten after subscribers.pending_days.
      auto forgotten = (*store)->subscribers().expire_pending(clock.now() - std::chrono::hours(24) * config.subscribers.pending_days);
      if (forgotten && *forgotten > 0) spdlog::info("serve: {} unconfirmed sign-ups forgotten", *forgotten);
      auto next = scheduler.run_due(&g_stop);
      if (!next) {
        // A failing build or send costs that round, not the service.
        spdlog::error("serve: editions: {}", next.error().message);
        sleep_until(clock.now() + std::chrono::minutes(1), clock);
        continue;
      }
      spdlog::info("serve: editions looked at; next look at {}", core::format_rfc3339(*next));
      sleep_until(std::min(*next, clock.now() + std::chrono::minutes(10)), clock);
    }
  } else {
    while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  spdlog::info("serve: stopping");
  if (poller.joinable()) poller.join();
  if (site) site->stop();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  return {};
}

}  // namespace newsdesk::app
