// Personalised copies of an edition (bench/edition/run drives it): the HTML
// and text of N readers' copies (greeting, one-click unsubscribe and
// preference links) rendered two ways on one core, side by side:
//   newsdesk  PersonalEdition: render once, splice each reader in;
//   per-copy  the same templates rendered from scratch for every reader
//             (what a mail-merge loop over Mustache does).
// Every copy is checked to be byte-identical between the two. Prints copies/s
// per pass and the median of 3 passes each, and the size of a copy.
//   edition_bench [COPIES] [STORIES]   (defaults 100000 and 20)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "edition/edition.hpp"

namespace {

using Clock = std::chrono::steady_clock;

newsdesk::core::Edition make_edition(int stories) {
  newsdesk::core::Edition e;
  e.name = "Daily Headlines";
  e.date = "2026-11-29";
  const char* sections[] = {"Top stories", "Top stories", "Top stories", "From our newsroom", "Developing"};
  for (int i = 0; i < stories; ++i) {
    newsdesk::core::EditionItem it;
    it.story_id = i + 1;
    it.headline = "Navy and allies run a " + std::to_string(i + 3) + "-day air defence drill off the northern coast";
    it.summary = "Destroyers from three navies tested resupply at sea and missile defence in rough weather, officials said. "
                 "The exercise ends on Friday with a live-fire test.";
    it.url = "https://outlet" + std::to_string(i % 7) + ".example/2026/11/29/story-" + std::to_string(i);
    it.outlet = "Outlet " + std::to_string(i % 7);
    it.outlets = 2 + i % 9;
    it.section = sections[i % 5];
    for (int c = 0; c < 8; ++c) {
      it.coverage.push_back({"Other outlet " + std::to_string(c), "Coverage " + std::to_string(c),
                             "https://other" + std::to_string(c) + ".example/news/" + std::to_string(i), std::nullopt, c == 7});
    }
    e.items.push_back(it);
  }
  e.subject = newsdesk::edition::subject_line(e.name, e.items);
  return e;
}

newsdesk::edition::Recipient reader(int i) {
  static const char* names[] = {"Ada", "", "Grace Hopper", "Amélie", "O'Neil"};
  std::string token = std::to_string(1000003u * static_cast<unsigned>(i) % 998244353u);
  return {names[i % 5], "https://desk.example/u/" + std::to_string(i) + "?t=" + token,
          "https://desk.example/p/" + std::to_string(i) + "?t=" + token};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int copies = argc > 1 ? std::atoi(argv[1]) : 100000;
  int stories = argc > 2 ? std::atoi(argv[2]) : 20;
  const auto edition = make_edition(stories);
  const newsdesk::core::EditionConfig config;
  const std::string web = "https://desk.example/edition/2026-11-29";
  size_t bytes = 0;
  std::vector<double> spliced, rendered;
  for (int pass = 0; pass < 3; ++pass) {
    auto t0 = Clock::now();
    newsdesk::edition::PersonalEdition personal(edition, config, web);
    size_t sink = 0;
    for (int i = 0; i < copies; ++i) {
      auto r = reader(i);
      sink += personal.html(r).size() + personal.text(r).size();
    }
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    spliced.push_back(copies / s);
    bytes = sink / static_cast<size_t>(copies);
    // The per-copy peer on a tenth of the copies (it is slow), and the check
    // that both give the same bytes.
    int peer_copies = std::max(1, copies / 10);
    t0 = Clock::now();
    size_t peer_sink = 0;
    for (int i = 0; i < peer_copies; ++i) {
      auto r = reader(i);
      newsdesk::edition::Links links{r.unsubscribe_url, r.preferences_url, web, newsdesk::edition::greeting_for(r.name)};
      peer_sink += newsdesk::edition::render_html(edition, config, links).size() +
                   newsdesk::edition::render_text(edition, config, links).size();
    }
    s = std::chrono::duration<double>(Clock::now() - t0).count();
    rendered.push_back(peer_copies / s);
    for (int i = 0; i < 50; ++i) {
      auto r = reader(i);
      newsdesk::edition::Links links{r.unsubscribe_url, r.preferences_url, web, newsdesk::edition::greeting_for(r.name)};
      if (personal.html(r) != newsdesk::edition::render_html(edition, config, links) ||
          personal.text(r) != newsdesk::edition::render_text(edition, config, links)) {
        std::fprintf(stderr, "edition_bench: copy %d differs between the two ways\n", i);
        return 1;
      }
    }
    std::printf("pass %d: spliced %.0f copies/s, rendered per copy %.0f copies/s\n", pass + 1, spliced.back(), rendered.back());
    (void)peer_sink;
  }
  std::printf("\n%d copies of a %d-story edition (HTML + text, %zu bytes a copy), one core:\n", copies, stories, bytes);
  std::printf("  newsdesk (render once, splice per reader)  %10.0f copies/s (median of 3)\n", median(spliced));
  std::printf("  per-copy Mustache rendering                %10.0f copies/s (median of 3)\n", median(rendered));
  std::printf("  ratio                                      %10.1fx\n", median(spliced) / median(rendered));
  return 0;
}
