#include "app/demo.hpp"

#include <csignal>
#include <cstdio>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/pipeline.hpp"
#include "core/clock.hpp"
#include "feed/feed.hpp"
#include "sampleweb/sample_web.hpp"
#include "store/store.hpp"
#include "web/server.hpp"

namespace newsdesk::app {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;  // set by Ctrl-C / SIGTERM

void on_interrupt(int) { g_interrupted = 1; }

core::Result<void> register_sources(store::Store& store, fetch::HttpFetcher& fetcher, const std::string& opml_url) {
  auto response = fetcher.fetch({opml_url, "", ""});
  if (response.outcome != fetch::Outcome::kFetched) {
    return core::fail(core::ErrorCode::kNetwork, fmt::format("{}: {}", opml_url, response.error));
  }
  auto outlines = feed::parse_opml(response.body);
  if (!outlines) return tl::unexpected(outlines.error());
  for (const auto& o : *outlines) {
    core::Source s;
    s.name = o.title;
    s.feed_url = o.feed_url;
    s.site_url = o.site_url;
    s.language = o.language;
    s.country = o.country;
    auto id = store.sources().add(s);
    if (!id) return tl::unexpected(id.error());
  }
  return {};
}

}  // namespace

core::Result<void> run_demo(core::Config config, const DemoOptions& options) {
  core::SystemClock clock;
  const core::TimePoint now = clock.now();
  // The sample web lives on 127.0.0.1: the demo allows loopback fetches.
  // It is one local server standing in for eight outlets, so the per-domain
  // politeness that protects real sites would only slow the demo down.
  config.fetch.allow_private_addresses = true;
  config.fetch.per_domain_delay_ms = 0;
  config.fetch.per_domain_concurrency = config.fetch.concurrency;

  auto sample = sampleweb::load_sample(options.sample_dir);
  if (!sample) return tl::unexpected(sample.error());
  auto fixture = sampleweb::FixtureServer::start(std::move(*sample), "127.0.0.1", options.fixture_port, now);
  if (!fixture) return tl::unexpected(fixture.error());
  std::printf("The sample news web (fiction) is at %s/\n", (*fixture)->base_url().c_str());

  std::error_code ec;
  std::filesystem::create_directories(options.work_dir, ec);
  auto db_path = options.work_dir / "newsdesk.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path.string() + suffix, ec);
  auto store = store::open_sqlite_store(db_path);
  if (!store) return tl::unexpected(store.error());
  auto fetcher = fetch::make_curl_fetcher(config.fetch);

  if (auto r = register_sources(**store, *fetcher, (*fixture)->opml_url()); !r) return r;
  auto polled = poll_feeds(**store, *fetcher, config.poll, now, /*all=*/true);
  if (!polled) return tl::unexpected(polled.error());
  auto fetched = fetch_articles(**store, *fetcher, config, now);
  if (!fetched) return tl::unexpected(fetched.error());
  auto clustered = cluster_articles(**store, config.cluster, now);
  if (!clustered) return tl::unexpected(clustered.error());
  auto built = build_edition(**store, config, now);
  if (!built) return tl::unexpected(built.error());
  if (auto w = write_edition_files(*built, options.out_dir); !w) return w;

  std::printf("\n%zu feeds polled (%zu failed), %zu entries; %zu pages fetched, %zu articles (%zu failed);\n"
              "%zu stories found, %zu wire copies recognised.\n\n",
              polled->feeds, polled->failed, polled->new_entries, fetched->pages, fetched->articles, fetched->failed,
              clustered->new_stories, clustered->copies);
  std::printf("%s\n\n", built->edition.subject.c_str());
  std::printf("%s\n", format_story_table(*built).c_str());
  std::printf("The edition is in %s (edition.html, edition.txt, edition.json, edition.eml).\n",
              options.out_dir.string().c_str());
  std::fflush(stdout);
  if (options.once) return {};

  auto server = web::SiteServer::start(config, std::move(*store));
  if (!server) return tl::unexpected(server.error());
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::printf("Serving today's headlines at %s/ (Ctrl-C to stop)\n", (*server)->base_url().c_str());
  std::fflush(stdout);
  while (g_interrupted == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*server)->stop();
  std::printf("Stopped.\n");
  return {};
}

}  // namespace newsdesk::app
