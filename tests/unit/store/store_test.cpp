// The store's behaviour, the same on both backends: every test runs on
// SQLite and on PostgreSQL (a database of its own on the test server that
// ctest's postgresql fixture starts). Checks that only one backend has are
// at the end of this file (SQLite) and in postgresql_store_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/time.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "test_store.hpp"

using namespace newsdesk;

namespace {

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto scratch = test_support::ScratchDatabase::create(GetParam());
    ASSERT_TRUE(scratch) << scratch.error().message;
    scratch_ = std::move(*scratch);
    auto s = store::open_store(scratch_->location());
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    scratch_.reset();
  }
  std::unique_ptr<store::Store> reopen() {
    auto s = store::open_store(scratch_->location());
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }
  int latest_version() const {
    return (GetParam() == "sqlite" ? store::sqlite_migrations() : store::postgresql_migrations()).back().version;
  }
  core::Id add_source(const std::string& url) {
    core::Source s;
    s.name = "Outlet " + url;
    s.feed_url = url;
    auto id = store_->sources().add(s);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }
  core::Id add_article(core::Id source, const std::string& url, const std::string& title, const std::string& text,
                       std::optional<core::Id> story = std::nullopt);
  core::Id add_confirmed(const std::string& email);

  std::unique_ptr<test_support::ScratchDatabase> scratch_;
  std::unique_ptr<store::Store> store_;
};

core::TimePoint at(const char* iso) { return *core::parse_rfc3339(iso); }

core::Id StoreTest::add_article(core::Id source, const std::string& url, const std::string& title,
                                const std::string& text, std::optional<core::Id> story) {
  core::Article a;
  a.source_id = source;
  a.url = a.canonical_url = url;
  a.title = title;
  a.text = text;
  a.published = at("2026-11-29T09:00:00Z");
  auto added = store_->articles().add(a);
  EXPECT_TRUE(added) << added.error().message;
  if (!added) return 0;
  if (story) {
    EXPECT_TRUE(store_->articles().assign(added->id, *story, std::nullopt));
  }
  return added->id;
}

core::Id StoreTest::add_confirmed(const std::string& email) {
  auto id = store_->subscribers().add(email, "", at("2026-11-29T06:00:00Z"));
  EXPECT_TRUE(id) << id.error().message;
  if (!id) return 0;
  EXPECT_TRUE(store_->subscribers().set_state(*id, core::SubscriberState::kConfirmed, at("2026-11-29T06:05:00Z")));
  return *id;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(test_support::store_backends()),
                         test_support::BackendName());

TEST_P(StoreTest, AppliesMigrationsOnceAndReopens) {
  EXPECT_EQ(store_->schema_version(), latest_version());
  store_.reset();
  auto again = reopen();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->schema_version(), latest_version());
}

TEST_P(StoreTest, SourcesAddListFindRemove) {
  core::Id a = add_source("http://a.example/feed");
  add_source("http://b.example/feed");
  auto dup = store_->sources().add(core::Source{0, "again", "http://a.example/feed", "", "", "", 1.0, false});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->sources().list()->size(), 2u);
  auto found = store_->sources().find_by_feed_url("http://a.example/feed");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, a);
  EXPECT_TRUE(*store_->sources().remove(a));
  EXPECT_FALSE(*store_->sources().remove(a));
  EXPECT_EQ(store_->sources().list()->size(), 1u);
}

TEST_P(StoreTest, FeedStateRoundTrips) {
  core::Id s = add_source("http://a.example/feed");
  core::FeedState st;
  st.etag = "\"v1\"";
  st.last_modified = "Sun, 29 Nov 2026 10:00:00 GMT";
  st.last_polled = at("2026-11-29T10:00:00Z");
  st.consecutive_failures = 2;
  st.last_error = "timeout";
  ASSERT_TRUE(store_->feeds().save_state(s, st));
  auto back = store_->feeds().state(s);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->etag, st.etag);
  EXPECT_EQ(back->consecutive_failures, 2);
  EXPECT_EQ(back->last_polled, st.last_polled);
}

TEST_P(StoreTest, HealthAndScheduleRoundTripAndSayWhichFeedsAreDue) {
  core::Id fresh = add_source("http://fresh.example/feed");  // never polled: due
  core::Id later = add_source("http://later.example/feed");
  core::Id failing = add_source("http://failing.example/feed");
  core::Id gone = add_source("http://gone.example/feed");
  core::FeedState st;
  st.next_poll = at("2026-11-29T12:00:00Z");
  st.items_per_day = 12.5;
  st.polls = 3;
  ASSERT_TRUE(store_->feeds().save_state(later, st));
  core::FeedState bad;
  bad.next_poll = at("2026-11-29T09:00:00Z");
  bad.consecutive_failures = 4;
  bad.failing_since = at("2026-11-26T09:00:00Z");
  bad.last_error = "Could not resolve host";
  bad.last_error_class = "dns";
  ASSERT_TRUE(store_->feeds().save_state(failing, bad));
  core::FeedState dead;
  dead.gone = true;
  ASSERT_TRUE(store_->feeds().save_state(gone, dead));

  auto back = store_->feeds().state(failing);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->last_error_class, "dns");
  EXPECT_EQ(back->failing_since, bad.failing_since);
  EXPECT_DOUBLE_EQ(store_->feeds().state(later)->items_per_day, 12.5);
  EXPECT_EQ(store_->feeds().state(later)->polls, 3);
  EXPECT_TRUE(store_->feeds().state(gone)->gone);

  auto due = store_->feeds().due(at("2026-11-29T10:00:00Z"));
  ASSERT_TRUE(due);
  EXPECT_EQ(*due, (std::vector<core::Id>{fresh, failing}));  // never polled first, then the overdue one
  auto due_later = store_->feeds().due(at("2026-11-29T12:00:00Z"));
  EXPECT_EQ(due_later->size(), 3u);  // the gone feed never is
  auto next = store_->feeds().next_due();
  ASSERT_TRUE(next && *next);

  ASSERT_TRUE(store_->sources().set_feed_url(later, "http://later.example/new-feed"));
  EXPECT_EQ((*store_->sources().get(later))->feed_url, "http://later.example/new-feed");
  auto clash = store_->sources().set_feed_url(later, "http://fresh.example/feed");
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, core::ErrorCode::kInvalidInput);
}

TEST_P(StoreTest, EntriesAreInsertedOncePerGuid) {
  core::Id s = add_source("http://a.example/feed");
  core::FeedEntry e;
  e.guid = "g1";
  e.url = "http://a.example/1";
  e.authors = {"A", "B"};
  EXPECT_TRUE(*store_->entries().upsert(s, e));
  EXPECT_FALSE(*store_->entries().upsert(s, e));
  auto pending = store_->entries().pending(10);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].entry.authors, (std::vector<std::string>{"A", "B"}));
  ASSERT_TRUE(store_->entries().mark((*pending)[0].id, store::EntryState::kFailed, "HTTP 500", std::nullopt));
  EXPECT_TRUE(store_->entries().pending(10)->empty());
  EXPECT_EQ(*store_->entries().count(store::EntryState::kFailed), 1u);
}

TEST_P(StoreTest, SameCanonicalUrlIsOneArticle) {
  core::Id s = add_source("http://a.example/feed");
  core::Article a;
  a.source_id = s;
  a.url = "http://a.example/x?utm_source=rss";
  a.canonical_url = "http://a.example/x";
  a.title = "First";
  a.published = at("2026-11-29T09:00:00Z");
  auto id1 = store_->articles().add(a);
  a.title = "Second fetch";
  auto id2 = store_->articles().add(a);
  ASSERT_TRUE(id1 && id2);
  EXPECT_EQ(id1->id, id2->id);
  EXPECT_TRUE(id1->inserted);
  EXPECT_FALSE(id2->inserted);
  EXPECT_EQ(*store_->articles().count(), 1u);
  EXPECT_EQ((*store_->articles().get(id1->id))->title, "First");
}

TEST_P(StoreTest, AccessAndTheLeadImagesCreditRoundTrip) {
  core::Id s = add_source("http://a.example/feed");
  core::Article a;
  a.source_id = s;
  a.url = a.canonical_url = "http://a.example/locked";
  a.title = "A story behind a paywall";
  a.image_url = "http://a.example/harbour.jpg";
  a.image_caption = "The harbour at dawn.";
  a.image_credit = "Jane Doe / Test Agency";
  a.access = core::Access::kTeaser;
  auto teaser = store_->articles().add(a);
  a.url = a.canonical_url = "http://a.example/open";
  a.access = core::Access::kFree;
  auto free = store_->articles().add(a);
  a.url = a.canonical_url = "http://a.example/unsaid";
  a.access = core::Access::kUnknown;
  a.image_credit.clear();
  auto unknown = store_->articles().add(a);
  ASSERT_TRUE(teaser && free && unknown);
  auto got = store_->articles().get(teaser->id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->access, core::Access::kTeaser);
  EXPECT_EQ((*got)->image_credit, "Jane Doe / Test Agency");
  EXPECT_EQ((*got)->image_caption, "The harbour at dawn.");
  EXPECT_EQ((*store_->articles().get(free->id))->access, core::Access::kFree);
  EXPECT_EQ((*store_->articles().get(unknown->id))->access, core::Access::kUnknown);
  EXPECT_EQ((*store_->articles().get(unknown->id))->image_credit, "");
}

TEST_P(StoreTest, StoriesAndAssignments) {
  core::Id s = add_source("http://a.example/feed");
  core::Article a;
  a.source_id = s;
  a.url = a.canonical_url = "http://a.example/1";
  a.published = at("2026-11-29T09:00:00Z");
  a.text = "The text.";
  a.html = "<p>The text.</p>";
  core::Id id = store_->articles().add(a)->id;
  // The story writer's reads carry the text, not the page.
  auto fresh = store_->articles().unclustered();
  ASSERT_TRUE(fresh) << fresh.error().message;
  ASSERT_EQ(fresh->size(), 1u);
  EXPECT_EQ(fresh->front().text, "The text.");
  EXPECT_EQ(fresh->front().html, "");
  EXPECT_EQ(*store_->articles().count_unclustered(), 1u);
  EXPECT_EQ((*store_->articles().get(id))->html, "<p>The text.</p>");
  core::Story story{7, "Headline", at("2026-11-29T09:00:00Z"), at("2026-11-29T10:00:00Z"), {}};
  ASSERT_TRUE(store_->stories().save(story));
  ASSERT_TRUE(store_->articles().assign(id, 7, std::nullopt));
  EXPECT_TRUE(store_->articles().unclustered()->empty());
  EXPECT_EQ(*store_->articles().count_unclustered(), 0u);
  EXPECT_EQ(*store_->stories().max_id(), 7);
  auto recent = store_->stories().updated_since(at("2026-11-29T00:00:00Z"));
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].article_ids, std::vector<core::Id>{id});
  auto known = store_->articles().clustered_since(at("2026-11-28T00:00:00Z"));
  ASSERT_EQ(known->size(), 1u);
  EXPECT_EQ(known->front().text, "The text.");
  EXPECT_EQ(known->front().html, "");
}

TEST_P(StoreTest, MergedStoriesResolveToTheSurvivor) {
  core::Id s = add_source("http://a.example/feed");
  core::Article a;
  a.source_id = s;
  a.url = a.canonical_url = "http://a.example/1";
  core::Id article = store_->articles().add(a)->id;
  ASSERT_TRUE(store_->stories().save(core::Story{1, "Old", at("2026-11-28T09:00:00Z"), at("2026-11-29T09:00:00Z"), {}}));
  ASSERT_TRUE(store_->stories().save(core::Story{2, "New", at("2026-11-29T08:00:00Z"), at("2026-11-29T10:00:00Z"), {}}));
  ASSERT_TRUE(store_->articles().assign(article, 2, std::nullopt));
  ASSERT_TRUE(store_->stories().merge(2, 1));
  auto followed = store_->stories().get(2);
  ASSERT_TRUE(followed && *followed);
  EXPECT_EQ((*followed)->id, 1) << "links to the merged story reach the survivor";
  EXPECT_EQ((*followed)->article_ids, std::vector<core::Id>{article});
  auto live = store_->stories().updated_since(at("2026-11-01T00:00:00Z"));
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ((*live)[0].id, 1);
  EXPECT_FALSE(store_->stories().merge(1, 1));
}

TEST_P(StoreTest, TransactionRollsBackOnError) {
  auto r = store_->transaction([&]() -> core::Result<void> {
    core::Source s;
    s.name = "x";
    s.feed_url = "http://x.example/feed";
    if (auto id = store_->sources().add(s); !id) return tl::unexpected(id.error());
    return core::fail(core::ErrorCode::kInvalidInput, "changed my mind");
  });
  ASSERT_FALSE(r);
  EXPECT_TRUE(store_->sources().list()->empty());
}

TEST_P(StoreTest, EditionsSubscribersAndDeliveries) {
  core::Story story{1, "H", at("2026-11-29T09:00:00Z"), at("2026-11-29T09:00:00Z"), {}};
  ASSERT_TRUE(store_->stories().save(story));
  core::Edition e;
  e.name = "Daily Headlines";
  e.date = "2026-11-29";
  e.built_at = at("2026-11-29T06:00:00Z");
  e.subject = "Daily Headlines: H";
  core::EditionItem item;
  item.story_id = 1;
  item.headline = "H";
  e.items.push_back(item);
  auto id = store_->editions().save(e, {"<html>", "text", "{}"});
  ASSERT_TRUE(id) << id.error().message;
  auto again = store_->editions().save(e, {"<html>2", "text2", "{}"});  // rebuilt the same day: replaced
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *id);
  auto latest = store_->editions().latest("Daily Headlines");
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->items.size(), 1u);
  EXPECT_EQ((*store_->editions().rendered(*id))->html, "<html>2");

  auto sub = store_->subscribers().add("Reader@Example.com", "Europe/Berlin", at("2026-11-29T06:00:00Z"));
  ASSERT_TRUE(sub);
  EXPECT_EQ(*store_->subscribers().add("reader@example.com", "", at("2026-11-29T07:00:00Z")), *sub);
  ASSERT_TRUE(store_->subscribers().set_state(*sub, core::SubscriberState::kConfirmed, at("2026-11-29T08:00:00Z")));
  auto confirmed = store_->subscribers().list(core::SubscriberState::kConfirmed);
  ASSERT_EQ(confirmed->size(), 1u);
  EXPECT_TRUE((*confirmed)[0].confirmed_at);

  EXPECT_EQ(*store_->deliveries().enqueue(*id, {*sub}, at("2026-11-29T08:00:00Z")), 1u);
  EXPECT_EQ(*store_->deliveries().enqueue(*id, {*sub}, at("2026-11-29T08:00:00Z")), 0u);
  ASSERT_TRUE(store_->deliveries().set_state(*id, *sub, core::DeliveryState::kSending, "", at("2026-11-29T08:01:00Z")));
  ASSERT_TRUE(store_->deliveries().set_state(*id, *sub, core::DeliveryState::kSent, "", at("2026-11-29T08:01:01Z")));
  auto sent = store_->deliveries().in_state(*id, core::DeliveryState::kSent);
  ASSERT_EQ(sent->size(), 1u);
  EXPECT_EQ((*sent)[0].attempts, 1);
  EXPECT_FALSE(store_->deliveries().set_state(*id, 999, core::DeliveryState::kSent, "", at("2026-11-29T08:02:00Z")));

  // Two copies moved at once, as set_state moves each: one copy's verdict
  // with the next one's 'sending'.
  auto other = store_->subscribers().add("other@example.com", "", at("2026-11-29T06:00:00Z"));
  ASSERT_TRUE(other);
  ASSERT_EQ(*store_->deliveries().enqueue(*id, {*other}, at("2026-11-29T08:00:00Z")), 1u);
  using Change = store::DeliveryRepository::StateChange;
  auto moved = store_->deliveries().set_states(
      *id, {Change{*sub, core::DeliveryState::kDeferred, "451 later", at("2026-11-29T08:03:00Z"), at("2026-11-29T09:00:00Z"), ""},
            Change{*other, core::DeliveryState::kSending, "", at("2026-11-29T08:03:00Z"), std::nullopt, "relay-a"}});
  ASSERT_TRUE(moved) << moved.error().message;
  auto deferred = store_->deliveries().in_state(*id, core::DeliveryState::kDeferred);
  ASSERT_EQ(deferred->size(), 1u);
  EXPECT_EQ((*deferred)[0].subscriber_id, *sub);
  EXPECT_EQ((*deferred)[0].last_error, "451 later");
  EXPECT_EQ((*deferred)[0].attempts, 1) << "only 'sending' counts an attempt";
  auto sending = store_->deliveries().in_state(*id, core::DeliveryState::kSending);
  ASSERT_EQ(sending->size(), 1u);
  EXPECT_EQ((*sending)[0].subscriber_id, *other);
  EXPECT_EQ((*sending)[0].attempts, 1);

  // All or none: with one copy unknown, the other is not moved either.
  auto refused = store_->deliveries().set_states(
      *id, {Change{*other, core::DeliveryState::kSent, "250 ok", at("2026-11-29T08:04:00Z"), std::nullopt, ""},
            Change{999, core::DeliveryState::kSending, "", at("2026-11-29T08:04:00Z"), std::nullopt, ""}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kNotFound);
  EXPECT_EQ(store_->deliveries().in_state(*id, core::DeliveryState::kSending)->size(), 1u);
  EXPECT_TRUE(store_->deliveries().in_state(*id, core::DeliveryState::kSent)->empty()) << "the first copy not moved";
  // Inside a transaction too (a savepoint on SQLite).
  auto in_transaction = store_->transaction([&]() -> core::Result<void> {
    return store_->deliveries().set_states(
        *id, {Change{*other, core::DeliveryState::kSent, "250 ok", at("2026-11-29T08:05:00Z"), std::nullopt, ""}});
  });
  ASSERT_TRUE(in_transaction) << in_transaction.error().message;
  EXPECT_EQ(store_->deliveries().in_state(*id, core::DeliveryState::kSent)->size(), 1u);
}

TEST_P(StoreTest, ClaimsGoOnAfterTheLastClaimedCopyAndFromTheStartWhenAsked) {
  core::Edition e;
  e.name = "Daily Headlines";
  e.date = "2026-11-29";
  e.built_at = at("2026-11-29T06:00:00Z");
  auto edition = store_->editions().save(e, {"<html>", "text", "{}"});
  ASSERT_TRUE(edition) << edition.error().message;
  std::vector<core::Id> readers;
  for (const char* email : {"a@example.com", "b@example.com", "c@example.com"}) {
    auto id = store_->subscribers().add(email, "", at("2026-11-29T05:00:00Z"));
    ASSERT_TRUE(id);
    ASSERT_TRUE(store_->subscribers().set_state(*id, core::SubscriberState::kConfirmed, at("2026-11-29T05:01:00Z")));
    readers.push_back(*id);
  }
  ASSERT_EQ(*store_->deliveries().enqueue(*edition, readers, at("2026-11-29T06:00:00Z")), 3u);
  const auto now = at("2026-11-29T06:30:00Z");
  const store::Claim c{"sender-1", now, now + std::chrono::seconds(60)};
  auto ids = [](const core::Result<std::vector<store::DueDelivery>>& r) {
    std::vector<core::Id> out;
    if (r) {
      for (const auto& d : *r) out.push_back(d.subscriber_id);
    }
    return out;
  };
  EXPECT_EQ(ids(store_->deliveries().claim_due(*edition, c, 1, 0)), std::vector<core::Id>{readers[0]});
  EXPECT_EQ(ids(store_->deliveries().claim_due(*edition, c, 10, readers[0])), (std::vector<core::Id>{readers[1], readers[2]}));
  // The first copy deferred until now, its claim ended: not after the last
  // claim, but from the start.
  ASSERT_TRUE(store_->deliveries().set_state(*edition, readers[0], core::DeliveryState::kDeferred, "451 later", now, now));
  EXPECT_TRUE(ids(store_->deliveries().claim_due(*edition, c, 10, readers[2])).empty());
  EXPECT_EQ(ids(store_->deliveries().claim_due(*edition, c, 10, 0)), std::vector<core::Id>{readers[0]});
}

TEST_P(StoreTest, SearchFindsEveryWordRanksTitlesFirstAndMarksTheMatches) {
  core::Id s = add_source("http://a.example/feed");
  auto add = [&](const std::string& url, const std::string& title, const std::string& text) {
    core::Article a;
    a.source_id = s;
    a.url = a.canonical_url = url;
    a.title = title;
    a.text = text;
    a.published = at("2026-11-29T09:00:00Z");
    auto id = store_->articles().add(a);
    EXPECT_TRUE(id);
    return id->id;
  };
  core::Id festival = add("http://a.example/1", "Harbour festival opens", "The navy band played while boats sailed past.");
  core::Id drill = add("http://a.example/2", "Navy destroyers drill off the coast", "Three ships tested air defences.");
  add("http://a.example/3", "Café owners cheer", "Crowds at the café by the harbour.");
  auto navy = store_->search().search("navy", 10, 0);
  ASSERT_TRUE(navy) << navy.error().message;
  ASSERT_EQ(navy->total, 2u);
  EXPECT_EQ(navy->hits[0].article_id, drill) << "a match in the title ranks first";
  EXPECT_NE(navy->hits[0].title.find(std::string(1, store::kMarkStart) + "Navy" + std::string(1, store::kMarkEnd)), std::string::npos);
  EXPECT_EQ(navy->hits[1].article_id, festival);
  EXPECT_NE(navy->hits[1].snippet.find(std::string(1, store::kMarkStart) + "navy"), std::string::npos);
  EXPECT_EQ(store_->search().search("navy band", 10, 0)->total, 1u);  // every word
  EXPECT_EQ(store_->search().search("cafe", 10, 0)->total, 1u);       // accents folded
  EXPECT_EQ(store_->search().search("destr", 10, 0)->total, 1u);      // the last word as a prefix
  auto second = store_->search().search("navy", 1, 1);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->hits.size(), 1u);
  EXPECT_EQ(second->hits[0].article_id, festival);
  // What FTS5 would read as syntax is only words here.
  for (const char* odd : {"\"; DROP TABLE articles; --", "navy OR", "NEAR(", "*", "a:b", ""}) {
    auto r = store_->search().search(odd, 10, 0);
    ASSERT_TRUE(r) << odd << ": " << r.error().message;
  }
  EXPECT_EQ(*store_->articles().count(), 3u);
  EXPECT_EQ(store::search_words("  Navy,  band!"), "\"Navy\" \"band\"*");
  EXPECT_EQ(store::search_words("--"), "");
}

TEST_P(StoreTest, RetentionDropsOldTextsKeepsTheirArticlesAndLetsTheirWordsGo) {
  core::Id s = add_source("http://a.example/feed");
  const std::optional<core::Id> story = 7;
  ASSERT_TRUE(store_->stories().save({7, "Harbour story", at("2026-01-01T00:00:00Z"), at("2026-01-01T00:00:00Z"), {}}));
  auto add = [&](const std::string& url, const std::string& title, const std::string& text, const char* fetched) {
    core::Article a;
    a.source_id = s;
    a.url = a.canonical_url = url;
    a.title = title;
    a.text = text;
    a.html = "<html><body><p>" + text + "</p></body></html>";
    a.description = "What it was about";
    a.fetched = at(fetched);
    auto id = store_->articles().add(a);
    EXPECT_TRUE(id) << id.error().message;
    EXPECT_TRUE(store_->articles().assign(id->id, *story, std::nullopt));
    return id->id;
  };
  core::Id old1 = add("http://a.example/1", "Lighthouse keeper retires", "Marmalade and semaphore for forty years.", "2026-01-02T00:00:00Z");
  core::Id old2 = add("http://a.example/2", "Fog horn silenced", "Marmalade again, and a brass band.", "2026-01-03T00:00:00Z");
  core::Id fresh = add("http://a.example/3", "New beacon lit", "Marmalade sandwiches at the opening.", "2026-03-01T00:00:00Z");
  ASSERT_EQ(store_->search().search("marmalade", 10, 0)->total, 3u);

  const auto cutoff = at("2026-02-01T00:00:00Z");
  auto first = store_->articles().drop_text(cutoff, 1);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, 1u) << "at most the batch asked for";
  auto rest = store_->articles().drop_text(cutoff, 100);
  ASSERT_TRUE(rest) << rest.error().message;
  EXPECT_EQ(*rest, 1u);
  EXPECT_EQ(*store_->articles().drop_text(cutoff, 100), 0u) << "nothing left: a pass ends";

  for (core::Id id : {old1, old2}) {
    auto a = store_->articles().get(id);
    ASSERT_TRUE(a && a->has_value());
    EXPECT_EQ((*a)->text, "");
    EXPECT_EQ((*a)->html, "");
    EXPECT_EQ((*a)->description, "What it was about") << "metadata kept";
    EXPECT_EQ((*a)->story_id, story) << "its story kept";
    EXPECT_FALSE((*a)->url.empty());
  }
  auto kept = store_->articles().get(fresh);
  ASSERT_TRUE(kept && kept->has_value());
  EXPECT_EQ((*kept)->text, "Marmalade sandwiches at the opening.");
  auto words = store_->search().search("marmalade", 10, 0);
  ASSERT_TRUE(words) << words.error().message;
  ASSERT_EQ(words->total, 1u) << "the dropped texts left the index";
  EXPECT_EQ(words->hits[0].article_id, fresh);
  EXPECT_EQ(store_->search().search("semaphore", 10, 0)->total, 0u);
  EXPECT_EQ(store_->search().search("lighthouse keeper", 10, 0)->total, 1u) << "the headline stays findable";
  EXPECT_EQ(store_->articles().by_story(*story)->size(), 3u);
}

TEST_P(StoreTest, VideosTheFeedAttachedReachTheStory) {
  core::Id s = add_source("http://a.example/feed");
  core::FeedEntry e;
  e.guid = e.url = "http://a.example/drill";
  e.title = "Drill";
  e.enclosures = {{"http://a.example/drill.mp4", "video/mp4", 1000}, {"http://a.example/drill.jpg", "image/jpeg", std::nullopt}};
  ASSERT_TRUE(*store_->entries().upsert(s, e));
  core::Article a;
  a.source_id = s;
  a.url = a.canonical_url = "http://a.example/drill";
  a.published = at("2026-11-29T09:00:00Z");
  core::Id article = store_->articles().add(a)->id;
  core::Story story{3, "Drill", at("2026-11-29T09:00:00Z"), at("2026-11-29T09:00:00Z"), {}};
  ASSERT_TRUE(store_->stories().save(story));
  ASSERT_TRUE(store_->articles().assign(article, 3, std::nullopt));
  auto pending = store_->entries().pending(10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  ASSERT_TRUE(store_->entries().mark((*pending)[0].id, store::EntryState::kFetched, "", article));
  auto videos = store_->entries().videos_for_story(3);
  ASSERT_TRUE(videos) << videos.error().message;
  ASSERT_EQ(videos->size(), 1u);
  EXPECT_EQ((*videos)[0].url, "http://a.example/drill.mp4");
  EXPECT_EQ((*videos)[0].type, "video/mp4");
  EXPECT_TRUE(store_->entries().videos_for_story(4)->empty());
}

TEST_P(StoreTest, SearchFoldsDiacriticsAndCaseMatchesPrefixesAndPages) {
  core::Id s = add_source("http://a.example/feed");
  core::Id zurich = add_article(s, "http://a.example/z", "Zürich café reopens", "The Café Odeon opened its doors again.");
  core::Id moscow = add_article(s, "http://a.example/m", "МОСКВА: navy parade", "Ships on the river.");
  for (int i = 0; i < 23; ++i) {
    add_article(s, "http://a.example/e" + std::to_string(i), "Exercise report " + std::to_string(i),
                "Another naval exercise, day " + std::to_string(i) + ".");
  }
  auto cafe = store_->search().search("zurich CAFE", 10, 0);
  ASSERT_TRUE(cafe) << cafe.error().message;
  ASSERT_EQ(cafe->total, 1u);
  EXPECT_EQ(cafe->hits[0].article_id, zurich);
  const std::string start(1, store::kMarkStart), end(1, store::kMarkEnd);
  EXPECT_EQ(cafe->hits[0].title, start + "Zürich" + end + " " + start + "café" + end + " reopens")
      << "the title whole, the words as written, each marked";
  EXPECT_NE(cafe->hits[0].snippet.find(start + "Café" + end), std::string::npos) << cafe->hits[0].snippet;
  EXPECT_EQ(cafe->hits[0].url, "http://a.example/z");
  EXPECT_EQ(cafe->hits[0].outlet, "Outlet http://a.example/feed");
  EXPECT_EQ(cafe->hits[0].published, at("2026-11-29T09:00:00Z"));
  EXPECT_EQ(store_->search().search("Zürich", 10, 0)->total, 1u);
  EXPECT_EQ(store_->search().search("москва", 10, 0)->hits.at(0).article_id, moscow) << "case folded beyond ASCII";
  EXPECT_EQ(store_->search().search("reop", 10, 0)->total, 1u) << "the last word a prefix";
  EXPECT_EQ(store_->search().search("reop cafe", 10, 0)->total, 0u) << "only the last word";
  EXPECT_EQ(store_->search().search("re", 10, 0)->total, 0u) << "too short to be a prefix";

  std::set<core::Id> seen;
  for (size_t offset = 0; offset < 30; offset += 10) {
    auto page = store_->search().search("exercise", 10, offset);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->total, 23u);
    EXPECT_EQ(page->hits.size(), offset < 20 ? 10u : 3u);
    for (const auto& hit : page->hits) {
      EXPECT_TRUE(seen.insert(hit.article_id).second) << "pages do not overlap";
      EXPECT_NE(hit.title.find(start + "Exercise" + end), std::string::npos) << hit.title;
      EXPECT_EQ(hit.title.find('<'), std::string::npos) << "no markup but the marks";
    }
  }
  EXPECT_EQ(seen.size(), 23u);
  EXPECT_TRUE(store_->search().search("exercise", 10, 40)->hits.empty());
  EXPECT_EQ(store_->search().search("exercise", 10, 40)->total, 23u);
}

TEST_P(StoreTest, SearchForgetsRemovedArticles) {
  core::Id s = add_source("http://a.example/feed");
  add_article(s, "http://a.example/1", "Harbour festival", "Boats.");
  EXPECT_EQ(store_->search().search("festival", 10, 0)->total, 1u);
  ASSERT_TRUE(store_->sources().remove(s));  // its articles go, and with them their index entries
  EXPECT_EQ(store_->search().search("festival", 10, 0)->total, 0u);
}

TEST_P(StoreTest, RelevanceIsKeptPerArticleAndBeat) {
  core::Id s = add_source("http://a.example/feed");
  ASSERT_TRUE(store_->stories().save(core::Story{5, "Drill", at("2026-11-29T09:00:00Z"), at("2026-11-29T10:00:00Z"), {}}));
  core::Id a = add_article(s, "http://a.example/1", "Drill", "Ships.", 5);
  core::Id b = add_article(s, "http://a.example/2", "Drill again", "More ships.", 5);
  ASSERT_TRUE(store_->articles().set_relevance(a, "military", 0.75));
  ASSERT_TRUE(store_->articles().set_relevance(a, "military", 0.5));  // computed again: replaced
  ASSERT_TRUE(store_->articles().set_relevance(a, "economy", 0.125));
  auto rows = store_->articles().rank_rows(at("2026-11-29T00:00:00Z"), "military");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  for (const auto& r : *rows) {
    EXPECT_EQ(r.story_id, 5);
    EXPECT_EQ(r.source_id, s);
    EXPECT_EQ(r.published, at("2026-11-29T09:00:00Z"));
    if (r.article_id == a) {
      EXPECT_EQ(r.relevance, 0.5);
    } else {
      EXPECT_EQ(r.article_id, b);
      EXPECT_FALSE(r.relevance) << "not computed yet";
    }
  }
  EXPECT_TRUE(store_->articles().rank_rows(at("2026-11-30T00:00:00Z"), "military")->empty());
}

TEST_P(StoreTest, EditsComeBackInOrderAndEarlierEditionsSayWhatTheyCarried) {
  for (core::Id id : {1, 2, 3}) {
    ASSERT_TRUE(store_->stories().save(core::Story{id, "S", at("2026-11-27T09:00:00Z"), at("2026-11-29T09:00:00Z"), {}}));
  }
  auto edition = [&](const std::string& date, std::vector<std::pair<core::Id, int>> items) {
    core::Edition e;
    e.name = "Daily";
    e.date = date;
    e.built_at = at((date + "T06:00:00Z").c_str());
    e.subject = "Daily " + date;
    for (auto [story, outlets] : items) {
      core::EditionItem it;
      it.story_id = story;
      it.headline = "H" + std::to_string(story);
      it.score = 1.5;
      it.outlets = outlets;
      e.items.push_back(it);
    }
    auto id = store_->editions().save(e, {"h", "t", "j"});
    EXPECT_TRUE(id) << id.error().message;
  };
  edition("2026-11-27", {{1, 2}, {2, 1}});
  edition("2026-11-28", {{1, 4}});
  edition("2026-11-29", {{3, 1}});
  auto sent = store_->editions().sent_before("Daily", "2026-11-29");
  ASSERT_TRUE(sent) << sent.error().message;
  ASSERT_EQ(sent->size(), 2u);
  EXPECT_EQ((*sent)[0].story_id, 1);
  EXPECT_EQ((*sent)[0].date, "2026-11-28") << "the latest earlier edition";
  EXPECT_EQ((*sent)[0].outlets, 4);
  EXPECT_EQ((*sent)[0].sent_at, at("2026-11-28T06:00:00Z"));
  EXPECT_EQ((*sent)[1].date, "2026-11-27");
  auto listed = store_->editions().list("Daily", 2);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].date, "2026-11-29");
  EXPECT_EQ((*listed)[1].items.at(0).outlets, 4);
  EXPECT_DOUBLE_EQ((*listed)[1].items.at(0).score, 1.5);
  EXPECT_EQ((*store_->editions().by_date("Daily", "2026-11-27"))->items.size(), 2u);
  EXPECT_FALSE(*store_->editions().by_date("Daily", "2026-11-26"));
  EXPECT_FALSE(*store_->editions().latest("Weekly"));

  core::EditionEdit pin{0, "Daily", "2026-11-30", core::EditionEdit::Action::kPin, 3, 1, "", "ed", at("2026-11-29T20:00:00Z")};
  core::EditionEdit retitle{0, "Daily", "2026-11-30", core::EditionEdit::Action::kRetitle, 3, 0, "Better", "ed",
                            at("2026-11-29T20:01:00Z")};
  core::EditionEdit drop{0, "Daily", "2026-11-30", core::EditionEdit::Action::kDrop, 2, 0, "", "ed", at("2026-11-29T20:02:00Z")};
  for (const auto& e : {pin, retitle, drop}) ASSERT_TRUE(store_->editions().add_edit(e));
  auto edits = store_->editions().edits("Daily", "2026-11-30");
  ASSERT_TRUE(edits);
  ASSERT_EQ(edits->size(), 3u);
  EXPECT_EQ((*edits)[0].action, core::EditionEdit::Action::kPin);
  EXPECT_EQ((*edits)[0].position, 1);
  EXPECT_EQ((*edits)[1].title, "Better");
  EXPECT_EQ((*edits)[2].action, core::EditionEdit::Action::kDrop);
  EXPECT_EQ((*edits)[2].at, at("2026-11-29T20:02:00Z"));
  EXPECT_TRUE(store_->editions().edits("Daily", "2026-11-29")->empty());
}

TEST_P(StoreTest, SubscribersChooseEditionsPauseConsentBounceAndAreErased) {
  core::Id ada = add_confirmed("ada@example.com");
  auto found = store_->subscribers().find_by_email("ADA@example.com");
  ASSERT_TRUE(found && *found) << "addresses match whatever their case";
  EXPECT_EQ((*found)->id, ada);
  ASSERT_TRUE(store_->subscribers().set_preferences(ada, {"Daily", "Weekly"}, "Europe/Paris", true, at("2026-11-29T07:00:00Z")));
  auto back = *store_->subscribers().find(ada);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->editions, (std::vector<std::string>{"Daily", "Weekly"}));
  EXPECT_EQ(back->time_zone, "Europe/Paris");
  EXPECT_TRUE(back->paused);
  EXPECT_EQ(store_->subscribers().set_preferences(999, {}, "", false, at("2026-11-29T07:00:00Z")).error().code,
            core::ErrorCode::kNotFound);

  ASSERT_TRUE(store_->subscribers().add_consent({ada, "signup", at("2026-11-29T06:00:00Z"), "192.0.2.1", "v2", ""}));
  ASSERT_TRUE(store_->subscribers().add_consent({ada, "confirm", at("2026-11-29T06:05:00Z"), "192.0.2.1", "", "link"}));
  auto consents = store_->subscribers().consents(ada);
  ASSERT_EQ(consents->size(), 2u);
  EXPECT_EQ((*consents)[0].form_version, "v2");
  EXPECT_EQ((*consents)[1].detail, "link");

  EXPECT_EQ(*store_->subscribers().add_hard_bounce(ada, 2, at("2026-11-29T08:00:00Z")), 1);
  EXPECT_EQ((*store_->subscribers().find(ada))->state, core::SubscriberState::kConfirmed);
  EXPECT_EQ(*store_->subscribers().add_hard_bounce(ada, 2, at("2026-11-29T09:00:00Z")), 2);
  EXPECT_EQ((*store_->subscribers().find(ada))->state, core::SubscriberState::kBounced) << "suppressed at the limit";
  EXPECT_EQ(store_->subscribers().add_hard_bounce(999, 2, at("2026-11-29T09:00:00Z")).error().code, core::ErrorCode::kNotFound);

  auto pending = store_->subscribers().add("late@example.com", "", at("2026-11-20T00:00:00Z"));
  ASSERT_TRUE(pending);
  EXPECT_EQ(*store_->subscribers().expire_pending(at("2026-11-21T00:00:00Z")), 1u);
  EXPECT_FALSE(*store_->subscribers().find(*pending));

  ASSERT_TRUE(store_->subscribers().erase(ada));
  EXPECT_FALSE(*store_->subscribers().find(ada));
  EXPECT_TRUE(store_->subscribers().consents(ada)->empty()) << "consents go with the subscriber";
  EXPECT_TRUE(store_->subscribers().list(std::nullopt)->empty());
}

TEST_P(StoreTest, ConfirmedReadersOfAnEditionAreQueuedAndComeDueInOrder) {
  ASSERT_TRUE(store_->stories().save(core::Story{1, "H", at("2026-11-29T09:00:00Z"), at("2026-11-29T09:00:00Z"), {}}));
  core::Edition e;
  e.name = "Daily";
  e.date = "2026-11-29";
  e.built_at = at("2026-11-29T06:00:00Z");
  e.subject = "Daily";
  auto edition = store_->editions().save(e, {"h", "t", "j"});
  ASSERT_TRUE(edition);
  core::Id everything = add_confirmed("all@example.com");
  core::Id daily = add_confirmed("daily@example.com");
  core::Id weekly = add_confirmed("weekly@example.com");
  core::Id paused = add_confirmed("paused@example.com");
  ASSERT_TRUE(store_->subscribers().add("pending@example.com", "", at("2026-11-29T06:00:00Z")));
  ASSERT_TRUE(store_->subscribers().set_preferences(daily, {"Weekly", "Daily"}, "", false, at("2026-11-29T06:00:00Z")));
  ASSERT_TRUE(store_->subscribers().set_preferences(weekly, {"Weekly"}, "", false, at("2026-11-29T06:00:00Z")));
  ASSERT_TRUE(store_->subscribers().set_preferences(paused, {}, "", true, at("2026-11-29T06:00:00Z")));

  auto queued = store_->deliveries().enqueue_confirmed(*edition, "Daily", at("2026-11-29T07:00:00Z"));
  ASSERT_TRUE(queued) << queued.error().message;
  EXPECT_EQ(*queued, 2u) << "every edition, or Daily among others; not Weekly only, paused or pending";
  EXPECT_EQ(*store_->deliveries().enqueue_confirmed(*edition, "Daily", at("2026-11-29T07:00:00Z")), 0u);
  EXPECT_EQ(*store_->deliveries().enqueue(*edition, {weekly, weekly, everything}, at("2026-11-29T07:00:00Z")), 1u);

  auto due = store_->deliveries().due(*edition, 0, 10, at("2026-11-29T07:00:00Z"));
  ASSERT_TRUE(due) << due.error().message;
  ASSERT_EQ(due->size(), 3u);
  EXPECT_EQ((*due)[0].subscriber_id, everything);
  EXPECT_EQ((*due)[1].subscriber_id, daily);
  EXPECT_EQ((*due)[1].email, "daily@example.com");
  EXPECT_EQ(store_->deliveries().due(*edition, daily, 1, at("2026-11-29T07:00:00Z"))->at(0).subscriber_id, weekly);

  ASSERT_TRUE(store_->deliveries().set_state(*edition, everything, core::DeliveryState::kSending, "", at("2026-11-29T07:01:00Z")));
  ASSERT_TRUE(store_->deliveries().set_state(*edition, everything, core::DeliveryState::kDeferred, "451 later",
                                             at("2026-11-29T07:01:05Z"), at("2026-11-29T08:00:00Z"), "relay-a"));
  ASSERT_TRUE(store_->deliveries().set_state(*edition, daily, core::DeliveryState::kSending, "", at("2026-11-29T07:01:00Z")));
  ASSERT_TRUE(store_->deliveries().set_state(*edition, daily, core::DeliveryState::kSent, "", at("2026-11-29T07:01:01Z")));
  auto now_due = store_->deliveries().due(*edition, 0, 10, at("2026-11-29T07:30:00Z"));
  ASSERT_EQ(now_due->size(), 1u) << "the deferred copy waits for its time";
  EXPECT_EQ((*now_due)[0].subscriber_id, weekly);
  auto later_due = store_->deliveries().due(*edition, 0, 10, at("2026-11-29T08:00:00Z"));
  ASSERT_EQ(later_due->size(), 2u);
  EXPECT_EQ((*later_due)[0].state, core::DeliveryState::kDeferred);
  EXPECT_EQ((*later_due)[0].attempts, 1);
  EXPECT_EQ((*later_due)[0].first_attempt_at, at("2026-11-29T07:01:00Z"));

  auto counts = store_->deliveries().counts(*edition);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->queued, 1u);
  EXPECT_EQ(counts->sent, 1u);
  EXPECT_EQ(counts->deferred, 1u);
  EXPECT_EQ(counts->next_retry, at("2026-11-29T08:00:00Z"));
  auto deferred = store_->deliveries().in_state(*edition, core::DeliveryState::kDeferred);
  ASSERT_EQ(deferred->size(), 1u);
  EXPECT_EQ((*deferred)[0].last_error, "451 later");
}

TEST_P(StoreTest, BouncesKeepTheRawMessageByteForByteAndAreSeenOnce) {
  core::Id reader = add_confirmed("reader@example.com");
  const std::string raw = std::string("From: MAILER-DAEMON\r\n\r\n\xff\xfe Latin-1 caf\xe9 and a NUL: ") + '\0' + " end";
  store::BounceRecord b{"1700000000.M1.host", at("2026-11-29T10:00:00Z"), "hard", reader, std::nullopt,
                        "reader@example.com", "5.1.1", "user unknown", raw};
  EXPECT_FALSE(*store_->bounces().seen(b.source));
  auto id = store_->bounces().add(b);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_TRUE(*store_->bounces().seen(b.source));
  auto kept = store_->bounces().for_subscriber(reader);
  ASSERT_TRUE(kept);
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ((*kept)[0].raw, raw);
  EXPECT_EQ((*kept)[0].status, "5.1.1");
  EXPECT_FALSE((*kept)[0].edition_id);
  auto recent = store_->bounces().recent(10);
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].raw, "") << "recent() leaves the message out";
  EXPECT_EQ((*recent)[0].subscriber_id, reader);
  ASSERT_TRUE(store_->subscribers().erase(reader));
  auto orphan = store_->bounces().recent(10);
  ASSERT_EQ(orphan->size(), 1u) << "the bounce stays without the link";
  EXPECT_FALSE((*orphan)[0].subscriber_id);
}

TEST_P(StoreTest, ASecretIsMadeOnceAndEveryStoreOfTheDeskReadsIt) {
  auto first = store_->secret("links");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->size(), 64u);
  EXPECT_EQ(*store_->secret("links"), *first);
  auto other = reopen();
  ASSERT_TRUE(other);
  EXPECT_EQ(*other->secret("links"), *first);
  EXPECT_NE(*other->secret("api"), *first);
}

TEST_P(StoreTest, CountsSayWhatIsKeptAndWhatIsWaiting) {
  core::Id s = add_source("http://a.example/feed");
  core::Id broken = add_source("http://b.example/feed");
  core::Id gone = add_source("http://c.example/feed");
  core::FeedState failing;
  failing.consecutive_failures = 2;
  failing.last_error_class = "dns";
  ASSERT_TRUE(store_->feeds().save_state(broken, failing));
  core::FeedState dead;
  dead.gone = true;
  ASSERT_TRUE(store_->feeds().save_state(gone, dead));
  core::FeedEntry entry;
  entry.guid = entry.url = "http://a.example/1";
  ASSERT_TRUE(store_->entries().upsert(s, entry));
  add_article(s, "http://a.example/1", "One", "");
  add_confirmed("a@example.com");
  ASSERT_TRUE(store_->subscribers().add("b@example.com", "", at("2026-11-29T06:00:00Z")));
  auto c = store_->counts();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->sources, 3u);
  EXPECT_EQ(c->feeds_gone, 1u);
  EXPECT_EQ(c->feeds_failing, (std::vector<std::pair<std::string, size_t>>{{"dns", 1}}));
  EXPECT_EQ(c->entries_waiting, 1u);
  EXPECT_EQ(c->articles, 1u);
  EXPECT_EQ(c->stories, 0u);
  EXPECT_EQ(c->subscribers, (std::vector<std::pair<std::string, size_t>>{{"confirmed", 1}, {"pending", 1}}));
  EXPECT_TRUE(c->deliveries.empty());
}

TEST_P(StoreTest, TransactionsCommitAndDoNotNest) {
  auto r = store_->transaction([&]() -> core::Result<void> {
    add_source("http://a.example/feed");
    auto inner = store_->transaction([]() -> core::Result<void> { return {}; });
    EXPECT_FALSE(inner) << "a transaction inside another is refused";
    // A refused write does not spoil the transaction around it.
    auto dup = store_->sources().add(core::Source{0, "again", "http://a.example/feed", "", "", "", 1.0, false});
    EXPECT_EQ(dup.error().code, core::ErrorCode::kInvalidInput);
    add_source("http://b.example/feed");
    return {};
  });
  ASSERT_TRUE(r) << r.error().message;
  auto again = reopen();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->sources().list()->size(), 2u);
}

TEST_P(StoreTest, TextThatIsNotUtf8IsStoredAnyway) {
  // Extraction hands on UTF-8, but a store must not fail on what slips by:
  // PostgreSQL keeps it with U+FFFD for the bytes, SQLite as it came.
  core::Id s = add_source("http://a.example/feed");
  core::Id id = add_article(s, "http://a.example/1", std::string("Caf\xe9 harbour"), std::string("nul ") + '\0' + " here");
  ASSERT_NE(id, 0);
  auto back = store_->articles().get(id);
  ASSERT_TRUE(back && *back);
  EXPECT_EQ((*back)->title.rfind("Caf", 0), 0u);
  EXPECT_NE((*back)->title.find(" harbour"), std::string::npos);
  EXPECT_EQ(store_->search().search("harbour", 10, 0)->total, 1u);
}

// SQLite only.

TEST(SqliteStore, MigrationsAreNumberedWithoutGaps) {
  const int latest = store::sqlite_migrations().back().version;
  EXPECT_EQ(latest, static_cast<int>(store::sqlite_migrations().size()));  // 1, 2, 3, ... without gaps
}

TEST(SqliteStore, BothBackendsAreAtTheSameSchemaVersion) {
  // A version means the same tables on both: a change is a migration of the
  // same number in both lists (so a desk can move between them).
  EXPECT_EQ(store::postgresql_migrations().back().version, store::sqlite_migrations().back().version);
  int previous = 0;
  for (const auto& m : store::postgresql_migrations()) {
    EXPECT_GT(m.version, previous);
    previous = m.version;
  }
}

TEST(OpenStore, ASqliteLocationIsAPathOrSqliteColonPath) {
  auto scratch = test_support::ScratchDatabase::create("sqlite");
  ASSERT_TRUE(scratch) << scratch.error().message;
  const std::string path = (*scratch)->location();
  {
    auto by_prefix = store::open_store("sqlite:" + path);
    ASSERT_TRUE(by_prefix) << by_prefix.error().message;
    ASSERT_TRUE((*by_prefix)->sources().add(core::Source{0, "A", "http://a.example/feed", "", "", "", 1.0, false}));
  }
  EXPECT_TRUE(std::filesystem::exists(path));
  auto by_path = store::open_store(path);
  ASSERT_TRUE(by_path) << by_path.error().message;
  EXPECT_EQ((*by_path)->sources().list()->size(), 1u);
  auto empty = store::open_store("sqlite:");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, core::ErrorCode::kInvalidInput);
}
