// Ingest of articles split across pages, and of a page that only its AMP
// version gives, over real HTTP on 127.0.0.1 into a real store, on each
// backend. Every page here is of our own writing.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "app/pipeline.hpp"
#include "behaviour_server.hpp"
#include "core/time.hpp"
#include "desk_fixture.hpp"
#include "store/store.hpp"

using namespace newsdesk;
using test_support::BehaviourServer;
using test_support::Reply;
using test_support::Request;

namespace {

Reply with(int status, std::string body, std::string type = "text/html; charset=utf-8") {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  r.headers = {{"Content-Type", type}};
  return r;
}

// A part of a story about a lighthouse: two paragraphs that say which part they are.
std::string part_page(const std::string& slug, int part, const std::string& next) {
  static const char* kWords[] = {"", "first", "second", "third"};
  const std::string word = kWords[std::min(part, 3)];
  std::string head = next.empty() ? "" : "<link rel=\"next\" href=\"" + next + "\">";
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>The Saltmarsh light goes dark</title>"
         "<meta property=\"og:type\" content=\"article\">" + head +
         "</head><body><nav class=\"site-nav\"><a href=\"/\">Home</a></nav><main><article>"
         "<h1>The Saltmarsh light goes dark</h1><div class=\"story-body\">"
         "<p>Keepers' log, " + slug + ", the " + word + " part: the lamp of the Saltmarsh lighthouse was lit every "
         "night for one hundred and twelve years before the coast authority switched it off this winter.</p>"
         "<p>In this " + word + " part of the " + slug + " account, the retired keeper Aldo Brennan describes the "
         "storms, the supply boats and the long watches that filled his thirty years on the rock.</p>"
         "<p>Our series on the coast is supported by readers; thank you for reading it.</p>"
         "</div></article></main></body></html>";
}

std::string part_of(const Request& req) {
  std::string target = req.target;
  auto at = target.find("page=");
  return at == std::string::npos ? "1" : target.substr(at + 5, 1);
}

class PagesIngest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto desk = test_support::ScratchDatabase::create(GetParam());
    ASSERT_TRUE(desk) << desk.error().message;
    desk_ = std::move(*desk);
    auto store = store::open_store(desk_->location());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    config_.fetch.allow_private_addresses = true;
    config_.fetch.per_domain_delay_ms = 0;
    config_.fetch.timeout_seconds = 5;
  }
  void TearDown() override {
    store_.reset();
    desk_.reset();
  }

  // Polls a feed that announces `paths` on `server`, then fetches and extracts their pages.
  std::vector<core::Article> ingest(BehaviourServer& server, const std::vector<std::string>& paths) {
    std::string items;
    for (size_t i = 0; i < paths.size(); ++i) {
      items += "<item><title>Item " + std::to_string(i) + "</title><link>" + server.url(paths[i]) + "</link><guid>" +
               paths[i] + "</guid></item>";
    }
    std::string feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Coast</title>" + items +
                       "</channel></rss>";
    server.route("/feed.xml", [feed](const Request&) { return with(200, feed, "application/rss+xml"); });
    core::Source s;
    s.name = "Coast";
    s.feed_url = server.url("/feed.xml");
    EXPECT_TRUE(store_->sources().add(s));
    auto fetcher = fetch::make_curl_fetcher(config_.fetch);
    auto polled = app::poll_feeds(*store_, *fetcher, config_.poll, now_);
    EXPECT_TRUE(polled) << polled.error().message;
    auto fetched = app::fetch_articles(*store_, *fetcher, config_, now_);
    EXPECT_TRUE(fetched) << fetched.error().message;
    auto listed = store_->articles().unclustered();
    EXPECT_TRUE(listed) << listed.error().message;
    // The list leaves out the HTML: each article whole.
    std::vector<core::Article> articles;
    for (const auto& a : listed ? *listed : std::vector<core::Article>{}) {
      auto whole = store_->articles().get(a.id);
      EXPECT_TRUE(whole && *whole);
      if (whole && *whole) articles.push_back(std::move(**whole));
    }
    return articles;
  }

  static const core::Article* by_url(const std::vector<core::Article>& articles, const std::string& url) {
    for (const auto& a : articles) {
      if (a.url == url) return &a;
    }
    return nullptr;
  }

  static size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }

  std::unique_ptr<test_support::ScratchDatabase> desk_;
  std::unique_ptr<store::Store> store_;
  core::Config config_;
  core::TimePoint now_ = *core::parse_rfc3339("2026-11-29T10:00:00Z");
};

INSTANTIATE_TEST_SUITE_P(Backends, PagesIngest, desk_fixture::backends(), test_support::BackendName());

}  // namespace

TEST_P(PagesIngest, AThreePartArticleIsOneArticleWithEveryPartInOrder) {
  BehaviourServer server;
  server.route("/story", [](const Request& req) {
    std::string part = part_of(req);
    std::string next = part == "1" ? "/story?page=2" : part == "2" ? "/story?page=3" : "";
    return with(200, part_page("story", std::stoi(part), next));
  });
  auto articles = ingest(server, {"/story"});
  ASSERT_EQ(articles.size(), 1u);
  const std::string& text = articles[0].text;
  size_t first = text.find("the first part:"), second = text.find("the second part:"), third = text.find("the third part:");
  ASSERT_NE(first, std::string::npos) << text;
  ASSERT_NE(second, std::string::npos) << text;
  ASSERT_NE(third, std::string::npos) << text;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_EQ(count(text, "supported by readers"), 1u) << "the line every part repeats, once\n" << text;
  EXPECT_EQ(count(articles[0].html, "supported by readers"), 1u) << articles[0].html;
  EXPECT_EQ(articles[0].url, server.url("/story"));
  EXPECT_EQ(server.count("/story"), 3u);  // each part fetched once
}

TEST_P(PagesIngest, APartThatLeadsBackToTheFirstIsJoinedOnce) {
  BehaviourServer server;
  server.route("/loop", [&server](const Request& req) {
    std::string part = part_of(req);
    // Part 3's "next" is page 4, which the site sends back to the first part.
    if (part == "4") return test_support::redirect(302, server.url("/loop"));
    return with(200, part_page("loop", std::stoi(part), "/loop?page=" + std::to_string(std::stoi(part) + 1)));
  });
  auto articles = ingest(server, {"/loop"});
  ASSERT_EQ(articles.size(), 1u);
  const std::string& text = articles[0].text;
  EXPECT_EQ(count(text, "the first part:"), 1u) << text;
  EXPECT_EQ(count(text, "the second part:"), 1u) << text;
  EXPECT_EQ(count(text, "the third part:"), 1u) << text;
  EXPECT_LT(text.find("the first part:"), text.find("the third part:"));
}

TEST_P(PagesIngest, APartThatFailsCostsOnlyThatPart) {
  BehaviourServer server;
  server.route("/broken", [](const Request& req) {
    if (part_of(req) == "2") return with(500, "the database is down");
    return with(200, part_page("broken", 1, "/broken?page=2"));
  });
  auto articles = ingest(server, {"/broken"});
  ASSERT_EQ(articles.size(), 1u) << "the article keeps its first part";
  EXPECT_NE(articles[0].text.find("the first part:"), std::string::npos) << articles[0].text;
  EXPECT_EQ(articles[0].text.find("database"), std::string::npos) << articles[0].text;
  auto failed = store_->entries().count(store::EntryState::kFailed);
  ASSERT_TRUE(failed);
  EXPECT_EQ(*failed, 0u);
}

TEST_P(PagesIngest, AShellPageIsReadFromItsAmpVersion) {
  BehaviourServer server;
  server.route("/shell", [](const Request&) {
    return with(200, "<!DOCTYPE html><html><head><title>The Saltmarsh light goes dark</title>"
                     "<meta property=\"og:type\" content=\"article\"><link rel=\"amphtml\" href=\"/amp/shell\">"
                     "</head><body><div id=\"root\"></div><script src=\"/app.js\"></script></body></html>");
  });
  server.route("/amp/shell", [](const Request&) { return with(200, part_page("amp", 1, "")); });
  // A page with an article of its own is not read again from its AMP version.
  server.route("/whole", [](const Request&) {
    std::string page = part_page("whole", 1, "");
    page.insert(page.find("</head>"), "<link rel=\"amphtml\" href=\"/amp/whole\">");
    return with(200, page);
  });
  auto articles = ingest(server, {"/shell", "/whole"});
  ASSERT_EQ(articles.size(), 2u);
  const core::Article* shell = by_url(articles, server.url("/shell"));
  ASSERT_NE(shell, nullptr);
  EXPECT_NE(shell->text.find("Keepers' log, amp, the first part"), std::string::npos) << shell->text;
  EXPECT_EQ(shell->title, "The Saltmarsh light goes dark");
  EXPECT_EQ(server.count("/amp/shell"), 1u);
  EXPECT_EQ(server.count("/amp/whole"), 0u);
}

TEST_P(PagesIngest, FollowPagesZeroReadsTheFirstPageOnly) {
  config_.extract.follow_pages = 0;
  BehaviourServer server;
  server.route("/story", [](const Request& req) {
    return with(200, part_page("story", std::stoi(part_of(req)), "/story?page=2"));
  });
  auto articles = ingest(server, {"/story"});
  ASSERT_EQ(articles.size(), 1u);
  EXPECT_EQ(articles[0].text.find("the second part:"), std::string::npos) << articles[0].text;
  EXPECT_EQ(server.count("/story"), 1u);
}
