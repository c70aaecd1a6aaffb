// Poller throughput (bench/poll/run drives it): fetch and parse N feeds from
// the loopback feed server spread over many hosts, politeness off, in batches
// as the poller takes them; prints feeds/s for fetching alone and for
// fetching + parsing, and the resident memory before and after, every batch.
//   poll_bench PORT HOSTS FEEDS [--batch N] [--concurrency N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "feed/feed.hpp"
#include "fetch/http_fetcher.hpp"

namespace {

double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * 4096.0 / (1024.0 * 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: poll_bench PORT HOSTS FEEDS [--batch N] [--concurrency N]\n");
    return 2;
  }
  int port = std::atoi(argv[1]);
  int hosts = std::atoi(argv[2]);
  int feeds = std::atoi(argv[3]);
  int batch = 1000, concurrency = 64;
  for (int i = 4; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--batch") batch = std::atoi(argv[i + 1]);
    else if (flag == "--concurrency") concurrency = std::atoi(argv[i + 1]);
  }
  newsdesk::core::FetchConfig config;
  config.allow_private_addresses = true;  // the bench server is on loopback
  config.per_domain_delay_ms = 0;         // politeness off, as the issue asks
  // Each host gets its share of the transfers (as many distinct sites would).
  config.per_domain_concurrency = std::max(1, concurrency / hosts);
  config.concurrency = concurrency;
  config.respect_robots = true;           // one robots.txt per host, cached
  auto fetcher = newsdesk::fetch::make_curl_fetcher(config);
  std::vector<std::string> urls;
  for (int i = 0; i < feeds; ++i) {
    urls.push_back("http://127.0.0." + std::to_string(1 + i % hosts) + ":" + std::to_string(port) + "/feed/" +
                   std::to_string(i) + ".xml");
  }
  std::printf("feeds %d over %d hosts, batches of %d, %d transfers at once\n", feeds, hosts, batch, concurrency);
  std::printf("%8s %10s %12s %14s %10s\n", "feeds", "fetch/s", "fetch+parse/s", "items parsed", "RSS MiB");
  double before = resident_mib();
  double fetch_seconds = 0, parse_seconds = 0;
  size_t bytes = 0, items = 0, failed = 0;
  for (int start = 0; start < feeds; start += batch) {
    std::vector<newsdesk::fetch::Request> requests;
    for (int i = start; i < std::min(feeds, start + batch); ++i) requests.push_back({urls[i], "", ""});
    auto t0 = std::chrono::steady_clock::now();
    auto responses = fetcher->fetch_all(requests);
    auto t1 = std::chrono::steady_clock::now();
    for (const auto& r : responses) {
      if (r.outcome != newsdesk::fetch::Outcome::kFetched) {
        ++failed;
        continue;
      }
      bytes += r.body.size();
      auto parsed = newsdesk::feed::parse_feed(r.body, r.final_url);
      if (parsed) items += parsed->entries.size();
      else ++failed;
    }
    auto t2 = std::chrono::steady_clock::now();
    fetch_seconds += std::chrono::duration<double>(t1 - t0).count();
    parse_seconds += std::chrono::duration<double>(t2 - t1).count();
    int done = std::min(feeds, start + batch);
    std::printf("%8d %10.0f %12.0f %14zu %10.1f\n", done, done / fetch_seconds, done / (fetch_seconds + parse_seconds),
                items, resident_mib());
  }
  double after = resident_mib();
  std::printf("total: %d feeds, %.1f MB, %zu failed; fetch %.0f feeds/s (%.0f MB/s), fetch+parse %.0f feeds/s; "
              "RSS before %.1f MiB, after %.1f MiB\n",
              feeds, bytes / 1e6, failed, feeds / fetch_seconds, bytes / 1e6 / fetch_seconds,
              feeds / (fetch_seconds + parse_seconds), before, after);
  return failed == 0 ? 0 : 1;
}
