// `newsdesk poll`: the poller as a service: a worker (app/worker.hpp) with the
// roles poll, fetch and cluster. It polls the feeds that are due, fetches and
// extracts the pages of new entries and groups the new articles into stories
// with a story writer it keeps from round to round; then it waits until the
// next feed falls due or new work is announced. SIGINT/SIGTERM end it after
// the batch in hand (every stage writes its work to the store as it goes, so
// nothing is lost or done twice).
#pragma once

#include <atomic>

#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "fetch/http_fetcher.hpp"
#include "store/store.hpp"

namespace newsdesk::app {

struct PollerOptions {
  bool once = false;  // until nothing is due or waiting, then exit
  // Set by someone else to stop after the round (newsdesk serve). Without
  // it the poller stops on SIGINT/SIGTERM itself.
  const std::atomic<bool>* stop = nullptr;
};

core::Result<void> run_poller(const core::Config& config, const PollerOptions& options);

// Feeds a site offers: the URL itself when it is a feed; else the feeds its
// page advertises (<link rel="alternate">); else the usual places (/feed,
// /rss.xml, /atom.xml, ...) that answer with a feed.
struct FoundFeed {
  std::string url;
  std::string title;
  std::string format;  // "rss", "atom", ...; "" when only advertised and not checked
  size_t entries = 0;
};
core::Result<std::vector<FoundFeed>> discover_site_feeds(fetch::HttpFetcher& fetcher, const std::string& url);

}  // namespace newsdesk::app
