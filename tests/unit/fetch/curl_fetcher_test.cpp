// The fetcher against a real HTTP server on 127.0.0.1 that the test runs.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include <fmt/format.h>

#include "fetch/http_fetcher.hpp"

using namespace newsdesk;

namespace {

class FetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/ok", [this](const httplib::Request&, httplib::Response& res) {
      ++ok_hits_;
      res.set_header("ETag", "\"v1\"");
      res.set_content("hello", "text/plain; charset=utf-8");
    });
    server_.Get("/conditional", [](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("If-None-Match") == "\"v1\"") {
        res.status = 304;
        return;
      }
      res.set_header("ETag", "\"v1\"");
      res.set_content("body", "text/plain");
    });
    server_.Get("/gone", [](const httplib::Request&, httplib::Response& res) { res.status = 410; });
    server_.Get("/busy", [](const httplib::Request&, httplib::Response& res) {
      res.status = 429;
      res.set_header("Retry-After", "120");
    });
    server_.Get("/error", [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(200000, 'x'), "text/plain");
    });
    server_.Get("/redirect", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/ok", 301); });
    server_.Get("/loop", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop", 302); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    config_.allow_private_addresses = true;
    config_.per_domain_delay_ms = 0;  // politeness has its own tests
    config_.max_body_bytes = 100000;
    config_.timeout_seconds = 10;
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const { return fmt::format("http://127.0.0.1:{}{}", port_, path); }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> ok_hits_{0};
  core::FetchConfig config_;
};

}  // namespace

TEST_F(FetcherTest, FetchesBodyTypeAndValidators) {
  auto r = fetch::make_curl_fetcher(config_)->fetch({url("/ok"), "", ""});
  EXPECT_EQ(r.outcome, fetch::Outcome::kFetched);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.etag, "\"v1\"");
  EXPECT_NE(r.content_type.find("charset=utf-8"), std::string::npos);
}

TEST_F(FetcherTest, ConditionalGetGivesNotModified) {
  auto f = fetch::make_curl_fetcher(config_);
  auto first = f->fetch({url("/conditional"), "", ""});
  ASSERT_EQ(first.outcome, fetch::Outcome::kFetched);
  auto second = f->fetch({url("/conditional"), first.etag, ""});
  EXPECT_EQ(second.outcome, fetch::Outcome::kNotModified);
  EXPECT_TRUE(second.body.empty());
}

TEST_F(FetcherTest, StatusesBecomeOutcomes) {
  auto f = fetch::make_curl_fetcher(config_);
  auto all = f->fetch_all({{url("/gone"), "", ""}, {url("/error"), "", ""}, {url("/redirect"), "", ""}});
  EXPECT_EQ(all[0].outcome, fetch::Outcome::kGone);
  EXPECT_EQ(all[1].outcome, fetch::Outcome::kRetryLater);
  EXPECT_EQ(all[1].failure, fetch::FailureClass::kHttpStatus);
  EXPECT_EQ(all[2].outcome, fetch::Outcome::kFetched);
  EXPECT_EQ(all[2].final_url, url("/ok"));
  ASSERT_TRUE(all[2].moved_permanently_to);  // 301 all the way
  EXPECT_EQ(*all[2].moved_permanently_to, url("/ok"));
  auto busy = f->fetch({url("/busy"), "", ""});
  EXPECT_EQ(busy.outcome, fetch::Outcome::kRetryLater);
  ASSERT_TRUE(busy.retry_after_seconds);
  EXPECT_EQ(*busy.retry_after_seconds, 120);
  // The site asked for two minutes' peace: nothing more is asked of it meanwhile.
  int hits = ok_hits_;
  auto after = f->fetch({url("/ok"), "", ""});
  EXPECT_EQ(after.outcome, fetch::Outcome::kRetryLater);
  EXPECT_NE(after.error.find("Retry-After"), std::string::npos) << after.error;
  EXPECT_EQ(ok_hits_, hits);
}

TEST_F(FetcherTest, RedirectLoopsAndHugeBodiesFail) {
  auto f = fetch::make_curl_fetcher(config_);
  auto loop = f->fetch({url("/loop"), "", ""});
  EXPECT_EQ(loop.outcome, fetch::Outcome::kFailed);
  auto big = f->fetch({url("/big"), "", ""});
  EXPECT_EQ(big.outcome, fetch::Outcome::kFailed);
  EXPECT_NE(big.error.find("max_body_bytes"), std::string::npos) << big.error;
}

TEST_F(FetcherTest, LoopbackIsRefusedUnlessAllowed) {
  config_.allow_private_addresses = false;
  auto r = fetch::make_curl_fetcher(config_)->fetch({url("/ok"), "", ""});
  EXPECT_EQ(r.outcome, fetch::Outcome::kFailed);
  EXPECT_NE(r.error.find("non-public address"), std::string::npos) << r.error;
}

TEST_F(FetcherTest, ConnectionRefusedIsRetryLater) {
  auto r = fetch::make_curl_fetcher(config_)->fetch({"http://127.0.0.1:1/", "", ""});
  EXPECT_EQ(r.outcome, fetch::Outcome::kRetryLater);
  EXPECT_FALSE(r.error.empty());
}

TEST(PrivateAddress, KnowsTheNonPublicRanges) {
  for (const char* ip : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                         "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "224.0.0.1", "junk"}) {
    EXPECT_TRUE(fetch::is_private_address(ip)) << ip;
  }
  for (const char* ip : {"93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1"}) {
    EXPECT_FALSE(fetch::is_private_address(ip)) << ip;
  }
}
