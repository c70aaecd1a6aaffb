// The store side of bench/send/run, which times `newsdesk send` processes (one
// on SQLite, one and two on PostgreSQL) against Postfix's smtp-sink:
//
//   send_bench prepare STORE COPIES
//     fills a fresh store (an SQLite file or a postgresql:// URL) as a desk's
//     would be at send time: a 26-story edition "Daily Headlines" of
//     2026-11-29 (stored as `edition build` stores it) and COPIES confirmed
//     subscribers, reader<i>@reader<i % 50>.example, and the desk's link
//     secret. No delivery is queued: `newsdesk send` queues them, as it does.
//
//   send_bench check STORE COPIES
//     after the send: the ledger holds exactly one delivery of the edition per
//     subscriber, every one 'sent' and with one attempt (a copy that two
//     senders took, or that went twice, would show two). Prints the counts;
//     exit 1 when anything is off.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include <fmt/format.h>

#include "core/time.hpp"
#include "edition/edition.hpp"
#include "store/store.hpp"

namespace {

namespace nd = newsdesk;

constexpr const char* kEditionName = "Daily Headlines";
constexpr const char* kEditionDate = "2026-11-29";

nd::core::Edition make_edition(int stories) {
  nd::core::Edition e;
  e.name = kEditionName;
  e.date = kEditionDate;
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
    // Coverage links are not kept by the store (edition_items has no place
    // for them): the copies `newsdesk send` mails carry none, so none here.
    e.items.push_back(it);
  }
  e.subject = nd::edition::subject_line(e.name, e.items);
  return e;
}

int fail(const std::string& what) {
  std::fprintf(stderr, "send_bench: %s\n", what.c_str());
  return 1;
}

int prepare(nd::store::Store& store, int copies) {
  const auto now = *nd::core::parse_rfc3339("2026-11-29T05:30:00Z");
  nd::core::Edition edition = make_edition(26);
  edition.built_at = now;
  auto stored = store.transaction([&]() -> nd::core::Result<void> {
    for (const auto& item : edition.items) {  // edition_items refer to stories
      nd::core::Story story;
      story.id = item.story_id;
      story.headline = item.headline;
      story.first_seen = story.last_updated = now;
      ND_TRY(store.stories().save(story));
    }
    ND_TRY(store.editions().save(edition, {"", "", "{}"}));
    for (int i = 0; i < copies; ++i) {
      ND_TRY_ASSIGN(sid, store.subscribers().add(fmt::format("reader{}@reader{}.example", i, i % 50), "", now));
      ND_TRY(store.subscribers().set_state(*sid, nd::core::SubscriberState::kConfirmed, now));
    }
    return {};
  });
  if (!stored) return fail(stored.error().message);
  auto secret = store.secret("links");  // a desk has had its secret since its first sign-up
  if (!secret) return fail(secret.error().message);
  std::printf("prepared: %d confirmed subscribers, an edition of %zu stories (%s, %s)\n", copies, edition.items.size(),
              kEditionName, kEditionDate);
  return 0;
}

int check(nd::store::Store& store, int copies) {
  auto edition = store.editions().by_date(kEditionName, kEditionDate);
  if (!edition) return fail(edition.error().message);
  if (!*edition) return fail("the edition is not in the store");
  const nd::core::Id id = (*edition)->id;
  auto counts = store.deliveries().counts(id);
  if (!counts) return fail(counts.error().message);
  auto sent = store.deliveries().in_state(id, nd::core::DeliveryState::kSent);
  if (!sent) return fail(sent.error().message);
  auto subscribers = store.subscribers().list(nd::core::SubscriberState::kConfirmed);
  if (!subscribers) return fail(subscribers.error().message);
  std::set<nd::core::Id> readers;
  for (const auto& s : *subscribers) readers.insert(s.id);
  std::set<nd::core::Id> got;
  size_t more_than_once = 0, strangers = 0;
  int max_attempts = 0;
  for (const auto& d : *sent) {
    if (!got.insert(d.subscriber_id).second) ++more_than_once;
    if (readers.count(d.subscriber_id) == 0) ++strangers;
    if (d.attempts != 1) ++more_than_once;
    max_attempts = std::max(max_attempts, d.attempts);
  }
  const auto& c = *counts;
  const size_t others = c.queued + c.sending + c.deferred + c.failed + c.bounced;
  const bool ok = readers.size() == static_cast<size_t>(copies) && got.size() == readers.size() && c.sent == got.size() &&
                  others == 0 && more_than_once == 0 && strangers == 0;
  std::printf("ledger: %zu sent to %zu of %zu subscribers, %zu not sent (%zu queued, %zu sending, %zu deferred, %zu failed), "
              "most attempts on a copy %d: %s\n",
              c.sent, got.size(), readers.size(), others, c.queued, c.sending, c.deferred, c.failed, max_attempts,
              ok ? "every subscriber's copy sent once" : "NOT every subscriber's copy sent exactly once");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc != 4 || (mode != "prepare" && mode != "check")) {
    std::fprintf(stderr, "usage: send_bench prepare|check STORE COPIES   (STORE: an SQLite file or a postgresql:// URL)\n");
    return 2;
  }
  const int copies = std::atoi(argv[3]);
  if (copies <= 0) return fail("COPIES must be a positive number");
  auto store = nd::store::open_store(argv[2]);
  if (!store) return fail(store.error().message);
  return mode == "prepare" ? prepare(**store, copies) : check(**store, copies);
}
