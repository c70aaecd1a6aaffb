// extract_parse_bench: how much of newsdesk's extraction time is libxml2's HTML
// parser and how much is ours (metadata, body heuristics, sanitising).
//
//   extract_parse_bench DIR [--repeat R]
//
// Reads every *.html in DIR into memory first (no disk I/O is timed), then times
// R passes (default 3) of (a) htmlReadMemory + xmlFreeDoc only and (b) the full
// newsdesk::extract::extract, each over all pages on one thread, and prints the
// median pass of each, documents/s, MB/s and (extract - parse) / parse, by wall
// time and by the thread's CPU time (which other processes on a busy machine do
// not inflate; the ratio is read from it).
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extract.hpp"

namespace {

struct Page {
  std::string name;
  std::string html;
};

std::vector<Page> read_pages(const std::filesystem::path& dir) {
  std::vector<Page> pages;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".html") continue;
    std::ifstream in(e.path(), std::ios::binary);
    pages.push_back({e.path().filename().string(),
                     std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>())});
  }
  std::sort(pages.begin(), pages.end(), [](const Page& a, const Page& b) { return a.name < b.name; });
  return pages;
}

double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

struct Timing {
  double wall_ms = 0;
  double cpu_ms = 0;  // this thread's CPU time
};

// What one call of `pass` takes.
template <class Pass>
Timing time_pass(Pass&& pass) {
  auto start = std::chrono::steady_clock::now();
  double cpu_start = thread_cpu_ms();
  pass();
  return {std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
          thread_cpu_ms() - cpu_start};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

constexpr int kParseOptions =
    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;

int usage() {
  std::fprintf(stderr, "usage: extract_parse_bench DIR [--repeat R]   (R >= 1, default 3)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  int repeat = 3;
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
    std::fprintf(stderr, "extract_parse_bench: %s is not a folder\n", dir.c_str());
    return 1;
  }

  const std::vector<Page> pages = read_pages(dir);
  if (pages.empty()) {
    std::fprintf(stderr, "extract_parse_bench: no *.html files in %s\n", dir.c_str());
    return 1;
  }
  double bytes = 0;
  for (const Page& p : pages) bytes += static_cast<double>(p.html.size());
  xmlInitParser();

  size_t parse_failures = 0, extract_failures = 0, text_bytes = 0;  // also keeps the work observable
  auto parse_pass = [&] {
    for (const Page& p : pages) {
      htmlDocPtr doc = htmlReadMemory(p.html.data(), static_cast<int>(p.html.size()), nullptr, "UTF-8", kParseOptions);
      if (doc) xmlFreeDoc(doc);
      else ++parse_failures;
    }
  };
  auto extract_pass = [&] {
    for (const Page& p : pages) {
      auto article = newsdesk::extract::extract(p.html, "", newsdesk::extract::Options{});
      if (article) text_bytes += article->text.size();
      else ++extract_failures;
    }
  };

  // Alternate the two so a slow spell of the machine hits both alike.
  std::vector<double> parse_ms, extract_ms, parse_cpu, extract_cpu;
  for (int r = 0; r < repeat; ++r) {
    Timing p = time_pass(parse_pass);
    Timing e = time_pass(extract_pass);
    parse_ms.push_back(p.wall_ms);
    parse_cpu.push_back(p.cpu_ms);
    extract_ms.push_back(e.wall_ms);
    extract_cpu.push_back(e.cpu_ms);
  }
  const double parse = median(parse_ms), extract = median(extract_ms);
  const double parse_c = median(parse_cpu), extract_c = median(extract_cpu);

  std::printf("pages: %zu, %.1f MB of HTML (1 MB = 10^6 bytes), %d passes each, median pass shown\n",
              pages.size(), bytes / 1e6, repeat);
  std::printf("%-34s %12s %10s %8s %12s\n", "", "ms/pass", "docs/s", "MB/s", "CPU ms/pass");
  auto row = [&](const char* what, double ms, double cpu) {
    std::printf("%-34s %12.1f %10.1f %8.2f %12.1f\n", what, ms, pages.size() / (ms / 1e3), bytes / 1e6 / (ms / 1e3),
                cpu);
  };
  row("parse only (htmlReadMemory+free)", parse, parse_c);
  row("full extract (extract::extract)", extract, extract_c);
  std::printf("heuristics cost per parse cost: %.2f by CPU time, %.2f by wall time  ((extract - parse) / parse)\n",
              (extract_c - parse_c) / parse_c, (extract - parse) / parse);
  std::printf("failures per pass: parse %zu, extract %zu; body text %zu bytes per pass\n",
              parse_failures / repeat, extract_failures / repeat, text_bytes / repeat);
  xmlCleanupParser();
  return 0;
}
