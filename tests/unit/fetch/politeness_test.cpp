// The fetcher against servers that misbehave the way the real web does, on
// loopback addresses the tests control: robots.txt, per-domain budgets,
// Retry-After, redirects, truncation, silence, bombs, bot shields, caching.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "behaviour_server.hpp"
#include "fetch/http_fetcher.hpp"

namespace fetch = newsdesk::fetch;
using newsdesk::test_support::BehaviourServer;
using newsdesk::test_support::Reply;
using newsdesk::test_support::Request;
using Clock = std::chrono::steady_clock;

namespace {

newsdesk::core::FetchConfig polite_config() {
  newsdesk::core::FetchConfig c;
  c.allow_private_addresses = true;
  c.per_domain_delay_ms = 0;
  c.timeout_seconds = 5;
  c.connect_timeout_seconds = 2;
  c.max_body_bytes = 1 << 20;
  return c;
}

Reply ok(std::string body = "hello") {
  Reply r;
  r.headers = {{"Content-Type", "text/plain"}};
  r.body = std::move(body);
  return r;
}

// Records how many requests the server had in hand at once.
struct Arrivals {
  std::mutex mu;
  int running = 0, most = 0;
  Reply serve(std::chrono::milliseconds hold) {
    {
      std::lock_guard lock(mu);
      most = std::max(most, ++running);
    }
    std::this_thread::sleep_for(hold);
    std::lock_guard lock(mu);
    --running;
    return ok();
  }
};

}  // namespace

TEST(RobotsTxt, DisallowedPagesAreNotFetchedAndSaySo) {
  BehaviourServer server;
  server.route("/robots.txt", [](const Request&) { return ok("User-agent: *\nDisallow: /private/\n"); });
  server.route("/private/a", [](const Request&) { return ok(); });
  server.route("/public/a", [](const Request&) { return ok(); });
  auto f = fetch::make_curl_fetcher(polite_config());
  auto r = f->fetch_all({{server.url("/private/a"), "", ""}, {server.url("/public/a"), "", ""}});
  EXPECT_EQ(r[0].outcome, fetch::Outcome::kFailed);
  EXPECT_EQ(r[0].failure, fetch::FailureClass::kRobots);
  EXPECT_NE(r[0].error.find("robots.txt"), std::string::npos);
  EXPECT_EQ(r[1].outcome, fetch::Outcome::kFetched);
  EXPECT_EQ(server.count("/private/a"), 0u);
  // Cached: a second batch does not ask for robots.txt again.
  f->fetch({server.url("/public/a"), "", ""});
  EXPECT_EQ(server.count("/robots.txt"), 1u);
}

TEST(RobotsTxt, AServerErrorOnRobotsTxtMeansNothingIsFetched) {
  BehaviourServer server;
  server.route("/robots.txt", [](const Request&) {
    Reply r;
    r.status = 503;
    return r;
  });
  server.route("/a", [](const Request&) { return ok(); });
  auto r = fetch::make_curl_fetcher(polite_config())->fetch({server.url("/a"), "", ""});
  EXPECT_EQ(r.outcome, fetch::Outcome::kRetryLater);
  EXPECT_EQ(r.failure, fetch::FailureClass::kRobots);
  EXPECT_EQ(server.count("/a"), 0u);
}

TEST(RobotsTxt, AMissingRobotsTxtAllowsEverything) {
  BehaviourServer server;  // no /robots.txt route: 404
  server.route("/a", [](const Request&) { return ok(); });
  auto r = fetch::make_curl_fetcher(polite_config())->fetch({server.url("/a"), "", ""});
  EXPECT_EQ(r.outcome, fetch::Outcome::kFetched);
  EXPECT_EQ(server.count("/robots.txt"), 1u);
}

TEST(Politeness, OneDomainGetsItsConcurrencyAndDelayOthersRunAlongside) {
  BehaviourServer one("127.0.0.1"), two("127.0.0.2");
  Arrivals at_one, at_two;
  for (int i = 0; i < 4; ++i) {
    one.route("/p" + std::to_string(i), [&](const Request&) { return at_one.serve(std::chrono::milliseconds(50)); });
    two.route("/p" + std::to_string(i), [&](const Request&) { return at_two.serve(std::chrono::milliseconds(50)); });
  }
  auto config = polite_config();
  config.respect_robots = false;
  config.per_domain_concurrency = 1;
  config.per_domain_delay_ms = 150;
  std::vector<fetch::Request> batch;
  for (int i = 0; i < 4; ++i) {
    batch.push_back({one.url("/p" + std::to_string(i)), "", ""});
    batch.push_back({two.url("/p" + std::to_string(i)), "", ""});
  }
  auto r = fetch::make_curl_fetcher(config)->fetch_all(batch);
  for (const auto& x : r) EXPECT_EQ(x.outcome, fetch::Outcome::kFetched) << x.url << ": " << x.error;
  EXPECT_EQ(at_one.most, 1);
  EXPECT_EQ(at_two.most, 1);
  // The delay is a promise about when the fetcher starts transfers, so it is
  // checked on the fetcher's own record of that: never less than 150 ms
  // between two starts to one domain. (Arrival times at the server carry
  // connection set-up and a loaded machine's scheduling too.)
  std::vector<Clock::time_point> starts_one, starts_two;
  for (size_t i = 0; i < r.size(); ++i) {
    ASSERT_TRUE(r[i].started_at) << r[i].url;
    (i % 2 == 0 ? starts_one : starts_two).push_back(*r[i].started_at);
  }
  for (auto* starts : {&starts_one, &starts_two}) {
    std::sort(starts->begin(), starts->end());
    for (size_t k = 1; k < starts->size(); ++k) {
      EXPECT_GE((*starts)[k] - (*starts)[k - 1], std::chrono::milliseconds(150)) << "start " << k;
    }
  }
  // The two domains were served side by side, not one after the other: each
  // started its first transfer before the other started its last.
  EXPECT_LT(starts_one.front(), starts_two.back());
  EXPECT_LT(starts_two.front(), starts_one.back());
}

TEST(Politeness, OneUrlAskedManyTimesIsFetchedOnce) {
  BehaviourServer server;
  server.route("/feed", [](const Request&) { return ok("<rss/>"); });
  auto config = polite_config();
  config.respect_robots = false;
  auto r = fetch::make_curl_fetcher(config)->fetch_all(
      {{server.url("/feed"), "", ""}, {server.url("/feed"), "", ""}, {server.url("/feed"), "", ""}});
  ASSERT_EQ(r.size(), 3u);
  for (const auto& x : r) EXPECT_EQ(x.body, "<rss/>");
  EXPECT_EQ(server.count("/feed"), 1u);
}

TEST(Politeness, RetryAfterAsADateIsHonouredForTheWholeDomain) {
  BehaviourServer server;
  server.route("/busy", [](const Request&) {
    Reply r;
    r.status = 503;
    // Ten minutes ahead: far from the minute assumed when a site gives no
    // time, and far from what a slow machine takes to get the answer here.
    r.headers = {{"Retry-After", newsdesk::test_support::http_date(std::chrono::system_clock::now() + std::chrono::seconds(600))}};
    return r;
  });
  server.route("/other", [](const Request&) { return ok(); });
  auto config = polite_config();
  config.respect_robots = false;
  config.per_domain_concurrency = 1;
  auto r = fetch::make_curl_fetcher(config)->fetch_all({{server.url("/busy"), "", ""}, {server.url("/other"), "", ""}});
  EXPECT_EQ(r[0].outcome, fetch::Outcome::kRetryLater);
  ASSERT_TRUE(r[0].retry_after_seconds);
  EXPECT_GE(*r[0].retry_after_seconds, 300);
  EXPECT_LE(*r[0].retry_after_seconds, 601);
  EXPECT_EQ(r[1].outcome, fetch::Outcome::kRetryLater);
  EXPECT_EQ(server.count("/other"), 0u);
}

TEST(Redirects, PermanentChainsGiveTheNewAddressTemporaryOnesDoNot) {
  BehaviourServer server;
  server.route("/old", [&](const Request&) { return newsdesk::test_support::redirect(301, server.url("/older")); });
  server.route("/older", [&](const Request&) { return newsdesk::test_support::redirect(308, server.url("/new")); });
  server.route("/temp", [&](const Request&) { return newsdesk::test_support::redirect(302, server.url("/new")); });
  server.route("/mixed", [&](const Request&) { return newsdesk::test_support::redirect(301, server.url("/temp")); });
  server.route("/new", [](const Request&) { return ok("moved"); });
  auto config = polite_config();
  config.respect_robots = false;
  auto r = fetch::make_curl_fetcher(config)->fetch_all(
      {{server.url("/old"), "", ""}, {server.url("/temp"), "", ""}, {server.url("/mixed"), "", ""}});
  EXPECT_EQ(r[0].body, "moved");
  ASSERT_TRUE(r[0].moved_permanently_to);
  EXPECT_EQ(*r[0].moved_permanently_to, server.url("/new"));
  EXPECT_FALSE(r[1].moved_permanently_to);
  EXPECT_FALSE(r[2].moved_permanently_to);
  EXPECT_EQ(r[2].body, "moved");
}

TEST(Redirects, ALoopStopsAtTheCap) {
  BehaviourServer server;
  server.route("/a", [&](const Request&) { return newsdesk::test_support::redirect(302, server.url("/b")); });
  server.route("/b", [&](const Request&) { return newsdesk::test_support::redirect(302, server.url("/a")); });
  auto config = polite_config();
  config.respect_robots = false;
  auto r = fetch::make_curl_fetcher(config)->fetch({server.url("/a"), "", ""});
  EXPECT_EQ(r.outcome, fetch::Outcome::kFailed);
  EXPECT_EQ(r.failure, fetch::FailureClass::kRedirects);
  EXPECT_LE(server.count("/a") + server.count("/b"), static_cast<size_t>(config.max_redirects + 1));
}

TEST(Misbehaviour, ATruncatedBodyIsNeverHandedOn) {
  BehaviourServer server;
  server.route("/cut", [](const Request&) {
    Reply r = ok(std::string(5000, 'x'));
    r.truncate_after = 1000;
    return r;
  });
  auto config = polite_config();
  config.respect_robots = false;
  auto r = fetch::make_curl_fetcher(config)->fetch({server.url("/cut"), "", ""});
  EXPECT_EQ(r.outcome, fetch::Outcome::kRetryLater);
  EXPECT_EQ(r.failure, fetch::FailureClass::kConnect);
  EXPECT_TRUE(r.body.empty());
}

TEST(Misbehaviour, AServerThatNeverAnswersTimesOut) {
  BehaviourServer server;
  server.route("/silent", [](const Request&) {
    Reply r;
    r.never_answer = true;
    return r;
  });
  auto config = polite_config();
  config.respect_robots = false;
  config.timeout_seconds = 1;
  auto r = fetch::make_curl_fetcher(config)->fetch({server.url("/silent"), "", ""});
  EXPECT_EQ(r.outcome, fetch::Outcome::kRetryLater);
  EXPECT_EQ(r.failure, fetch::FailureClass::kTimeout);
}

TEST(Misbehaviour, ASlowDripPastTheTimeoutIsAbandonedAShortOneIsRead) {
  BehaviourServer server;
  server.route("/drip", [](const Request&) {
    Reply r = ok(std::string(20 * 1024, 'x'));
    r.drip = std::chrono::milliseconds(100);  // 20 chunks: 2 s in all
    return r;
  });
  server.route("/trickle", [](const Request&) {
    Reply r = ok(std::string(3 * 1024, 'y'));
    r.drip = std::chrono::milliseconds(50);  // 3 chunks: 150 ms
    return r;
  });
  auto config = polite_config();
  config.respect_robots = false;
  config.timeout_seconds = 1;
  auto r = fetch::make_curl_fetcher(config)->fetch_all({{server.url("/drip"), "", ""}, {server.url("/trickle"), "", ""}});
  EXPECT_EQ(r[0].outcome, fetch::Outcome::kRetryLater);
  EXPECT_EQ(r[0].failure, fetch::FailureClass::kTimeout);
  EXPECT_TRUE(r[0].body.empty());
  EXPECT_EQ(r[1].outcome, fetch::Outcome::kFetched);
  EXPECT_EQ(r[1].body.size(), 3u * 1024u);
}

TEST(Misbehaviour, AGzipBombStopsAtTheBodyLimit) {
  BehaviourServer server;
  server.route("/bomb", [](const Request&) { return newsdesk::test_support::gzip_bomb(size_t{1} << 30); });
  auto config = polite_config();
  config.respect_robots = false;
  config.max_body_bytes = 1 << 20;
  auto r = fetch::make_curl_fetcher(config)->fetch({server.url("/bomb"), "", ""});
  EXPECT_EQ(r.outcome, fetch::Outcome::kFailed);
  EXPECT_EQ(r.failure, fetch::FailureClass::kTooLarge);
  EXPECT_TRUE(r.body.empty());
}

TEST(Misbehaviour, GzipIsDecodedAndAWrongContentTypeIsReportedNotRefused) {
  BehaviourServer server;
  server.route("/feed", [](const Request&) { return newsdesk::test_support::gzip_reply("<rss version=\"2.0\"/>", "text/html"); });
  auto config = polite_config();
  config.respect_robots = false;
  auto r = fetch::make_curl_fetcher(config)->fetch({server.url("/feed"), "", ""});
  EXPECT_EQ(r.outcome, fetch::Outcome::kFetched);
  EXPECT_EQ(r.body, "<rss version=\"2.0\"/>");
  EXPECT_EQ(r.content_type, "text/html");
}

TEST(Misbehaviour, ABotShieldIsToldApartFromAnOrdinaryRefusal) {
  BehaviourServer server;
  server.route("/shield", [](const Request&) {
    Reply r;
    r.status = 403;
    r.headers = {{"cf-mitigated", "challenge"}, {"Server", "cloudflare"}};
    r.body = "<html><title>Just a moment...</title></html>";
    return r;
  });
  server.route("/forbidden", [](const Request&) {
    Reply r;
    r.status = 403;
    r.body = "no";
    return r;
  });
  auto config = polite_config();
  config.respect_robots = false;
  auto r = fetch::make_curl_fetcher(config)->fetch_all({{server.url("/shield"), "", ""}, {server.url("/forbidden"), "", ""}});
  EXPECT_EQ(r[0].failure, fetch::FailureClass::kBlocked);
  EXPECT_EQ(r[1].failure, fetch::FailureClass::kHttpStatus);
}

TEST(Caching, MaxAgeAndExpiresSayHowLongAnAnswerStaysFresh) {
  BehaviourServer server;
  server.route("/max-age", [](const Request&) {
    Reply r = ok();
    r.headers.emplace_back("Cache-Control", "public, s-maxage=60, max-age=900");
    return r;
  });
  server.route("/expires", [](const Request&) {
    Reply r = ok();
    auto now = std::chrono::system_clock::now();
    r.headers.emplace_back("Date", newsdesk::test_support::http_date(now));
    r.headers.emplace_back("Expires", newsdesk::test_support::http_date(now + std::chrono::seconds(600)));
    return r;
  });
  server.route("/no-cache", [](const Request&) {
    Reply r = ok();
    r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
  });
  server.route("/silent", [](const Request&) { return ok(); });
  auto config = polite_config();
  config.respect_robots = false;
  auto r = fetch::make_curl_fetcher(config)->fetch_all({{server.url("/max-age"), "", ""},
                                                         {server.url("/expires"), "", ""},
                                                         {server.url("/no-cache"), "", ""},
                                                         {server.url("/silent"), "", ""}});
  ASSERT_TRUE(r[0].fresh_for_seconds);
  EXPECT_EQ(*r[0].fresh_for_seconds, 900);
  ASSERT_TRUE(r[1].fresh_for_seconds);
  EXPECT_NEAR(static_cast<double>(*r[1].fresh_for_seconds), 600.0, 2.0);
  ASSERT_TRUE(r[2].fresh_for_seconds);
  EXPECT_EQ(*r[2].fresh_for_seconds, 0);
  EXPECT_FALSE(r[3].fresh_for_seconds);
}

TEST(Identity, TheUserAgentCarriesTheContactUrl) {
  BehaviourServer server;
  server.route("/a", [](const Request&) { return ok(); });
  auto config = polite_config();
  config.respect_robots = false;
  config.user_agent = "newsdesk/0.1 (+https://desk.example/about-our-bot)";
  fetch::make_curl_fetcher(config)->fetch({server.url("/a"), "", ""});
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("User-Agent"), config.user_agent);
  EXPECT_NE(seen[0].header("Accept-Encoding").find("gzip"), std::string::npos);
}
