#include "app/poller.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/pipeline.hpp"
#include "app/worker.hpp"
#include "core/clock.hpp"
#include "core/url.hpp"
#include "feed/feed.hpp"

namespace newsdesk::app {

core::Result<void> run_poller(const core::Config& config, const PollerOptions& options) {
  WorkerOptions worker;
  worker.roles = {Role::kPoll, Role::kFetch, Role::kCluster};
  worker.once = options.once;
  worker.stop = options.stop;
  core::SystemClock clock;
  ND_TRY_ASSIGN(report, run_worker(config, worker, clock));
  spdlog::info("poller: {} feeds polled, {} new entries, {} pages fetched, {} new articles, {} new stories", report->feeds,
               report->new_entries, report->pages, report->articles, report->new_stories);
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
