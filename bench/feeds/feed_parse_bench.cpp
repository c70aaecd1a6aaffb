// feed_parse_bench: how fast newsdesk::feed::parse_feed turns feed documents
// into entries (bench/feeds/run compares it with Python's feedparser).
//
//   feed_parse_bench DIR [--repeat N]
//
// Reads every regular file in DIR (symlinks followed) into memory first, so no
// disk I/O is timed, then times N passes (default 5) of parse_feed over all of
// them, in file-name order, on one thread. Each file gets the base URL
// "https://bench.example/feeds/<file name>" and no HTTP charset. Prints every
// pass, the median pass, and last a machine-readable line:
//
//   median items/s X MB/s Y items Z bytes B
//
// Items are feed.entries.size(); 1 MB = 10^6 bytes. Exits 1 with a message when
// DIR has no files or any file fails to parse: a benchmark that skipped what it
// could not read would time less work than its peer and flatter us.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "feed/feed.hpp"

namespace {

struct Document {
  std::string name;
  std::string base_url;
  std::string body;
};

// Every regular file of `dir` in byte order of the names (as the peer reads
// them), or an error message.
std::vector<Document> read_documents(const std::filesystem::path& dir, std::string& error) {
  std::vector<Document> docs;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (!e.is_regular_file(ec)) continue;  // follows symlinks: the runner links a subset
    std::ifstream in(e.path(), std::ios::binary);
    std::string body(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>{});
    if (!in.good() && !in.eof()) {
      error = "cannot read " + e.path().string();
      return {};
    }
    std::string name = e.path().filename().string();
    docs.push_back({name, "https://bench.example/feeds/" + name, std::move(body)});
  }
  if (ec) error = "cannot list " + dir.string() + ": " + ec.message();
  std::sort(docs.begin(), docs.end(), [](const Document& a, const Document& b) { return a.name < b.name; });
  return docs;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int usage() {
  std::fprintf(stderr, "usage: feed_parse_bench DIR [--repeat N]   (N >= 1, default 5)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  int repeat = 5;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--repeat" && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else if (arg == "-h" || arg == "--help") return usage();
    else if (dir.empty() && !arg.starts_with("-")) dir = arg;
    else return usage();
  }
  if (dir.empty() || repeat < 1) return usage();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::fprintf(stderr, "feed_parse_bench: %s is not a folder\n", dir.c_str());
    return 1;
  }

  std::string error;
  const std::vector<Document> docs = read_documents(dir, error);
  if (!error.empty()) {
    std::fprintf(stderr, "feed_parse_bench: %s\n", error.c_str());
    return 1;
  }
  if (docs.empty()) {
    std::fprintf(stderr, "feed_parse_bench: no files in %s\n", dir.c_str());
    return 1;
  }
  size_t bytes = 0;
  for (const Document& d : docs) bytes += d.body.size();
  const double mb = static_cast<double>(bytes) / 1e6;
  std::printf("newsdesk parse_feed: %zu files, %.2f MB, %d passes\n", docs.size(), mb, repeat);

  std::vector<double> seconds;
  size_t items = 0, warnings = 0;
  for (int r = 0; r < repeat; ++r) {
    size_t pass_items = 0, pass_warnings = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const Document& d : docs) {
      auto feed = newsdesk::feed::parse_feed(d.body, d.base_url);
      if (!feed) {
        std::fprintf(stderr, "feed_parse_bench: %s does not parse: %s\n", d.name.c_str(), feed.error().message.c_str());
        return 1;
      }
      // Counting entries and warnings also keeps the parse observable.
      pass_items += feed->entries.size();
      pass_warnings += feed->warnings.size();
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    seconds.push_back(s);
    items = pass_items;
    warnings = pass_warnings;
    std::printf("repeat %d: files %zu items %zu MB %.2f seconds %.3f items/s %.0f MB/s %.2f\n", r + 1, docs.size(),
                pass_items, mb, s, static_cast<double>(pass_items) / s, mb / s);
    std::fflush(stdout);
  }

  const double med = median(seconds);
  const double items_per_s = static_cast<double>(items) / med;
  if (warnings > 0) std::printf("note: the feeds gave %zu warning(s) per pass (recovered, still counted)\n", warnings);
  std::printf("median: files %zu items %zu MB %.2f seconds %.3f items/s %.0f MB/s %.2f\n", docs.size(), items, mb, med,
              items_per_s, mb / med);
  std::printf("median items/s %.1f MB/s %.3f items %zu bytes %zu\n", items_per_s, mb / med, items, bytes);
  return 0;
}
