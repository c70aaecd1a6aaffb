// Building an edition from a big store (bench/edition/run drives it): a
// SQLite store of N articles in S stories over D days (generated once into
// DIR, kept for later runs), then the whole of `newsdesk edition build` on one
// core: rank the stories of the last 72 hours for the beat, load the
// candidates, build, render and store the edition. Prints each pass and the
// median of 5.
//   edition_build_bench DIR [ARTICLES] [STORIES] [DAYS]   (defaults 1000000 200000 30)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "app/pipeline.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

const char* kWords[] = {"navy", "army", "drone", "missile", "frigate", "budget", "senate", "exercise", "border", "port",
                        "harbor", "storm", "market", "election", "court", "bridge", "school", "rail", "energy", "cup"};

// A deterministic desk: 500 outlets; stories spread evenly over the days,
// each with ARTICLES/STORIES articles on average (1 to 2x that), a tenth of
// them wire copies; relevance stored for the beat as ingest stores it.
newsdesk::core::Result<void> generate(newsdesk::store::Store& store, int articles, int stories, int days,
                                      newsdesk::core::TimePoint now) {
  std::mt19937_64 rng(13);
  return store.transaction([&]() -> newsdesk::core::Result<void> {
    for (int s = 0; s < 500; ++s) {
      newsdesk::core::Source src;
      src.name = "Outlet " + std::to_string(s);
      src.feed_url = "https://outlet" + std::to_string(s) + ".example/feed.xml";
      src.country = s % 3 == 0 ? "US" : s % 3 == 1 ? "GB" : "AU";
      src.weight = 1.0 + static_cast<double>(s % 4) * 0.25;
      auto id = store.sources().add(src);
      if (!id) return tl::unexpected(id.error());
    }
    const double per_story = static_cast<double>(articles) / stories;
    long long article_id = 0;
    for (int s = 1; s <= stories && article_id < articles; ++s) {
      // Story s starts at a point of the span; newer stories have larger ids.
      auto start = now - std::chrono::seconds(static_cast<long long>((1.0 - static_cast<double>(s) / stories) * days * 86400.0));
      int count = std::max(1, static_cast<int>(per_story * (0.5 + static_cast<double>(rng() % 1000) / 1000.0)));
      newsdesk::core::Story story;
      story.id = s;
      story.headline = std::string("Story ") + std::to_string(s) + ": " + kWords[rng() % 20] + " " + kWords[rng() % 20];
      story.first_seen = start;
      story.last_updated = start + std::chrono::minutes(20 * (count - 1));
      auto saved = store.stories().save(story);
      if (!saved) return tl::unexpected(saved.error());
      long long first = 0;
      for (int k = 0; k < count && article_id < articles; ++k) {
        newsdesk::core::Article a;
        a.source_id = 1 + static_cast<long long>(rng() % 500);
        a.url = "https://outlet" + std::to_string(a.source_id - 1) + ".example/a/" + std::to_string(article_id);
        a.canonical_url = a.url;
        a.title = story.headline + " (" + std::to_string(k) + ")";
        a.text = "The " + std::string(kWords[rng() % 20]) + " story goes on. Officials said more would follow.";
        a.language = "en";
        a.published = start + std::chrono::minutes(20 * k);
        auto added = store.articles().add(a);
        if (!added) return tl::unexpected(added.error());
        ++article_id;
        std::optional<long long> copy;
        if (k == 0) first = added->id;
        else if (rng() % 10 == 0) copy = first;
        auto assigned = store.articles().assign(added->id, s, copy);
        if (!assigned) return tl::unexpected(assigned.error());
        double relevance = static_cast<double>(rng() % 1000) / 1000.0;
        auto kept = store.articles().set_relevance(added->id, "military", relevance);
        if (!kept) return tl::unexpected(kept.error());
      }
    }
    return {};
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: edition_build_bench DIR [ARTICLES] [STORIES] [DAYS]\n");
    return 2;
  }
  fs::path dir = argv[1];
  int articles = argc > 2 ? std::atoi(argv[2]) : 1000000;
  int stories = argc > 3 ? std::atoi(argv[3]) : 200000;
  int days = argc > 4 ? std::atoi(argv[4]) : 30;
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  fs::create_directories(dir);
  fs::path db = dir / ("desk-" + std::to_string(articles) + "-" + std::to_string(stories) + "-" + std::to_string(days) + ".db");
  bool fresh = !fs::exists(db);
  auto store = newsdesk::store::open_sqlite_store(db);
  if (!store) {
    std::fprintf(stderr, "edition_build_bench: %s\n", store.error().message.c_str());
    return 1;
  }
  if (fresh) {
    std::printf("generating %d articles in %d stories over %d days into %s ...\n", articles, stories, days, db.c_str());
    std::fflush(stdout);
    auto t0 = Clock::now();
    if (auto g = generate(**store, articles, stories, days, now); !g) {
      std::fprintf(stderr, "edition_build_bench: %s\n", g.error().message.c_str());
      fs::remove(db);
      return 1;
    }
    std::printf("generated in %.1f s\n", std::chrono::duration<double>(Clock::now() - t0).count());
  }
  // The store's stories are dated against the time it was generated; build
  // as of the newest story's time, so every run sees the same 72 hours.
  auto recent = (*store)->stories().updated_since(now - std::chrono::hours(24 * (days + 400)));
  if (!recent || recent->empty()) {
    std::fprintf(stderr, "edition_build_bench: the store has no stories\n");
    return 1;
  }
  auto as_of = recent->front().last_updated;
  for (const auto& s : *recent) as_of = std::max(as_of, s.last_updated);
  newsdesk::core::Config config;
  std::vector<double> ms;
  size_t candidates = 0, items = 0;
  for (int pass = 0; pass < 5; ++pass) {
    auto t0 = Clock::now();
    auto built = newsdesk::app::build_edition(**store, config, as_of);
    double took = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!built) {
      std::fprintf(stderr, "edition_build_bench: %s\n", built.error().message.c_str());
      return 1;
    }
    candidates = built->ranked.size();
    items = built->edition.items.size();
    ms.push_back(took);
    std::printf("pass %d: %.1f ms (%zu stories ranked, %zu in the edition)\n", pass + 1, took, candidates, items);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("\nedition build from %d articles in %d stories over %d days: median %.1f ms on one core "
              "(%zu stories of the last 72 h ranked; target < 200 ms)\n",
              articles, stories, days, ms[ms.size() / 2], candidates);
  return 0;
}
