#include "app/poller.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/pipeline.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "feed/feed.hpp"

namespace newsdesk::app {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) { g_stop = true; }

// Sleeps until `until` or a stop, in short steps.
void sleep_until(std::chrono::steady_clock::time_point until, const std::atomic<bool>& stop) {
  while (!stop && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

core::Result<void> run_poller(const core::Config& config, const PollerOptions& options) {
  ND_TRY_ASSIGN(store, store::open_store(config.store.location()));
  auto fetcher = fetch::make_curl_fetcher(config.fetch);
  const bool own_signals = options.stop == nullptr;
  const std::atomic<bool>& stop = own_signals ? g_stop : *options.stop;
  if (own_signals) {
    g_stop = false;
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
  }
  core::SystemClock clock;
  while (!stop) {
    auto now = clock.now();
    ND_TRY_ASSIGN(polled, poll_feeds(**store, *fetcher, config.poll, now));
    ND_TRY_ASSIGN(fetched, fetch_articles(**store, *fetcher, config, now));
    ND_TRY_ASSIGN(clustered, cluster_articles(**store, config.cluster, now));
    auto& metrics = core::Metrics::global();
    const std::string polls = "newsdesk_feed_polls_total", polls_help = "Feed polls, by outcome.";
    metrics.add(polls, polls_help, {{"outcome", "fetched"}}, static_cast<double>(polled->feeds - polled->not_modified - polled->failed));
    metrics.add(polls, polls_help, {{"outcome", "not_modified"}}, static_cast<double>(polled->not_modified));
    metrics.add(polls, polls_help, {{"outcome", "failed"}}, static_cast<double>(polled->failed));
    metrics.add("newsdesk_feed_entries_total", "New feed entries stored.", {}, static_cast<double>(polled->new_entries));
    metrics.add("newsdesk_page_fetches_total", "Article pages fetched, by outcome.", {{"outcome", "article"}},
                static_cast<double>(fetched->articles));
    metrics.add("newsdesk_page_fetches_total", "Article pages fetched, by outcome.", {{"outcome", "failed"}},
                static_cast<double>(fetched->failed));
    metrics.add("newsdesk_stories_created_total", "New stories opened by clustering.", {}, static_cast<double>(clustered->new_stories));
    spdlog::info("polled {} feeds ({} not modified, {} failed, {} moved, {} gone), {} new entries; {} new articles; "
                 "{} new stories",
                 polled->feeds, polled->not_modified, polled->failed, polled->moved, polled->gone, polled->new_entries,
                 fetched->articles, clustered->new_stories);
    if (options.once) break;
    ND_TRY_ASSIGN(next, (*store)->feeds().next_due());
    auto wait = std::chrono::seconds(options.max_sleep_seconds);
    if (*next) {
      auto until_due = std::chrono::duration_cast<std::chrono::seconds>(**next - clock.now());
      wait = std::clamp(until_due, std::chrono::seconds(1), wait);
      spdlog::info("next feed due at {}", core::format_rfc3339(**next));
    }
    sleep_until(std::chrono::steady_clock::now() + wait, stop);
  }
  if (stop) spdlog::info("poller: stopped after a finished round");
  if (own_signals) {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  return {};
}

core::Result<std::vector<FoundFeed>> discover_site_feeds(fetch::HttpFetcher& fetcher, const std::string& url) {
  auto page = fetcher.fetch({url, "", ""});
  if (page.outcome != fetch::Outcome::kFetched) {
    return core::fail(core::ErrorCode::kIo, fmt::format("{}: {}", url, page.error));
  }
  std::string base = page.final_url.empty() ? url : page.final_url;
  std::vector<FoundFeed> out;
  // The URL is itself a feed.
  if (!feed::looks_like_html(page.body)) {
    auto f = feed::parse_feed(page.body, base, fetch::charset_of(page.content_type));
    if (f) {
      out.push_back({base, f->title, feed::to_string(f->format), f->entries.size()});
      return out;
    }
  }
  std::vector<std::string> candidates;
  std::vector<std::string> titles;
  for (const auto& d : feed::discover_feeds(page.body, base)) {
    candidates.push_back(d.url);
    titles.push_back(d.title);
  }
  if (candidates.empty()) {
    // Nothing advertised: the places feeds usually live.
    for (const char* path : {"/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feeds/all.atom.xml"}) {
      candidates.push_back(core::resolve_url(base, path));
      titles.emplace_back();
    }
  }
  std::vector<fetch::Request> requests;
  for (const auto& c : candidates) requests.push_back({c, "", ""});
  auto responses = fetcher.fetch_all(requests);
  for (size_t i = 0; i < responses.size(); ++i) {
    const auto& r = responses[i];
    if (r.outcome != fetch::Outcome::kFetched) continue;
    auto f = feed::parse_feed(r.body, r.final_url.empty() ? candidates[i] : r.final_url, fetch::charset_of(r.content_type));
    if (!f) continue;
    std::string title = !titles[i].empty() ? titles[i] : f->title;
    out.push_back({r.final_url.empty() ? candidates[i] : r.final_url, title, feed::to_string(f->format), f->entries.size()});
  }
  return out;
}

}  // namespace newsdesk::app
