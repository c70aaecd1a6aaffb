// From fetched pages to articles, fetching what else an article needs through
// the same polite fetcher: the further parts of an article split across pages
// (rel="next", numbered pagination; extract/pagination.hpp), and the AMP
// version of a page that gave no article. The parts of every page of a batch
// are fetched together, a round per part. Used by ingest (ArticleFetcher) and
// by `newsdesk extract --follow-pages`.
// Runs on the caller's thread; the fetcher's own rule applies (one thread).
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/types.hpp"
#include "extract/extract.hpp"
#include "fetch/http_fetcher.hpp"

namespace newsdesk::app {

struct FollowOptions {
  int follow_pages = 0;       // further parts fetched per article at most (0: none)
  bool amp_fallback = false;  // read a page's AMP version when the page gives no article
};

// The article of each first page: `pages[i]` is the fetched answer for
// `urls[i]` (the address asked for; pages.size() == urls.size()). Each
// result is the article joined from its parts, in order, each once, or why
// there is none (the first page's fetch failed: "OUTCOME: why"; extraction's
// error). A further part or an AMP version that cannot be fetched or read
// costs only itself: the article keeps what it has and a warning names the
// address.
std::vector<core::Result<core::Article>> read_articles(fetch::HttpFetcher& fetcher, const std::vector<std::string>& urls,
                                                       const std::vector<fetch::Response>& pages,
                                                       const extract::Options& options, const FollowOptions& follow);

}  // namespace newsdesk::app
