// Sending speed over SMTP (bench/mail/run drives it): N personalised copies
// of a 20-story edition (HTML + text, ~45 KB each, composed and spliced per
// reader as `newsdesk edition send` does) to Postfix's smtp-sink on
// 127.0.0.1, in batches of B per connection, pipelined. Prints copies/s for
// composing alone and for composing + sending, per pass and the median of 3.
//   smtp_bench PORT [COPIES] [BATCH]   (defaults 10000 and 100)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "edition/edition.hpp"
#include "mail/mime.hpp"
#include "mail/smtp.hpp"

namespace {

using Clock = std::chrono::steady_clock;

newsdesk::core::Edition make_edition() {
  newsdesk::core::Edition e;
  e.name = "Daily Headlines";
  e.date = "2026-11-29";
  for (int i = 0; i < 20; ++i) {
    newsdesk::core::EditionItem it;
    it.story_id = i + 1;
    it.headline = fmt::format("Navy and allies run a {}-day air defence drill off the northern coast", i + 3);
    it.summary = "Destroyers from three navies tested resupply at sea and missile defence in rough weather, officials "
                 "said. The exercise ends on Friday with a live-fire test.";
    it.url = fmt::format("https://outlet{}.example/2026/11/29/story-{}", i % 7, i);
    it.outlet = fmt::format("Outlet {}", i % 7);
    it.outlets = 2 + i % 9;
    it.section = "Top stories";
    for (int c = 0; c < 6; ++c) it.coverage.push_back({fmt::format("Other {}", c), "Coverage", fmt::format("https://other{}.example/{}", c, i), std::nullopt, false});
    e.items.push_back(it);
  }
  e.subject = newsdesk::edition::subject_line(e.name, e.items);
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: smtp_bench PORT [COPIES] [BATCH]\n");
    return 2;
  }
  int port = std::atoi(argv[1]);
  int copies = argc > 2 ? std::atoi(argv[2]) : 10000;
  int batch = argc > 3 ? std::atoi(argv[3]) : 100;
  auto edition = make_edition();
  newsdesk::core::EditionConfig config;
  newsdesk::edition::PersonalEdition personal(edition, config, "https://news.example/edition/2026-11-29");
  auto compose = [&](int i) {
    newsdesk::edition::Recipient r{"", fmt::format("https://news.example/unsubscribe?s={}&e=1", i),
                                   fmt::format("https://news.example/preferences?s={}", i)};
    newsdesk::mail::Message m;
    m.from = "Daily Headlines <headlines@news.example>";
    m.to = fmt::format("reader{}@reader.example", i);
    m.subject = edition.subject;
    m.message_id = fmt::format("edition-1-{}@news.example", i);
    m.unsubscribe_url = r.unsubscribe_url;
    m.text = personal.text(r);
    m.html = personal.html(r);
    return newsdesk::mail::Envelope{newsdesk::mail::verp_address("bounce", "news.example", i, 1), m.to,
                                    *newsdesk::mail::compose(m, std::to_string(i))};
  };
  newsdesk::mail::SmtpOptions relay;
  relay.port = port;
  relay.helo_name = "bench.test";
  relay.tls = newsdesk::mail::TlsMode::kNone;
  std::vector<double> composing, sending;
  size_t bytes = 0;
  for (int pass = 0; pass < 3; ++pass) {
    auto t0 = Clock::now();
    size_t sink = 0;
    for (int i = 0; i < copies; ++i) sink += compose(i).data.size();
    double composed_s = std::chrono::duration<double>(Clock::now() - t0).count();
    bytes = sink / static_cast<size_t>(copies);
    t0 = Clock::now();
    int sent = 0;
    for (int start = 0; start < copies; start += batch) {
      std::vector<newsdesk::mail::Envelope> envelopes;
      for (int i = start; i < std::min(copies, start + batch); ++i) envelopes.push_back(compose(i));
      auto outcomes = newsdesk::mail::smtp_send(relay, envelopes);
      if (!outcomes) {
        std::fprintf(stderr, "smtp_bench: %s\n", outcomes.error().message.c_str());
        return 1;
      }
      for (const auto& o : *outcomes) sent += o.kind == newsdesk::mail::SmtpOutcome::Kind::kSent ? 1 : 0;
    }
    double total_s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (sent != copies) {
      std::fprintf(stderr, "smtp_bench: only %d of %d copies accepted\n", sent, copies);
      return 1;
    }
    composing.push_back(copies / composed_s);
    sending.push_back(copies / total_s);
    std::printf("pass %d: composed %.0f copies/s, composed + sent %.0f copies/s\n", pass + 1, composing.back(), sending.back());
  }
  std::sort(composing.begin(), composing.end());
  std::sort(sending.begin(), sending.end());
  std::printf("\n%d copies (%zu bytes each, MIME, HTML + text) to smtp-sink on 127.0.0.1, %d per pipelined connection:\n"
              "  composed          %8.0f copies/s (median of 3)\n  composed + sent  %8.0f copies/s (median of 3)\n",
              copies, bytes, batch, composing[1], sending[1]);
  return 0;
}
