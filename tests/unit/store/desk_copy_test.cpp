// Copying a whole desk between backends (store/desk_copy): an SQLite desk
// holding one of everything goes to PostgreSQL and back to a second SQLite
// file, and what the repositories return is the same on all three. Runs on
// the tests' PostgreSQL server (ctest's postgresql fixture).
#include "store/desk_copy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/signed_link.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "test_store.hpp"

using namespace newsdesk;

namespace {

core::TimePoint at(const char* iso) { return *core::parse_rfc3339(iso); }

std::string when(const std::optional<core::TimePoint>& t) {
  return t ? std::to_string(t->time_since_epoch().count()) : "-";
}
std::string when(core::TimePoint t) { return std::to_string(t.time_since_epoch().count()); }
template <class T>
std::string maybe(const std::optional<T>& v) {
  return v ? fmt::format("{}", *v) : "-";
}

// The value of a read (a default one, with a failure, on error). By value,
// so that a range-for over it keeps it alive.
template <class T>
T got(core::Result<T> r) {
  EXPECT_TRUE(r) << r.error().message;
  return r ? std::move(*r) : T{};
}

// The ids the filled desk holds, for reading it back.
struct Filled {
  std::vector<core::Id> sources, articles, stories, subscribers;
  core::Id edition = 0;
  std::string links_secret;
  std::string unsubscribe_token;  // signed before the move
};

std::unique_ptr<store::Store> open(const std::string& location) {
  auto s = store::open_store(location);
  EXPECT_TRUE(s) << s.error().message;
  return s ? std::move(*s) : nullptr;
}

#define OK(expr)                                          \
  do {                                                    \
    auto ok_result = (expr);                              \
    ASSERT_TRUE(ok_result) << ok_result.error().message; \
  } while (0)

// One of everything, written through the repositories as the desk writes it.
void fill(store::Store& s, Filled& f) {
  core::Source own{0, "Own Desk", "http://own.example/feed", "http://own.example/", "GB", "en", 2.5, true, "headline"};
  core::Source wire{0, "Wire", "http://wire.example/feed", "", "", "en", 1.0, false};
  core::Source down{0, "Down", "http://down.example/feed", "", "FR", "fr", 0.75, false};
  for (const auto& src : {own, wire, down}) {
    auto id = s.sources().add(src);
    ASSERT_TRUE(id) << id.error().message;
    f.sources.push_back(*id);
  }
  core::FeedState healthy;
  healthy.etag = "\"v7\"";
  healthy.last_modified = "Sun, 29 Nov 2026 10:00:00 GMT";
  healthy.last_polled = healthy.last_success = at("2026-11-29T10:00:00Z");
  healthy.next_poll = at("2026-11-29T10:30:00Z");
  healthy.items_per_day = 12.25;
  healthy.polls = 40;
  OK(s.feeds().save_state(f.sources[0], healthy));
  core::FeedState failing;
  failing.last_polled = at("2026-11-29T10:05:00Z");
  failing.last_error = "Could not resolve host";
  failing.last_error_class = "dns";
  failing.consecutive_failures = 4;
  failing.failing_since = at("2026-11-26T09:00:00Z");
  failing.next_poll = at("2026-11-29T14:00:00Z");
  OK(s.feeds().save_state(f.sources[2], failing));

  // Stories 1..3; 3 is merged into 1 (an older story), 2 into nothing.
  OK(s.stories().save(core::Story{1, "Navy commissions a frigate", at("2026-11-28T09:00:00Z"),
                                  at("2026-11-29T09:00:00Z"), {}}));
  OK(s.stories().save(core::Story{2, "Harbour strike", at("2026-11-29T07:00:00Z"), at("2026-11-29T08:00:00Z"), {}}));
  OK(s.stories().save(core::Story{3, "Frigate sails", at("2026-11-29T08:30:00Z"), at("2026-11-29T09:30:00Z"), {}}));

  auto article = [&](core::Id source, const std::string& slug, const std::string& title, const std::string& text) {
    core::Article a;
    a.source_id = source;
    a.url = "http://outlet.example/" + slug + "?utm=x";
    a.canonical_url = "http://outlet.example/" + slug;
    a.title = title;
    a.authors = {"A. Writer", "B. Writer"};
    a.published = at("2026-11-29T09:00:00Z");
    a.published_offset = 60;
    a.modified = at("2026-11-29T09:10:00Z");
    a.fetched = at("2026-11-29T09:20:00Z");
    a.language = "en";
    a.site_name = "Outlet";
    a.description = "About " + title;
    a.image_url = "http://outlet.example/" + slug + ".jpg";
    a.image_caption = "A caption";
    a.image_credit = "Jane Doe / Outlet";
    a.access = core::Access::kTeaser;
    a.text = text;
    a.html = "<p>" + text + "</p>";
    a.page_type = core::PageType::kLiveblog;
    a.page_type_confidence = 0.875;
    auto added = s.articles().add(a);
    EXPECT_TRUE(added) << added.error().message;
    f.articles.push_back(added ? added->id : 0);
  };
  article(f.sources[0], "frigate", "Navy commissions frigate Resolute", "The navy commissioned the frigate.\nCrowds.");
  article(f.sources[1], "frigate-wire", "Navy commissions frigate Resolute", "The navy commissioned the frigate.");
  article(f.sources[1], "strike", "Dockers strike at the harbour", "Dockers walked out at dawn.");
  article(f.sources[0], "sails", "Résolute sails for the Zürich café", "The frigate left port.");
  article(f.sources[2], "unclustered", "Not clustered yet", "Waiting for the clusterer.");
  // The wire copy points at an article written after it: a self-reference
  // the copy must set once both rows are in.
  OK(s.articles().assign(f.articles[0], 1, std::nullopt));
  OK(s.articles().assign(f.articles[1], 1, f.articles[3]));
  OK(s.articles().assign(f.articles[2], 2, std::nullopt));
  OK(s.articles().assign(f.articles[3], 3, std::nullopt));
  OK(s.stories().merge(3, 1));
  f.stories = {1, 2, 3};
  OK(s.articles().set_relevance(f.articles[0], "military", 0.75));
  OK(s.articles().set_relevance(f.articles[0], "economy", 0.125));
  OK(s.articles().set_relevance(f.articles[2], "economy", 0.5));

  // Entries in each state.
  for (const char* guid : {"g-new", "g-fetched", "g-failed", "g-skipped"}) {
    core::FeedEntry e;
    e.guid = guid;
    e.url = std::string("http://outlet.example/") + guid;
    e.title = std::string("Entry ") + guid;
    e.summary = "<p>summary</p>";
    e.authors = {"A. Writer"};
    e.published = at("2026-11-29T08:00:00Z");
    e.image = "http://outlet.example/i.jpg";
    e.enclosures.push_back({"http://outlet.example/v.mp4", "video/mp4", 1234});
    auto added = s.entries().upsert(f.sources[0], e);
    ASSERT_TRUE(added) << added.error().message;
  }
  auto pending = s.entries().pending(10);
  ASSERT_TRUE(pending) << pending.error().message;
  ASSERT_EQ(pending->size(), 4u);
  OK(s.entries().mark((*pending)[1].id, store::EntryState::kFetched, "", f.articles[0]));
  OK(s.entries().mark((*pending)[2].id, store::EntryState::kFailed, "http status 500", std::nullopt));
  OK(s.entries().mark((*pending)[3].id, store::EntryState::kSkipped, "an index page", std::nullopt));

  // An edition with its rendered forms, items and the editor's edit.
  core::Edition e;
  e.name = "Daily Headlines";
  e.date = "2026-11-29";
  e.built_at = at("2026-11-29T06:00:00Z");
  e.subject = "Daily Headlines: Navy commissions a frigate";
  for (core::Id story : {1, 2}) {
    core::EditionItem item;
    item.story_id = story;
    item.headline = fmt::format("Headline {}", story);
    item.summary = "Summary.";
    item.url = fmt::format("http://outlet.example/{}", story);
    item.outlet = "Outlet";
    item.score = 0.1 + static_cast<double>(story);
    item.outlets = static_cast<int>(story) + 1;
    item.section = "Top";
    e.items.push_back(item);
  }
  auto edition = s.editions().save(e, {"<html>edition</html>", "Daily Headlines\n1. Headline 1", "{\"items\":2}"});
  ASSERT_TRUE(edition) << edition.error().message;
  f.edition = *edition;
  OK(s.editions().add_edit(core::EditionEdit{0, "Daily Headlines", "2026-11-29", core::EditionEdit::Action::kRetitle,
                                             1, 0, "A better headline", "editor", at("2026-11-29T05:00:00Z")}));

  // Subscribers in each state, with preferences and consents.
  const char* addresses[] = {"pending@example.com", "confirmed@example.com", "gone@example.com", "bounced@example.com",
                             "deferred@example.com", "failed@example.com"};
  for (const char* address : addresses) {
    auto id = s.subscribers().add(address, "Europe/Berlin", at("2026-11-28T06:00:00Z"));
    ASSERT_TRUE(id) << id.error().message;
    f.subscribers.push_back(*id);
    OK(s.subscribers().add_consent({*id, "signup", at("2026-11-28T06:00:00Z"), "192.0.2.7", "form-v2", ""}));
  }
  for (size_t i = 1; i < f.subscribers.size(); ++i) {
    OK(s.subscribers().set_state(f.subscribers[i], core::SubscriberState::kConfirmed, at("2026-11-28T06:10:00Z")));
    OK(s.subscribers().add_consent({f.subscribers[i], "confirm", at("2026-11-28T06:10:00Z"), "192.0.2.7", "", "link"}));
  }
  OK(s.subscribers().set_preferences(f.subscribers[1], {"Daily Headlines", "Weekly"}, "Europe/Paris", false,
                                     at("2026-11-28T07:00:00Z")));
  OK(s.subscribers().set_state(f.subscribers[2], core::SubscriberState::kUnsubscribed, at("2026-11-28T08:00:00Z")));
  OK(s.subscribers().add_consent({f.subscribers[2], "unsubscribe", at("2026-11-28T08:00:00Z"), "", "", "one-click"}));
  OK(s.subscribers().add_hard_bounce(f.subscribers[3], 1, at("2026-11-28T09:00:00Z")));
  OK(s.subscribers().set_preferences(f.subscribers[5], {}, "", true, at("2026-11-28T07:00:00Z")));

  // The ledger: sent, deferred (with its retry time), failed, queued, a lease.
  OK(s.deliveries().enqueue(f.edition, {f.subscribers[1], f.subscribers[4], f.subscribers[5], f.subscribers[3]},
                            at("2026-11-29T06:30:00Z")));
  OK(s.deliveries().set_state(f.edition, f.subscribers[1], core::DeliveryState::kSending, "", at("2026-11-29T06:31:00Z")));
  OK(s.deliveries().set_state(f.edition, f.subscribers[1], core::DeliveryState::kSent, "250 ok", at("2026-11-29T06:31:01Z"),
                              std::nullopt, "relay-a"));
  OK(s.deliveries().set_state(f.edition, f.subscribers[4], core::DeliveryState::kSending, "", at("2026-11-29T06:31:00Z")));
  OK(s.deliveries().set_state(f.edition, f.subscribers[4], core::DeliveryState::kDeferred, "451 try later",
                              at("2026-11-29T06:31:02Z"), at("2026-11-29T07:31:02Z"), "relay-b"));
  OK(s.deliveries().set_state(f.edition, f.subscribers[5], core::DeliveryState::kSending, "", at("2026-11-29T06:31:00Z")));
  OK(s.deliveries().set_state(f.edition, f.subscribers[5], core::DeliveryState::kFailed, "550 no such user",
                              at("2026-11-29T06:31:03Z"), std::nullopt, "relay-a"));
  // A sender's claim on the deferred copy, come due again.
  auto claimed = s.deliveries().claim_due(
      f.edition, {"old-host:42:send-1", at("2026-11-29T07:31:02Z"), at("2026-11-29T07:33:02Z")}, 10);
  ASSERT_TRUE(claimed) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 1u);

  // A bounce, its raw message in bytes that are not text.
  store::BounceRecord bounce;
  bounce.source = "1700000000.M1P2.mx";
  bounce.received_at = at("2026-11-29T07:00:00Z");
  bounce.kind = "hard";
  bounce.subscriber_id = f.subscribers[3];
  bounce.edition_id = f.edition;
  bounce.recipient = "bounced@example.com";
  bounce.status = "5.1.1";
  bounce.detail = "user unknown";
  bounce.raw = std::string("From: MAILER-DAEMON\r\n\r\n\xff\xfe binary \x01 body", 40);
  OK(s.bounces().add(bounce));

  auto secret = s.secret("links");
  ASSERT_TRUE(secret) << secret.error().message;
  f.links_secret = *secret;
  f.unsubscribe_token = core::sign_link(*secret, {"unsubscribe", f.subscribers[1], f.edition, 0});
}

// What the repositories say about the desk, one fact a line, so that two
// desks compare as text (and a difference shows as the line that differs).
std::string describe(store::Store& s, const Filled& f) {
  std::string out;
  auto line = [&](const std::string& text) { out += text + "\n"; };
  for (const auto& src : got(s.sources().list())) {
    line(fmt::format("source {} {} {} {} {} {} {} {} {}", src.id, src.name, src.feed_url, src.site_url, src.country,
                     src.language, src.weight, src.own, src.excerpt));
    auto st = got(s.feeds().state(src.id));
    line(fmt::format("  feed {} {} {} {} {} {} {} {} {} {} {} {}", st.etag, st.last_modified, when(st.last_polled),
                     when(st.last_success), st.last_error, st.last_error_class, st.consecutive_failures,
                     when(st.failing_since), when(st.next_poll), st.items_per_day, st.polls, st.gone));
  }
  for (auto state : {store::EntryState::kNew, store::EntryState::kFetched, store::EntryState::kFailed,
                     store::EntryState::kSkipped}) {
    line(fmt::format("entries in state {}: {}", static_cast<int>(state), got(s.entries().count(state))));
  }
  for (const auto& e : got(s.entries().pending(10))) {
    line(fmt::format("pending entry {} {} {} {} {}", e.id, e.source_id, e.entry.guid, e.entry.title, e.entry.url));
  }
  for (const auto& v : got(s.entries().videos_for_story(1))) line(fmt::format("video {} {}", v.url, v.type));
  for (core::Id id : f.articles) {
    auto a = *got(s.articles().get(id));
    line(fmt::format("article {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}", a.id, a.source_id, a.url, a.canonical_url,
                     a.title, fmt::join(a.authors, "|"), when(a.published), maybe(a.published_offset),
                     when(a.modified), when(a.fetched), a.language, a.site_name, a.description, a.image_url,
                     a.image_caption));
    line(fmt::format("  {} | {} | {} {} | story {} copy of {} | {} | {}", a.text, a.html, core::to_string(a.page_type),
                     a.page_type_confidence, maybe(a.story_id), maybe(a.copy_of), core::to_string(a.access),
                     a.image_credit));
  }
  line(fmt::format("articles {}, unclustered {}", got(s.articles().count()), s.articles().unclustered()->size()));
  for (const char* beat : {"military", "economy"}) {
    auto rank_rows = got(s.articles().rank_rows(at("2026-11-01T00:00:00Z"), beat));
    std::sort(rank_rows.begin(), rank_rows.end(), [](const auto& a, const auto& b) { return a.article_id < b.article_id; });
    for (const auto& r : rank_rows) {  // in no promised order
      line(fmt::format("rank {} {} {} {} {} {}", beat, r.article_id, r.story_id, r.source_id, maybe(r.copy_of),
                       maybe(r.relevance)));
    }
  }
  for (core::Id id : f.stories) {
    auto story = *got(s.stories().get(id));
    line(fmt::format("story {} -> {} {} {} {} [{}]", id, story.id, story.headline, when(story.first_seen),
                     when(story.last_updated), fmt::join(story.article_ids, ",")));
  }
  for (const auto& story : got(s.stories().updated_since(at("2026-11-01T00:00:00Z")))) line(fmt::format("live story {}", story.id));
  line(fmt::format("max story id {}", got(s.stories().max_id())));
  auto edition = *got(s.editions().latest("Daily Headlines"));
  line(fmt::format("edition {} {} {} {} {}", edition.id, edition.name, edition.date, when(edition.built_at),
                   edition.subject));
  for (const auto& it : edition.items) {
    line(fmt::format("  item {} {} {} {} {} {} {} {}", it.story_id, it.headline, it.summary, it.url, it.outlet, it.score,
                     it.outlets, it.section));
  }
  auto rendered = *got(s.editions().rendered(edition.id));
  line(fmt::format("  rendered {} | {} | {}", rendered.html, rendered.text, rendered.json));
  for (const auto& e : got(s.editions().edits("Daily Headlines", "2026-11-29"))) {
    line(fmt::format("  edit {} {} {} {} {} {}", e.id, core::to_string(e.action), e.story_id, e.title, e.editor, when(e.at)));
  }
  for (const auto& sent : got(s.editions().sent_before("Daily Headlines", "2026-11-30"))) {
    line(fmt::format("  sent story {} {} {}", sent.story_id, sent.date, sent.outlets));
  }
  for (const auto& sub : got(s.subscribers().list(std::nullopt))) {
    line(fmt::format("subscriber {} {} {} {} {} {} [{}] {}", sub.id, sub.email, core::to_string(sub.state), sub.time_zone,
                     when(sub.created_at), when(sub.confirmed_at), fmt::join(sub.editions, ","), sub.paused));
    for (const auto& c : got(s.subscribers().consents(sub.id))) {
      line(fmt::format("  consent {} {} {} {} {}", c.action, when(c.at), c.ip, c.form_version, c.detail));
    }
    for (const auto& b : got(s.bounces().for_subscriber(sub.id))) {
      line(fmt::format("  bounce {} {} {} {} {} {} {} {} raw {}", b.source, when(b.received_at), b.kind,
                       maybe(b.subscriber_id), maybe(b.edition_id), b.recipient, b.status, b.detail,
                       core::sha256_hex(b.raw)));
    }
  }
  auto counts = got(s.deliveries().counts(f.edition));
  line(fmt::format("ledger queued {} sending {} sent {} deferred {} failed {} bounced {} next retry {}", counts.queued,
                   counts.sending, counts.sent, counts.deferred, counts.failed, counts.bounced, when(counts.next_retry)));
  for (auto state : {core::DeliveryState::kSent, core::DeliveryState::kDeferred, core::DeliveryState::kFailed,
                     core::DeliveryState::kQueued}) {
    for (const auto& d : got(s.deliveries().in_state(f.edition, state))) {
      line(fmt::format("  delivery {} {} {} {} {} {}", d.edition_id, d.subscriber_id, core::to_string(d.state), d.attempts,
                       d.last_error, when(d.updated_at)));
    }
  }
  for (const auto& d : got(s.deliveries().due(f.edition, 0, 10, at("2026-11-29T08:00:00Z")))) {
    line(fmt::format("  due {} {} {} {}", d.subscriber_id, d.email, d.attempts, when(d.first_attempt_at)));
  }
  line(fmt::format("copies held by [{}]", fmt::join(got(s.deliveries().holders(f.edition, at("2026-11-29T07:32:00Z"))), ",")));
  line(fmt::format("copies claimable [{}]",
                   got(s.deliveries().claim_due(f.edition, {"probe", at("2026-11-29T07:32:00Z"), at("2026-11-29T07:32:01Z")}, 10))
                       .size()));
  line(fmt::format("links secret {}", got(s.secret("links"))));
  for (const char* query : {"frigate", "zurich cafe", "dockers"}) {
    auto found = got(s.search().search(query, 10, 0));
    std::vector<core::Id> ids;
    for (const auto& hit : found.hits) ids.push_back(hit.article_id);
    std::sort(ids.begin(), ids.end());
    line(fmt::format("search {}: {} [{}]", query, found.total, fmt::join(ids, ",")));
  }
  return out;
}

class DeskCopy : public ::testing::Test {
 protected:
  std::unique_ptr<test_support::ScratchDatabase> scratch(const std::string& backend) {
    auto made = test_support::ScratchDatabase::create(backend);
    EXPECT_TRUE(made) << made.error().message;
    return made ? std::move(*made) : nullptr;
  }
};

TEST_F(DeskCopy, SqliteToPostgresqlAndBackKeepsEveryIdStoryLedgerAndTheLinkSecret) {
  auto first = scratch("sqlite");
  auto server = scratch("postgresql");
  auto second = scratch("sqlite");
  ASSERT_TRUE(first && server && second);
  Filled f;
  {
    auto s = open(first->location());
    ASSERT_TRUE(s);
    fill(*s, f);
    if (HasFatalFailure()) return;
  }
  std::string original;
  {
    auto s = open(first->location());
    original = describe(*s, f);
  }
  ASSERT_NE(original.find("story 3 -> 1"), std::string::npos) << original;

  std::vector<std::string> heard;
  auto there = store::copy_desk(first->location(), server->location(),
                                [&](const store::CopyProgress& p) { heard.emplace_back(p.table); });
  ASSERT_TRUE(there) << there.error().message;
  auto back = store::copy_desk(server->location(), second->location());
  ASSERT_TRUE(back) << back.error().message;

  auto on_server = open(server->location());
  auto on_second = open(second->location());
  ASSERT_TRUE(on_server && on_second);
  EXPECT_EQ(describe(*on_server, f), original);
  EXPECT_EQ(describe(*on_second, f), original);

  // The report names every table with the rows it holds, the same both ways.
  ASSERT_EQ(there->tables.size(), back->tables.size());
  auto rows = [&](const std::string& table) {
    for (const auto& t : there->tables) {
      if (t.table == table) return t.rows;
    }
    return std::int64_t{-1};
  };
  EXPECT_EQ(rows("sources"), 3);
  EXPECT_EQ(rows("articles"), 5);
  EXPECT_EQ(rows("stories"), 3);
  EXPECT_EQ(rows("feed_entries"), 4);
  EXPECT_EQ(rows("subscribers"), 6);
  EXPECT_EQ(rows("deliveries"), 4);
  EXPECT_EQ(rows("bounces"), 1);
  EXPECT_EQ(rows("settings"), 1);
  for (size_t i = 0; i < there->tables.size(); ++i) {
    EXPECT_EQ(there->tables[i].table, back->tables[i].table);
    EXPECT_EQ(there->tables[i].rows, back->tables[i].rows) << there->tables[i].table;
  }
  EXPECT_NE(std::find(heard.begin(), heard.end(), "articles"), heard.end()) << "progress after each table";

  // A link signed before the move still verifies after it.
  for (auto* s : {on_server.get(), on_second.get()}) {
    auto secret = s->secret("links");
    ASSERT_TRUE(secret);
    EXPECT_EQ(*secret, f.links_secret);
    auto claims = core::verify_link(*secret, "unsubscribe", f.unsubscribe_token, at("2026-12-01T00:00:00Z"));
    ASSERT_TRUE(claims);
    EXPECT_EQ(claims->subscriber, f.subscribers[1]);
  }
}

TEST_F(DeskCopy, NewRowsAfterTheCopyGetFreshIds) {
  auto first = scratch("sqlite");
  auto server = scratch("postgresql");
  ASSERT_TRUE(first && server);
  Filled f;
  {
    auto s = open(first->location());
    ASSERT_TRUE(s);
    fill(*s, f);
    if (HasFatalFailure()) return;
  }
  ASSERT_TRUE(store::copy_desk(first->location(), server->location()));
  auto s = open(server->location());
  ASSERT_TRUE(s);
  auto source = s->sources().add(core::Source{0, "New", "http://new.example/feed", "", "", "", 1.0, false});
  ASSERT_TRUE(source) << source.error().message << " (the sequence was not moved past the copied ids)";
  EXPECT_GT(*source, f.sources.back());
  core::Article a;
  a.source_id = *source;
  a.url = a.canonical_url = "http://new.example/1";
  a.title = "After the move";
  auto article = s->articles().add(a);
  ASSERT_TRUE(article) << article.error().message;
  EXPECT_TRUE(article->inserted);
  EXPECT_GT(article->id, f.articles.back());
  auto subscriber = s->subscribers().add("new@example.com", "", at("2026-11-30T06:00:00Z"));
  ASSERT_TRUE(subscriber) << subscriber.error().message;
  EXPECT_GT(*subscriber, f.subscribers.back());
  OK(s->subscribers().add_consent({*subscriber, "signup", at("2026-11-30T06:00:00Z"), "", "", ""}));
  EXPECT_EQ(s->subscribers().consents(*subscriber)->size(), 1u);
  core::Edition e;
  e.name = "Daily Headlines";
  e.date = "2026-11-30";
  e.subject = "Next day";
  auto edition = s->editions().save(e, {"h", "t", "j"});
  ASSERT_TRUE(edition) << edition.error().message;
  EXPECT_GT(*edition, f.edition);
  auto edit = s->editions().add_edit(core::EditionEdit{0, "Daily Headlines", "2026-11-30", core::EditionEdit::Action::kDrop,
                                                       2, 0, "", "editor", at("2026-11-30T05:00:00Z")});
  ASSERT_TRUE(edit) << edit.error().message;
  EXPECT_GT(*edit, 1);
  store::BounceRecord bounce;
  bounce.source = "another-message";
  bounce.kind = "soft";
  bounce.raw = "raw";
  auto bounce_id = s->bounces().add(bounce);
  ASSERT_TRUE(bounce_id) << bounce_id.error().message;
  EXPECT_GT(*bounce_id, 1);
  EXPECT_TRUE(s->entries().upsert(f.sources[1], core::FeedEntry{.guid = "after", .url = "http://wire.example/after"}));
  EXPECT_EQ(*s->stories().max_id(), 3) << "story ids continue after the largest copied";
}

TEST_F(DeskCopy, RefusesATargetThatIsNotEmptyAndLeavesItAsItWas) {
  auto first = scratch("sqlite");
  ASSERT_TRUE(first);
  Filled f;
  {
    auto s = open(first->location());
    ASSERT_TRUE(s);
    fill(*s, f);
    if (HasFatalFailure()) return;
  }
  for (const std::string backend : {"sqlite", "postgresql"}) {
    SCOPED_TRACE(backend);
    auto target = scratch(backend);
    ASSERT_TRUE(target);
    std::string before;
    {
      auto s = open(target->location());
      ASSERT_TRUE(s);
      ASSERT_TRUE(s->sources().add(core::Source{0, "Theirs", "http://theirs.example/feed", "", "", "", 1.0, false}));
      ASSERT_TRUE(s->subscribers().add("theirs@example.com", "", at("2026-11-01T00:00:00Z")));
      ASSERT_TRUE(s->secret("links"));
      before = fmt::format("{} {} {}", s->sources().list()->size(), s->subscribers().list(std::nullopt)->size(),
                           *s->secret("links"));
    }
    auto refused = store::copy_desk(first->location(), target->location());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, core::ErrorCode::kInvalidInput);
    EXPECT_NE(refused.error().message.find("not empty"), std::string::npos) << refused.error().message;
    EXPECT_NE(refused.error().message.find("1 sources"), std::string::npos) << refused.error().message;
    auto s = open(target->location());
    ASSERT_TRUE(s);
    EXPECT_EQ(fmt::format("{} {} {}", s->sources().list()->size(), s->subscribers().list(std::nullopt)->size(),
                          *s->secret("links")),
              before);
    EXPECT_EQ(*s->articles().count(), 0u);
  }
}

TEST_F(DeskCopy, AFreshTargetsOwnSecretGivesWayToTheSources) {
  auto first = scratch("sqlite");
  auto target = scratch("postgresql");
  ASSERT_TRUE(first && target);
  Filled f;
  {
    auto s = open(first->location());
    ASSERT_TRUE(s);
    fill(*s, f);
    if (HasFatalFailure()) return;
  }
  {
    auto s = open(target->location());
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->secret("links"));  // made by a first look at the new desk
  }
  auto copied = store::copy_desk(first->location(), target->location());
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_EQ(*open(target->location())->secret("links"), f.links_secret);
}

TEST_F(DeskCopy, ManyRowsGoThroughInPagesAndBatches) {
  auto first = scratch("sqlite");
  auto server = scratch("postgresql");
  auto second = scratch("sqlite");
  ASSERT_TRUE(first && server && second);
  const std::string body(5'000, 'x');
  {
    auto s = open(first->location());
    ASSERT_TRUE(s);
    auto source = s->sources().add(core::Source{0, "Busy", "http://busy.example/feed", "", "", "", 1.0, false});
    ASSERT_TRUE(source);
    OK(s->transaction([&]() -> core::Result<void> {
      for (int i = 1; i <= 500; ++i) {  // pages and batches of 200
        ND_TRY(s->stories().save(core::Story{i, "S", at("2026-11-29T09:00:00Z"), at("2026-11-29T09:00:00Z"), {}}));
        core::Article a;
        a.source_id = *source;
        a.url = a.canonical_url = fmt::format("http://busy.example/{}", i);
        a.title = fmt::format("Report {}", i);
        a.text = body + fmt::format(" word{}", i);
        ND_TRY_ASSIGN(added, s->articles().add(a));
        ND_TRY(s->articles().assign(added->id, i, i % 2 == 0 ? std::optional<core::Id>(added->id - 1) : std::nullopt));
      }
      return {};
    }));
  }
  ASSERT_TRUE(store::copy_desk(first->location(), server->location()));
  ASSERT_TRUE(store::copy_desk(server->location(), second->location()));
  for (const auto& location : {server->location(), second->location()}) {
    auto s = open(location);
    ASSERT_TRUE(s);
    EXPECT_EQ(*s->articles().count(), 500u);
    auto last = **s->articles().get(500);
    EXPECT_EQ(last.copy_of, 499);
    EXPECT_EQ(last.story_id, 500);
    EXPECT_EQ(last.text, body + " word500");
    EXPECT_EQ(s->search().search("word377", 10, 0)->total, 1u);
  }
}

TEST_F(DeskCopy, RefusesADeskHoldingAColumnTheCopyWouldLeaveBehind) {
  auto server = scratch("postgresql");
  auto target = scratch("sqlite");
  ASSERT_TRUE(server && target);
  ASSERT_TRUE(open(server->location()));
  auto altered = server->run_sql("ALTER TABLE subscribers ADD COLUMN nickname TEXT");
  ASSERT_TRUE(altered) << altered.error().message;
  auto refused = store::copy_desk(server->location(), target->location());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kDatabase);
  EXPECT_NE(refused.error().message.find("\"subscribers.nickname\""), std::string::npos) << refused.error().message;
}

TEST_F(DeskCopy, RefusesTheSameStoreTwiceAndASourceThatDoesNotExist) {
  auto first = scratch("sqlite");
  ASSERT_TRUE(first);
  auto same = store::copy_desk(first->location(), "sqlite:" + first->location());
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().code, core::ErrorCode::kInvalidInput);
  const auto missing = std::filesystem::path(first->location()).parent_path() / "missing.db";
  auto nothing = store::copy_desk(missing.string(), first->location() + ".copy");
  ASSERT_FALSE(nothing);
  EXPECT_EQ(nothing.error().code, core::ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(missing)) << "a missing source is not made";
}

}  // namespace
