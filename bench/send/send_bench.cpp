// Sending speed and memory (bench/send/run drives it): N personalised,
// DKIM-signed copies of a ~60 KB edition sent by `send_edition` itself (the
// delivery ledger in a real SQLite file, a pool of pipelined SMTP sessions)
// to Postfix's smtp-sink on 127.0.0.1. Prints copies/s, the average copy
// size and the process's peak memory; the run script puts smtp-source's
// figures beside them.
//   send_bench PORT [COPIES] [CONNECTIONS] [KEY]   (defaults 100000, 4, rsa; KEY: rsa, ed25519 or none)
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "app/sender.hpp"
#include "core/clock.hpp"
#include "core/time.hpp"
#include "edition/edition.hpp"
#include "mail/dkim.hpp"
#include "store/store.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace nd = newsdesk;

nd::core::Edition make_edition(int stories) {
  nd::core::Edition e;
  e.name = "Daily Headlines";
  e.date = "2026-11-29";
  for (int i = 0; i < stories; ++i) {
    nd::core::EditionItem it;
    it.story_id = i + 1;
    it.headline = fmt::format("Navy and allies run a {}-day air defence drill off the northern coast", i + 3);
    it.summary = "Destroyers from three navies tested resupply at sea and missile defence in rough weather, officials "
                 "said. The exercise ends on Friday with a live-fire test.";
    it.url = fmt::format("https://outlet{}.example/2026/11/29/story-{}", i % 7, i);
    it.outlet = fmt::format("Outlet {}", i % 7);
    it.outlets = 2 + i % 9;
    it.section = "Top stories";
    for (int c = 0; c < 6; ++c) {
      it.coverage.push_back({fmt::format("Other {}", c), "Coverage", fmt::format("https://other{}.example/{}", c, i), std::nullopt, false});
    }
    e.items.push_back(it);
  }
  e.subject = nd::edition::subject_line(e.name, e.items);
  return e;
}

double peak_mib() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: send_bench PORT [COPIES] [CONNECTIONS] [rsa|ed25519|none]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int copies = argc > 2 ? std::atoi(argv[2]) : 100000;
  const int connections = argc > 3 ? std::atoi(argv[3]) : 4;
  const std::string key = argc > 4 ? argv[4] : "rsa";
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("newsdesk-send-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};

  auto store = nd::store::open_sqlite_store(dir / "desk.db");
  if (!store) {
    std::fprintf(stderr, "send_bench: %s\n", store.error().message.c_str());
    return 1;
  }
  const auto now = *nd::core::parse_rfc3339("2026-11-29T06:00:00Z");
  nd::core::Config config;
  config.edition.from = "Daily Headlines <headlines@news.example>";
  config.edition.site_url = "https://news.example";
  nd::core::RelayConfig relay;
  relay.name = "smtp-sink";
  relay.port = port;
  relay.tls = "none";
  relay.connections = connections;
  relay.messages_per_connection = 1000000;
  config.mail.relays.push_back(relay);
  if (key != "none") {
    auto generated = nd::mail::generate_dkim_key(key == "ed25519" ? nd::mail::DkimAlgorithm::kEd25519Sha256 : nd::mail::DkimAlgorithm::kRsaSha256);
    if (!generated) {
      std::fprintf(stderr, "send_bench: %s\n", generated.error().message.c_str());
      return 1;
    }
    config.mail.dkim_key_pem = generated->private_pem;
    config.mail.dkim_domain = "news.example";
    config.mail.dkim_selector = "bench";
  }
  nd::core::Edition edition = make_edition(26);
  for (const auto& item : edition.items) {  // edition_items refer to stories
    nd::core::Story story;
    story.id = item.story_id;
    story.headline = item.headline;
    story.first_seen = story.last_updated = now;
    if (!(*store)->stories().save(story)) return 1;
  }
  auto id = (*store)->editions().save(edition, {"", "", "{}"});
  if (!id) {
    std::fprintf(stderr, "send_bench: %s\n", id.error().message.c_str());
    return 1;
  }
  edition.id = *id;
  auto added = (*store)->transaction([&]() -> nd::core::Result<void> {
    for (int i = 0; i < copies; ++i) {
      ND_TRY_ASSIGN(sid, (*store)->subscribers().add(fmt::format("reader{}@reader{}.example", i, i % 50), "", now));
      ND_TRY((*store)->subscribers().set_state(*sid, nd::core::SubscriberState::kConfirmed, now));
    }
    return {};
  });
  if (!added) {
    std::fprintf(stderr, "send_bench: %s\n", added.error().message.c_str());
    return 1;
  }
  const double setup_mib = peak_mib();
  auto t0 = Clock::now();
  auto report = nd::app::send_edition(**store, config, edition, nd::core::SystemClock());
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!report) {
    std::fprintf(stderr, "send_bench: %s\n", report.error().message.c_str());
    return 1;
  }
  if (report->sent != static_cast<size_t>(copies)) {
    std::fprintf(stderr, "send_bench: only %zu of %d copies were sent (%zu deferred, %zu failed)\n", report->sent, copies,
                 report->deferred, report->failed);
    return 1;
  }
  std::printf("newsdesk send:  %d copies (DKIM %s) over %d connections in %.2f s: %.0f copies/s, %.1f KB a copy, "
              "peak memory %.1f MiB (%.1f MiB before sending)\n",
              copies, key.c_str(), connections, seconds, copies / seconds,
              static_cast<double>(report->bytes) / static_cast<double>(report->sent) / 1024.0, peak_mib(), setup_mib);
  std::printf("copy_bytes=%zu rate=%.1f peak_mib=%.1f\n", report->bytes / report->sent, copies / seconds, peak_mib());
  return 0;
}
