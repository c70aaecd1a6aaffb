// The cost of a poll round over an unchanged web, with the story writer's
// state kept, for several cluster windows; and, for contrast, the cost of
// building that state from the window (a cold start: the window's articles
// replayed into a fresh clusterer). bench/scale/run runs it on the stores its
// ingest left behind.
//
//   round_bench CONFIG STORE [--windows 1,7] [--rounds 5] [--cold 3]
//
// CONFIG is the desk's configuration (fetch and poll settings; cluster.window_days
// is set here, one window at a time), STORE an SQLite file or a postgresql://
// URL holding an ingested desk whose feeds' server still runs. For each window
// (the windows alternate: cold, cold, ..., then warm, warm, ...):
//   cold  --cold times: a new StoryWriter's first round, which builds the
//         clusterer from the window's stored stories (Articles::clustered_since
//         and StoryClusterer::add_known for each) and then finds nothing
//         unplaced;
//   warm  --rounds times, with the window's last cold writer kept: one round of the
//         desk's ingest over every feed (poll_feeds with `all`: conditional
//         GETs, each feed answering 304, its state saved), fetch_articles
//         (nothing pending) and StoryWriter::round (nothing unplaced).
// One unmeasured poll round first, so that robots.txt is cached for all.
// Prints each round and the medians in ms; exit 1 when a round fails, finds
// new entries or articles, or the warm writer rebuilds its state.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/pipeline.hpp"
#include "app/story_writer.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/strings.hpp"
#include "fetch/http_fetcher.hpp"
#include "store/store.hpp"

namespace {

using namespace newsdesk;
using Ms = std::chrono::duration<double, std::milli>;

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

template <class T>
T need(core::Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "round_bench: %s: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: round_bench CONFIG STORE [--windows 1,7] [--rounds 5] [--cold 3]\n");
    return 2;
  }
  std::string windows_arg = "1,7";
  int rounds = 5, colds = 3;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--windows") windows_arg = argv[i + 1];
    else if (a == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--cold") colds = std::max(1, std::atoi(argv[i + 1]));
    else {
      std::fprintf(stderr, "round_bench: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  core::Config config = need(core::load_config(argv[1]), argv[1]);
  config.store.set_location(argv[2]);
  auto store = need(store::open_store(config.store.location()), argv[2]);
  auto fetcher = fetch::make_curl_fetcher(config.fetch);
  core::SystemClock clock;
  const size_t articles = need(store->articles().count(), "articles");
  const size_t feeds = need(store->sources().list(), "sources").size();
  std::printf("store: %s: %zu feeds, %zu articles\n", argv[2], feeds, articles);
  if (!need(store->articles().unclustered(), "unclustered").empty()) {
    std::fprintf(stderr, "round_bench: the store has articles not in a story yet: ingest first\n");
    return 1;
  }
  {
    const auto t0 = std::chrono::steady_clock::now();
    auto warmup = need(app::poll_feeds(*store, *fetcher, config.poll, clock.now(), true), "poll");
    std::printf("warm-up poll round: %zu feeds, %zu not modified, %zu failed, %zu new entries, %.0f ms\n", warmup.feeds,
                warmup.not_modified, warmup.failed, warmup.new_entries,
                Ms(std::chrono::steady_clock::now() - t0).count());
  }
  std::vector<int> windows;
  for (const auto& w : core::split(windows_arg, ',')) windows.push_back(std::atoi(std::string(core::trim(w)).c_str()));
  // Every measurement alternates between the windows, so that a drift of
  // the machine (or of the store's files) does not favour one.
  struct PerWindow {
    core::ClusterConfig cluster;
    std::unique_ptr<app::StoryWriter> writer;
    size_t replayed = 0;
    size_t not_modified = 0;
    std::vector<double> cold, polls, fetches, places, totals;
  };
  std::vector<PerWindow> per(windows.size());
  bool ok = true;
  for (size_t i = 0; i < windows.size(); ++i) {
    per[i].cluster = config.cluster;
    per[i].cluster.window_days = windows[i];
  }
  for (int c = 0; c < colds; ++c) {
    for (auto& p : per) {
      p.writer = std::make_unique<app::StoryWriter>(p.cluster);
      const auto t0 = std::chrono::steady_clock::now();
      auto r = need(p.writer->round(*store, clock.now()), "cold round");
      p.cold.push_back(Ms(std::chrono::steady_clock::now() - t0).count());
      p.replayed = p.writer->replayed();
      if (r.articles != 0) ok = false;
    }
  }
  for (int r = 0; r < rounds; ++r) {
    for (auto& p : per) {
      const auto now = clock.now();
      const auto t0 = std::chrono::steady_clock::now();
      auto polled = need(app::poll_feeds(*store, *fetcher, config.poll, now, true), "poll");
      const auto t1 = std::chrono::steady_clock::now();
      auto fetched = need(app::fetch_articles(*store, *fetcher, config, now), "fetch");
      const auto t2 = std::chrono::steady_clock::now();
      auto placed = need(p.writer->round(*store, now), "round");
      const auto t3 = std::chrono::steady_clock::now();
      p.polls.push_back(Ms(t1 - t0).count());
      p.fetches.push_back(Ms(t2 - t1).count());
      p.places.push_back(Ms(t3 - t2).count());
      p.totals.push_back(Ms(t3 - t0).count());
      p.not_modified = polled.not_modified;
      std::fprintf(stderr, "window %d round %d: poll %.1f ms (%zu feeds, %zu not modified, %zu new entries), fetch %.1f ms, "
                   "place %.2f ms (%zu articles)\n",
                   p.cluster.window_days, r + 1, p.polls.back(), polled.feeds, polled.not_modified, polled.new_entries,
                   p.fetches.back(), p.places.back(), placed.articles);
      if (polled.new_entries != 0 || fetched.pages != 0 || placed.articles != 0 || polled.failed != 0) ok = false;
      if (!p.writer->warm() || p.writer->replayed() != p.replayed) ok = false;
    }
  }
  std::printf("%-7s %9s %10s %12s | %9s %9s %9s %9s %6s\n", "window", "replayed", "cold ms", "cold us/art", "poll ms",
              "fetch ms", "place ms", "round ms", "304s");
  for (const auto& p : per) {
    const double cold_ms = median(p.cold);
    std::printf("%-7s %9zu %10.1f %12.1f | %9.1f %9.2f %9.2f %9.1f %6zu\n",
                (std::to_string(p.cluster.window_days) + " d").c_str(), p.replayed, cold_ms,
                p.replayed > 0 ? 1000.0 * cold_ms / static_cast<double>(p.replayed) : 0.0, median(p.polls),
                median(p.fetches), median(p.places), median(p.totals), p.not_modified);
  }
  std::printf("medians: cold = %d fresh StoryWriter rounds (the window replayed); warm = %d rounds with the state kept; "
              "the windows alternate\n",
              colds, rounds);
  if (!ok) {
    std::fprintf(stderr, "round_bench: a round found new work, failed, or rebuilt the state (see above)\n");
    return 1;
  }
  return 0;
}
