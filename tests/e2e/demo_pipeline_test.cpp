// The whole desk on the sample news web: real HTTP on 127.0.0.1, a real store
// on each backend (an SQLite file, a PostgreSQL database), every stage. Checks
// the stories found against the sample's intended grouping (which only tests
// read), wire copies, and the edition.
//
// The desk is built once per backend and process (the first test of a backend
// builds it) and shared by that backend's tests; ctest runs each backend's
// tests in one process (tests/CMakeLists.txt), so the pipeline runs once per
// backend, not once per test.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "app/pipeline.hpp"
#include "edition/edition.hpp"
#include "feed/feed.hpp"
#include "rank/beat.hpp"
#include "core/clock.hpp"
#include "core/time.hpp"
#include "desk_fixture.hpp"
#include "sampleweb/sample_web.hpp"
#include "store/store.hpp"
#include "web/server.hpp"

using namespace newsdesk;

namespace {

// The sample web, a store on its backend and what the pipeline reported, built once per backend.
struct DemoDesk {
  bool ready = false;  // every stage ran
  core::TimePoint now;
  std::unique_ptr<sampleweb::FixtureServer> fixture;
  std::unique_ptr<test_support::ScratchDatabase> scratch;
  std::unique_ptr<store::Store> store;
  std::filesystem::path dir;  // the edition's files
  core::Config config;
  app::PollReport poll;
  app::FetchReport fetch;
  std::unique_ptr<app::BuiltEdition> built;

  DemoDesk() = default;
  DemoDesk(const DemoDesk&) = delete;
  DemoDesk& operator=(const DemoDesk&) = delete;
  ~DemoDesk() {
    store.reset();    // before its database is dropped
    scratch.reset();
    fixture.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }

  // Runs every stage on `backend`; a failure fails the calling test and leaves `ready` false.
  void build(const std::string& backend) {
    now = core::SystemClock().now();
    auto web = sampleweb::load_sample(NEWSDESK_SAMPLE_DIR);
    ASSERT_TRUE(web) << web.error().message;
    auto server = sampleweb::FixtureServer::start(std::move(*web), "127.0.0.1", 0, now);
    ASSERT_TRUE(server) << server.error().message;
    fixture = std::move(*server);
    dir = std::filesystem::temp_directory_path() / ("newsdesk-e2e-" + backend + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    config.fetch.allow_private_addresses = true;
    config.fetch.per_domain_delay_ms = 0;  // one local server stands in for eight outlets
    config.fetch.per_domain_concurrency = config.fetch.concurrency;
    auto desk = test_support::ScratchDatabase::create(backend);
    ASSERT_TRUE(desk) << desk.error().message;
    scratch = std::move(*desk);
    config.store.set_location(scratch->location());
    auto opened = store::open_store(config.store.location());
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
    for (const auto& o : fixture->site().web().outlets) {
      core::Source s;
      s.name = o.name;
      s.feed_url = fixture->site().feed_url(o);
      s.country = o.country;
      ASSERT_TRUE(store->sources().add(s));
    }
    auto fetcher = fetch::make_curl_fetcher(config.fetch);
    auto polled = app::poll_feeds(*store, *fetcher, config.poll, now);
    ASSERT_TRUE(polled) << polled.error().message;
    poll = *polled;
    auto fetched = app::fetch_articles(*store, *fetcher, config, now);
    ASSERT_TRUE(fetched) << fetched.error().message;
    fetch = *fetched;
    auto clustered = app::cluster_articles(*store, config.cluster, now);
    ASSERT_TRUE(clustered) << clustered.error().message;
    auto edition = app::build_edition(*store, config, now);
    ASSERT_TRUE(edition) << edition.error().message;
    built = std::make_unique<app::BuiltEdition>(std::move(*edition));
    ready = true;
  }
};

class DemoPipeline : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() { desks_.clear(); }

  // The backend's desk, built by its first test; the tests below read it through the members.
  void SetUp() override {
    auto& desk = desks_[GetParam()];
    if (!desk) {
      desk = std::make_unique<DemoDesk>();
      desk->build(GetParam());
      if (!desk->ready) return;  // its failure is this test's
    }
    ASSERT_TRUE(desk->ready) << "the desk on " << GetParam() << " could not be built: see the first test's failure";
    now_ = desk->now;
    fixture_ = desk->fixture.get();
    store_ = desk->store.get();
    dir_ = desk->dir;
    config_ = desk->config;
    poll_ = desk->poll;
    fetch_ = desk->fetch;
    built_ = desk->built.get();
  }

  // Intended story of each stored article, by the URL the sample site gave it.
  std::map<core::Id, std::string> intended() const {
    std::map<std::string, std::string> by_url;
    for (const auto& a : fixture_->site().web().articles) {
      if (a.outlet != "wire") by_url[fixture_->site().article_url(a)] = a.story;
    }
    std::map<core::Id, std::string> out;
    auto stories = store_->stories().updated_since(now_ - std::chrono::hours(24 * 30));
    for (const auto& s : *stories) {
      auto articles = store_->articles().by_story(s.id);
      for (const auto& a : *articles) out[a.id] = by_url.at(a.canonical_url);
    }
    return out;
  }

  static inline std::map<std::string, std::unique_ptr<DemoDesk>> desks_;  // by backend
  core::TimePoint now_;
  sampleweb::FixtureServer* fixture_ = nullptr;
  store::Store* store_ = nullptr;
  std::filesystem::path dir_;
  core::Config config_;
  app::PollReport poll_;
  app::FetchReport fetch_;
  app::BuiltEdition* built_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Backends, DemoPipeline, desk_fixture::backends(), test_support::BackendName());

}  // namespace

TEST_P(DemoPipeline, EveryServedArticleIsFetchedAndExtracted) {
  size_t served = 0;
  for (const auto& a : fixture_->site().web().articles) served += a.outlet != "wire" ? 1 : 0;
  EXPECT_EQ(poll_.feeds, fixture_->site().web().outlets.size());
  EXPECT_EQ(poll_.failed, 0u);
  EXPECT_EQ(poll_.new_entries, served);
  EXPECT_EQ(fetch_.articles, served);
  EXPECT_EQ(fetch_.failed, 0u);
}

TEST_P(DemoPipeline, ExtractedTextIsTheArticleBodyWithoutBoilerplate) {
  std::map<std::string, const sampleweb::SampleArticle*> by_url;
  for (const auto& a : fixture_->site().web().articles) by_url[fixture_->site().article_url(a)] = &a;
  auto stories = store_->stories().updated_since(now_ - std::chrono::hours(24 * 30));
  size_t checked = 0;
  for (const auto& s : *stories) {
    auto articles = store_->articles().by_story(s.id);
    for (const auto& a : *articles) {
      const auto* sample = by_url.at(a.canonical_url);
      EXPECT_EQ(a.title, sample->title) << a.url;
      ASSERT_FALSE(a.authors.empty()) << a.url;
      EXPECT_EQ(a.authors.front(), sample->author) << a.url;
      ASSERT_TRUE(a.published) << a.url;
      EXPECT_EQ(*a.published, fixture_->site().published(*sample)) << a.url;
      // Every paragraph of the article is in the text; the text is not much more.
      size_t body = 0;
      for (const auto& p : sample->paragraphs) {
        std::string plain = p.rfind("## ", 0) == 0 ? p.substr(3) : p;
        body += plain.size() + 1;
        EXPECT_NE(a.text.find(plain), std::string::npos) << a.url << "\nmissing: " << plain;
      }
      EXPECT_LE(a.text.size(), body + body / 5 + 200) << a.url << "\n" << a.text;
      ++checked;
    }
  }
  EXPECT_GE(checked, 60u);
}

TEST_P(DemoPipeline, StoriesMatchTheIntendedGrouping) {
  auto truth = intended();
  std::map<std::string, std::set<core::Id>> found_for_intended;
  std::map<core::Id, std::set<std::string>> intended_for_found;
  for (const auto& [article_id, story] : truth) {
    auto a = store_->articles().get(article_id);
    ASSERT_TRUE(a && *a && (*a)->story_id);
    found_for_intended[story].insert(*(*a)->story_id);
    intended_for_found[*(*a)->story_id].insert(story);
  }
  for (const auto& [story, found] : found_for_intended) {
    EXPECT_EQ(found.size(), 1u) << "intended story " << story << " was split";
  }
  for (const auto& [found, stories] : intended_for_found) {
    EXPECT_EQ(stories.size(), 1u) << "found story " << found << " merges " << ::testing::PrintToString(stories);
  }
}

TEST_P(DemoPipeline, WireCopiesJoinTheirStoryAndAreMarked) {
  std::map<std::string, const sampleweb::SampleArticle*> by_url;
  for (const auto& a : fixture_->site().web().articles) by_url[fixture_->site().article_url(a)] = &a;
  std::map<std::string, int> unmarked_copies;  // per wire original: copies not marked (one may stand as original)
  int marked = 0;
  auto stories = store_->stories().updated_since(now_ - std::chrono::hours(24 * 30));
  for (const auto& s : *stories) {
    auto articles = store_->articles().by_story(s.id);
    for (const auto& a : *articles) {
      const auto* sample = by_url.at(a.canonical_url);
      if (a.copy_of) {
        ++marked;
        EXPECT_FALSE(sample->copy_of.empty()) << a.url << " was marked a copy but is an original report";
        auto original = store_->articles().get(*a.copy_of);
        ASSERT_TRUE(original && *original);
        EXPECT_EQ(by_url.at((*original)->canonical_url)->copy_of, sample->copy_of) << "copy of the wrong text";
      } else if (!sample->copy_of.empty()) {
        ++unmarked_copies[sample->copy_of];
      }
    }
  }
  EXPECT_GE(marked, 3);
  for (const auto& [wire, n] : unmarked_copies) EXPECT_EQ(n, 1) << wire << ": only the first copy may stand";
}

TEST_P(DemoPipeline, OffBeatStoriesDoNotLeadTheEdition) {
  auto truth = intended();
  const std::set<std::string> off_beat = {"cup-final", "storm-warning", "film-festival", "interest-rates"};
  ASSERT_FALSE(built_->edition.items.empty());
  std::map<core::Id, std::string> story_label;
  for (const auto& [article, story] : truth) story_label[*(*store_->articles().get(article))->story_id] = story;
  EXPECT_EQ(off_beat.count(story_label[built_->edition.items.front().story_id]), 0u);
  for (const auto& item : built_->edition.items) {
    EXPECT_EQ(off_beat.count(story_label[item.story_id]), 0u) << item.headline << " is off the military beat";
  }
  // The stories covered by many outlets are all in.
  std::set<std::string> in_edition;
  for (const auto& item : built_->edition.items) in_edition.insert(story_label[item.story_id]);
  for (const char* big : {"drone-swarm-port", "frigate-contract", "defense-budget", "naval-exercise", "logistics-cyberattack"}) {
    EXPECT_EQ(in_edition.count(big), 1u) << big;
  }
}

TEST_P(DemoPipeline, WireCopiesDoNotInflateAStory) {
  // Copies add one voice per wire story we do not hold, however many outlets ran it.
  for (const auto& s : built_->ranked) {
    for (const auto& b : built_->stories) {
      if (b.story.id != s.story_id) continue;
      std::set<core::Id> originals, held, wire;
      for (const auto& ca : b.articles) {
        held.insert(ca.article.id);
        if (!ca.article.copy_of) originals.insert(ca.source.id);
      }
      for (const auto& ca : b.articles) {
        if (ca.article.copy_of && held.count(*ca.article.copy_of) == 0) wire.insert(*ca.article.copy_of);
      }
      EXPECT_EQ(s.independent_outlets, static_cast<int>(originals.size() + wire.size()));
    }
  }
}

// sample/PLAN.md: the drone swarm leads; then the day's big stories in any
// order; then the older and single-outlet ones.
TEST_P(DemoPipeline, TheIntendedTopStoriesComeFirstInTheIntendedOrder) {
  auto truth = intended();
  std::map<core::Id, std::string> label;
  for (const auto& [article, story] : truth) label[*(*store_->articles().get(article))->story_id] = story;
  const std::vector<std::set<std::string>> tiers = {
      {"drone-swarm-port"},
      {"frigate-contract", "defense-budget", "naval-exercise", "logistics-cyberattack", "hypersonic-test"},
      {"veterans-bill", "recruitment-shortfall", "base-closure", "submarine-deal"}};
  std::vector<std::string> order;
  for (const auto& item : built_->edition.items) order.push_back(label[item.story_id]);
  ASSERT_EQ(order.size(), 10u);
  size_t at = 0;
  for (const auto& tier : tiers) {
    std::set<std::string> seen(order.begin() + static_cast<long>(at), order.begin() + static_cast<long>(at + tier.size()));
    EXPECT_EQ(seen, tier) << "positions " << at + 1 << "-" << at + tier.size();
    at += tier.size();
  }
}

TEST_P(DemoPipeline, AStorySentYesterdayComesBackOnlyWhenItDeveloped) {
  // Yesterday's edition (under another name, so today's stays as built) carried the drone
  // swarm with all its outlets and the frigate contract when two outlets had it.
  std::map<std::string, const core::EditionItem*> today;
  auto truth = intended();
  std::map<core::Id, std::string> label;
  for (const auto& [article, story] : truth) label[*(*store_->articles().get(article))->story_id] = story;
  for (const auto& item : built_->edition.items) today[label[item.story_id]] = &item;
  ASSERT_TRUE(today.count("drone-swarm-port") && today.count("frigate-contract"));
  core::Edition yesterday;
  yesterday.name = "Sent Yesterday";
  yesterday.date = core::format_date(now_ - std::chrono::hours(24));
  yesterday.built_at = now_;  // after every article: nothing published since
  yesterday.subject = "yesterday";
  for (const char* story : {"drone-swarm-port", "frigate-contract"}) {
    core::EditionItem item = *today[story];
    if (std::string(story) == "frigate-contract") item.outlets -= 2;
    yesterday.items.push_back(item);
  }
  ASSERT_TRUE(store_->editions().save(yesterday, {"<p>y</p>", "y", "{}"}));
  auto sent = app::sent_stories(*store_, "Sent Yesterday", core::format_date(now_));
  ASSERT_TRUE(sent);
  ASSERT_EQ(sent->size(), 2u);
  auto beat_profile = rank::beat_named(config_.rank.beat, config_.beats);
  ASSERT_TRUE(beat_profile);
  rank::BeatMatcher beat(*beat_profile);
  auto ranked = rank::rank_stories(built_->stories, beat, config_.rank, now_, *sent);
  auto edition_config = config_.edition;
  edition_config.name = "Sent Yesterday";
  auto again = edition::build_edition(built_->stories, ranked, edition_config, now_, core::format_date(now_));
  std::map<std::string, std::string> section;
  for (const auto& item : again.items) section[label[item.story_id]] = item.section;
  EXPECT_EQ(section.count("drone-swarm-port"), 0u) << "sent yesterday and unchanged, yet back";
  ASSERT_EQ(section.count("frigate-contract"), 1u) << "two more outlets since: it developed";
  EXPECT_EQ(section["frigate-contract"], "Developing");
}

TEST_P(DemoPipeline, EditionFilesAreWrittenAndTheEmailIsWellFormed) {
  ASSERT_TRUE(app::write_edition_files(*built_, dir_ / "out"));
  for (const char* f : {"edition.html", "edition.txt", "edition.json", "edition.eml"}) {
    EXPECT_GT(std::filesystem::file_size(dir_ / "out" / f), 500u) << f;
  }
  EXPECT_NE(built_->eml.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), std::string::npos);
  EXPECT_LT(built_->rendered.html.size(), 102u * 1024u);
  EXPECT_EQ(built_->edition.subject.rfind("Daily Headlines: ", 0), 0u);
}

TEST_P(DemoPipeline, PollingAgainFindsNothingNew) {
  auto fetcher = fetch::make_curl_fetcher(config_.fetch);
  // Nothing is due right after a poll: every feed has its next time ahead.
  auto due = app::poll_feeds(*store_, *fetcher, config_.poll, now_);
  ASSERT_TRUE(due);
  EXPECT_EQ(due->feeds, 0u);
  auto next = store_->feeds().next_due();
  ASSERT_TRUE(next && *next);
  EXPECT_GE(**next, now_ + std::chrono::minutes(config_.poll.min_interval_minutes) - std::chrono::seconds(1));
  // Forced, every feed answers 304 to the conditional GET or repeats what we have.
  auto again = app::poll_feeds(*store_, *fetcher, config_.poll, now_, /*all=*/true);
  ASSERT_TRUE(again);
  EXPECT_GT(again->feeds, 0u);
  EXPECT_EQ(again->failed, 0u);
  EXPECT_EQ(again->new_entries, 0u);
  auto clustered = app::cluster_articles(*store_, config_.cluster, now_);
  ASSERT_TRUE(clustered);
  EXPECT_EQ(clustered->articles, 0u);
}

TEST_P(DemoPipeline, TheWebPagesServeHeadlinesAndStories) {
  core::Config config = config_;
  config.web.port = 0;
  auto store = store::open_store(config_.store.location());  // the site's own connection to the desk
  ASSERT_TRUE(store) << store.error().message;
  auto server = web::SiteServer::start(config, std::move(*store));
  ASSERT_TRUE(server) << server.error().message;
  httplib::Client client((*server)->base_url());
  auto home = client.Get("/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  const auto& top = built_->edition.items.front();
  EXPECT_NE(home->body.find("/story/" + std::to_string(top.story_id)), std::string::npos);
  auto story = client.Get(("/story/" + std::to_string(top.story_id)).c_str());
  ASSERT_TRUE(story);
  EXPECT_EQ(story->status, 200);
  EXPECT_NE(story->body.find("Coverage around the web"), std::string::npos);
  EXPECT_EQ(client.Get("/story/999999")->status, 404);
  EXPECT_EQ(client.Get("/story/99999999999999999999999")->status, 404) << "an id too long for any story";
  EXPECT_EQ(client.Get(("/edition/" + built_->edition.date).c_str())->status, 200);
  EXPECT_EQ(client.Get("/healthz")->status, 200);
  // The editions as feeds, advertised on the home page; our own reader reads them.
  auto advertised = feed::discover_feeds(home->body, (*server)->base_url() + "/");
  ASSERT_EQ(advertised.size(), 3u);
  for (const auto& f : advertised) {
    auto path = f.url.substr((*server)->base_url().size());
    auto got = client.Get(path.c_str());
    ASSERT_TRUE(got) << path;
    EXPECT_EQ(got->status, 200) << path;
    auto parsed = feed::parse_feed(got->body, f.url);
    ASSERT_TRUE(parsed) << path << ": " << parsed.error().message;
    ASSERT_FALSE(parsed->entries.empty()) << path;
    EXPECT_EQ(parsed->entries.front().title, built_->edition.subject) << path;
    EXPECT_NE(parsed->entries.front().url.find("/edition/" + built_->edition.date), std::string::npos) << path;
  }
}
