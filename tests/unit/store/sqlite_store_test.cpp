#include <gtest/gtest.h>

#include <filesystem>

#include "core/time.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"

using namespace newsdesk;

namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("newsdesk-store-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = store::open_sqlite_store(dir_ / "test.db");
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  core::Id add_source(const std::string& url) {
    core::Source s;
    s.name = "Outlet " + url;
    s.feed_url = url;
    auto id = store_->sources().add(s);
    EXPECT_TRUE(id);
    return *id;
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

core::TimePoint at(const char* iso) { return *core::parse_rfc3339(iso); }

}  // namespace

TEST_F(SqliteStoreTest, AppliesMigrationsOnceAndReopens) {
  const int latest = store::sqlite_migrations().back().version;
  EXPECT_EQ(latest, static_cast<int>(store::sqlite_migrations().size()));  // 1, 2, 3, ... without gaps
  EXPECT_EQ(store_->schema_version(), latest);
  store_.reset();
  auto again = store::open_sqlite_store(dir_ / "test.db");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ((*again)->schema_version(), latest);
}

TEST_F(SqliteStoreTest, SourcesAddListFindRemove) {
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

TEST_F(SqliteStoreTest, FeedStateRoundTrips) {
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

TEST_F(SqliteStoreTest, HealthAndScheduleRoundTripAndSayWhichFeedsAreDue) {
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

TEST_F(SqliteStoreTest, EntriesAreInsertedOncePerGuid) {
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

TEST_F(SqliteStoreTest, SameCanonicalUrlIsOneArticle) {
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

TEST_F(SqliteStoreTest, StoriesAndAssignments) {
  core::Id s = add_source("http://a.example/feed");
  core::Article a;
  a.source_id = s;
  a.url = a.canonical_url = "http://a.example/1";
  a.published = at("2026-11-29T09:00:00Z");
  core::Id id = store_->articles().add(a)->id;
  EXPECT_EQ(store_->articles().unclustered()->size(), 1u);
  core::Story story{7, "Headline", at("2026-11-29T09:00:00Z"), at("2026-11-29T10:00:00Z"), {}};
  ASSERT_TRUE(store_->stories().save(story));
  ASSERT_TRUE(store_->articles().assign(id, 7, std::nullopt));
  EXPECT_TRUE(store_->articles().unclustered()->empty());
  EXPECT_EQ(*store_->stories().max_id(), 7);
  auto recent = store_->stories().updated_since(at("2026-11-29T00:00:00Z"));
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].article_ids, std::vector<core::Id>{id});
  EXPECT_EQ(store_->articles().clustered_since(at("2026-11-28T00:00:00Z"))->size(), 1u);
}

TEST_F(SqliteStoreTest, MergedStoriesResolveToTheSurvivor) {
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

TEST_F(SqliteStoreTest, TransactionRollsBackOnError) {
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

TEST_F(SqliteStoreTest, EditionsSubscribersAndDeliveries) {
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
}

TEST_F(SqliteStoreTest, SearchFindsEveryWordRanksTitlesFirstAndMarksTheMatches) {
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

TEST_F(SqliteStoreTest, VideosTheFeedAttachedReachTheStory) {
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
