// Story clustering speed and memory (bench/cluster/run drives it).
//   cluster_bench stream FILE.jsonl[.gz] OUT.tsv [RUNS]
//       clusters a stream as `newsdesk cluster --jsonl` does, writes id<TAB>story,
//       and prints articles, seconds spent clustering (reading excluded) and
//       articles/s, the median of RUNS runs (default 5), each with a clusterer
//       of its own: a dev stream takes tens of milliseconds, too short for one
//       run to be read on a noisy machine.
//   cluster_bench synthetic N DAYS
//       a generated stream of N articles over DAYS days (stories of about two days,
//       overlapping vocabularies); prints, at every tenth, the live stories, the
//       resident memory and the time per article over that tenth, so that one can
//       see memory stay flat once the window is full and time per article not grow.
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/story_clusterer.hpp"
#include "core/time.hpp"

namespace {

using newsdesk::cluster::ClusterInput;
using Clock = std::chrono::steady_clock;

double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * 4096.0 / (1024.0 * 1024.0);
}

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return lines;
  std::string line;
  char buffer[1 << 16];
  while (gzgets(f, buffer, sizeof buffer) != nullptr) {
    line += buffer;
    if (!line.empty() && line.back() == '\n') {
      lines.push_back(std::move(line));
      line.clear();
    }
  }
  if (!line.empty()) lines.push_back(line);
  gzclose(f);
  return lines;
}

int stream(const std::string& in, const std::string& out_path, int runs) {
  std::vector<std::string> ids;
  std::vector<ClusterInput> articles;
  for (const auto& line : read_lines(in)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) continue;
    auto text = [&](const char* key) {
      auto it = j.find(key);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    ids.push_back(j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump());
    ClusterInput a;
    a.article_id = static_cast<newsdesk::core::Id>(articles.size() + 1);
    a.time = newsdesk::core::parse_date(text("time"));
    a.title = text("title");
    a.text = text("text");
    a.language = text("language").empty() ? text("lang") : text("language");
    articles.push_back(std::move(a));
  }
  if (articles.empty()) {
    std::fprintf(stderr, "cluster_bench: no articles in %s\n", in.c_str());
    return 1;
  }
  std::vector<newsdesk::core::Id> stories;
  std::vector<double> times;
  for (int run = 0; run < std::max(runs, 1); ++run) {
    newsdesk::cluster::StoryClusterer clusterer(newsdesk::core::ClusterConfig{});
    newsdesk::cluster::MergeLog merges;
    stories.clear();
    stories.reserve(articles.size());
    auto start = Clock::now();
    for (const auto& a : articles) {
      auto assignment = clusterer.add(a);
      merges.record(assignment);
      stories.push_back(assignment.story_id);
    }
    times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    for (auto& story : stories) story = merges.resolve(story);  // as the stream ends, like `newsdesk cluster`
  }
  std::sort(times.begin(), times.end());
  const double seconds = times[times.size() / 2];
  std::FILE* out = std::fopen(out_path.c_str(), "w");
  if (out == nullptr) return 1;
  for (size_t i = 0; i < ids.size(); ++i) std::fprintf(out, "%s\t%lld\n", ids[i].c_str(), static_cast<long long>(stories[i]));
  std::fclose(out);
  std::printf("articles %zu  clustering %.3f s  %.0f articles/s  resident %.1f MiB\n", articles.size(), seconds,
              static_cast<double>(articles.size()) / seconds, resident_mib());
  return 0;
}

int synthetic(size_t n, int days) {
  std::mt19937_64 rng(20261129);
  constexpr int kVocabulary = 60000;
  // Lower-case letters only, like real words (digits would make every word a
  // number, and numbers are entities).
  auto word = [](int i) {
    std::string w;
    do {
      w += static_cast<char>('a' + i % 26);
      i /= 26;
    } while (i > 0);
    return w + "an";
  };
  struct Topic {
    std::vector<int> words;
    long start_minute;
  };
  std::vector<Topic> topics;
  const long total_minutes = static_cast<long>(days) * 24 * 60;
  const size_t stories = std::max<size_t>(n / 40, 10);  // about 40 articles a story
  for (size_t s = 0; s < stories; ++s) {
    Topic t;
    for (int k = 0; k < 25; ++k) t.words.push_back(static_cast<int>(rng() % kVocabulary));
    t.start_minute = static_cast<long>(s * static_cast<size_t>(total_minutes) / stories);
    topics.push_back(std::move(t));
  }
  newsdesk::cluster::StoryClusterer clusterer(newsdesk::core::ClusterConfig{});
  const auto epoch = *newsdesk::core::parse_rfc3339("2026-10-01T00:00:00Z");
  std::printf("%10s %8s %12s %14s\n", "articles", "day", "resident MiB", "us/article");
  auto tenth_start = Clock::now();
  size_t tenth = std::max<size_t>(n / 10, 1);
  for (size_t i = 0; i < n; ++i) {
    // The i-th article: a story live at its time (stories last about two days).
    long minute = static_cast<long>(i * static_cast<size_t>(total_minutes) / n);
    size_t first = static_cast<size_t>(std::max<long>(0, minute - 2 * 24 * 60) * static_cast<long>(stories) / total_minutes);
    size_t last = static_cast<size_t>(minute * static_cast<long>(stories) / total_minutes);
    const Topic& t = topics[first + rng() % (last - first + 1)];
    ClusterInput a;
    a.article_id = static_cast<newsdesk::core::Id>(i + 1);
    a.time = epoch + std::chrono::minutes(minute);
    a.language = "en";
    for (int k = 0; k < 8; ++k) a.title += word(t.words[rng() % t.words.size()]) + " ";
    for (int k = 0; k < 150; ++k) {
      a.text += (rng() % 10 < 6 ? word(t.words[rng() % t.words.size()]) : word(static_cast<int>(rng() % kVocabulary))) + " ";
      if (k % 40 == 39) a.text += "\n";
    }
    clusterer.add(a);
    if ((i + 1) % tenth == 0) {
      double us = std::chrono::duration<double, std::micro>(Clock::now() - tenth_start).count() / static_cast<double>(tenth);
      std::printf("%10zu %8.1f %12.1f %14.1f   live stories %zu\n", i + 1, minute / 1440.0, resident_mib(), us,
                  clusterer.live_stories());
      std::fflush(stdout);
      tenth_start = Clock::now();
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "stream" && (argc == 4 || argc == 5)) return stream(argv[2], argv[3], argc == 5 ? std::atoi(argv[4]) : 5);
  if (mode == "synthetic" && argc == 4) return synthetic(std::stoul(argv[2]), std::stoi(argv[3]));
  std::fprintf(stderr, "usage: cluster_bench stream FILE.jsonl[.gz] OUT.tsv [RUNS] | cluster_bench synthetic N DAYS\n");
  return 2;
}
