// The abuse limits of the site counted by every web node of a desk together:
// two nodes, each with a store connection of its own on one desk (as two
// `serve --no-poll --no-send` behind a load balancer), share the sign-up
// limits per network and per address and the admin login limit per network.
// Time is a clock the test moves: nothing sleeps. On each store backend.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <regex>

#include "core/clock.hpp"
#include "core/signed_link.hpp"
#include "core/time.hpp"
#include "desk_fixture.hpp"
#include "store/store.hpp"
#include "web/admin.hpp"
#include "web/subscriptions.hpp"

using namespace newsdesk;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

// A clock the test moves forward.
class TestClock final : public core::Clock {
 public:
  explicit TestClock(core::TimePoint t) : seconds_(t.time_since_epoch().count()) {}
  core::TimePoint now() const override { return core::TimePoint(std::chrono::seconds(seconds_.load())); }
  void advance(std::chrono::seconds by) { seconds_ += by.count(); }

 private:
  std::atomic<std::int64_t> seconds_;
};

// A store whose rate limits fail, everything else passed on: the desk's
// store in trouble while counting.
class FailingRateLimits final : public store::RateLimitRepository {
 public:
  core::Result<int> hit(const std::string&, core::TimePoint, std::chrono::seconds) override {
    return core::fail(core::ErrorCode::kDatabase, "the rate_limits table is gone (test)");
  }
  core::Result<size_t> prune(core::TimePoint) override {
    return core::fail(core::ErrorCode::kDatabase, "the rate_limits table is gone (test)");
  }
};
class StoreFailingToCount final : public store::Store {
 public:
  explicit StoreFailingToCount(std::unique_ptr<store::Store> s) : s_(std::move(s)) {}
  store::SourceRepository& sources() override { return s_->sources(); }
  store::FeedRepository& feeds() override { return s_->feeds(); }
  store::FeedEntryRepository& entries() override { return s_->entries(); }
  store::ArticleRepository& articles() override { return s_->articles(); }
  store::StoryRepository& stories() override { return s_->stories(); }
  store::EditionRepository& editions() override { return s_->editions(); }
  store::SubscriberRepository& subscribers() override { return s_->subscribers(); }
  store::DeliveryRepository& deliveries() override { return s_->deliveries(); }
  store::BounceRepository& bounces() override { return s_->bounces(); }
  store::SearchRepository& search() override { return s_->search(); }
  store::SiteLeaseRepository& sites() override { return s_->sites(); }
  store::WorkerRegistry& workers() override { return s_->workers(); }
  store::RateLimitRepository& rate_limits() override { return failing_; }
  core::Result<void> transaction(const std::function<core::Result<void>()>& work) override { return s_->transaction(work); }
  int schema_version() override { return s_->schema_version(); }
  core::Result<void> compact() override { return s_->compact(); }
  core::Result<std::string> secret(const std::string& name) override { return s_->secret(name); }
  core::Result<store::DeskCounts> counts() override { return s_->counts(); }
  core::Result<bool> lead(const std::string& role, const store::Claim& claim) override { return s_->lead(role, claim); }
  core::Result<bool> wait_for_work(const std::vector<std::string>& channels, std::chrono::milliseconds timeout) override {
    return s_->wait_for_work(channels, timeout);
  }

 private:
  std::unique_ptr<store::Store> s_;
  FailingRateLimits failing_;
};

const web::SiteInfo kSite{"Daily Headlines", "", ""};
constexpr const char* kPassword = "correct horse battery";

// One web node: a store connection of its own, its mutex, its pages.
struct Node {
  std::unique_ptr<store::Store> store;
  std::mutex mutex;
  std::unique_ptr<web::Subscriptions> subscriptions;
  std::unique_ptr<web::Admin> admin;
};

class RateLimits : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto desk = test_support::ScratchDatabase::create(GetParam());
    ASSERT_TRUE(desk) << desk.error().message;
    desk_ = std::move(*desk);
    config_.subscribers.signups_per_ip_per_hour = 3;
    config_.subscribers.signups_per_address_per_day = 2;
    config_.admin.password_hash = core::password_hash(kPassword, 1000);
    a_ = start(false);
    b_ = start(false);
    ASSERT_TRUE(a_ && b_);
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    desk_.reset();
  }

  std::unique_ptr<Node> start(bool failing_to_count) {
    auto opened = store::open_store(desk_->location());
    EXPECT_TRUE(opened) << opened.error().message;
    if (!opened) return nullptr;
    auto node = std::make_unique<Node>();
    node->store = failing_to_count ? std::make_unique<StoreFailingToCount>(std::move(*opened)) : std::move(*opened);
    node->subscriptions = std::make_unique<web::Subscriptions>(
        config_, kSite, *node->store, node->mutex,
        [this](const std::string& to, const std::string&) -> core::Result<void> {
          mailed_.push_back(to);
          return {};
        },
        clock_);
    node->admin = std::make_unique<web::Admin>(config_, kSite, *node->store, node->mutex, clock_);
    return node;
  }

  // Signs `email` up on `node` from `ip`, with a form fetched from that node.
  int sign_up(Node& node, const std::string& email, const std::string& ip) {
    web::Request ask;
    ask.cookie = std::string(32, 'c');
    ask.ip = ip;
    const web::Response form = node.subscriptions->signup_form(ask);
    std::smatch m;
    EXPECT_TRUE(std::regex_search(form.body, m, std::regex("name=\"form\" value=\"([^\"]+)\""))) << form.body;
    web::Request r = ask;
    r.params = {{"form", m.empty() ? std::string() : std::string(m[1])}, {"email", email}};
    return node.subscriptions->signup(r).status;
  }

  web::Response log_in(Node& node, const std::string& password, const std::string& ip) {
    web::Request r;
    r.ip = ip;
    r.params = {{"password", password}};
    return node.admin->handle("POST", "/admin/login", r);
  }

  core::Config config_;
  TestClock clock_{*core::parse_rfc3339("2026-11-29T09:00:00Z")};
  std::unique_ptr<test_support::ScratchDatabase> desk_;
  std::vector<std::string> mailed_;  // confirmation mails, to whom
  std::unique_ptr<Node> a_;
  std::unique_ptr<Node> b_;
};
INSTANTIATE_TEST_SUITE_P(Backends, RateLimits, desk_fixture::backends(), test_support::BackendName());

}  // namespace

TEST_P(RateLimits, SignUpsFromOneNetworkAddUpAcrossNodes) {
  EXPECT_EQ(sign_up(*a_, "r1@reader.example", "192.0.2.7"), 200);
  EXPECT_EQ(sign_up(*b_, "r2@reader.example", "192.0.2.7"), 200);
  EXPECT_EQ(sign_up(*a_, "r3@reader.example", "192.0.2.7"), 200);
  EXPECT_EQ(sign_up(*b_, "r4@reader.example", "192.0.2.7"), 429) << "the 4th from one network, on the other node";
  EXPECT_EQ(sign_up(*a_, "r5@reader.example", "192.0.2.7"), 429);
  EXPECT_EQ(sign_up(*b_, "r6@reader.example", "198.51.100.1"), 200) << "another network is counted apart";
  EXPECT_EQ(mailed_.size(), 4u);

  clock_.advance(hours(1) - std::chrono::seconds(1));
  EXPECT_EQ(sign_up(*b_, "r7@reader.example", "192.0.2.7"), 429) << "the hour is not over";
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(sign_up(*b_, "r8@reader.example", "192.0.2.7"), 200) << "an hour later the network is let in again";
  EXPECT_EQ(sign_up(*a_, "r9@reader.example", "192.0.2.7"), 200);
  EXPECT_EQ(mailed_.size(), 6u);
}

TEST_P(RateLimits, ConfirmationMailsToOneAddressAddUpAcrossNodes) {
  // From a new network each time: only the address's own limit applies.
  EXPECT_EQ(sign_up(*a_, "ada@reader.example", "192.0.2.1"), 200);
  EXPECT_EQ(sign_up(*b_, "ada@reader.example", "192.0.2.2"), 200);
  EXPECT_EQ(sign_up(*a_, "ada@reader.example", "192.0.2.3"), 200) << "the same answer, whatever is sent";
  EXPECT_EQ(sign_up(*b_, "ADA@reader.example", "192.0.2.4"), 200);
  EXPECT_EQ(mailed_, (std::vector<std::string>{"ada@reader.example", "ada@reader.example"}))
      << "two mails a day to one inbox, from both nodes together";

  clock_.advance(hours(24));
  EXPECT_EQ(sign_up(*b_, "ada@reader.example", "192.0.2.5"), 200);
  EXPECT_EQ(mailed_.size(), 3u) << "a day later the inbox gets one again";

  // The table keeps no address in clear: a tag under the desk's secret.
  const auto key = web::rate_limit_key("secret", "signup-email", "ada@reader.example");
  EXPECT_EQ(key.rfind("signup-email:", 0), 0u);
  EXPECT_EQ(key.find("ada"), std::string::npos);
  if (desk_->backend() == "postgresql") {
    auto keys = desk_->run_sql("SELECT string_agg(key, ' ') FROM rate_limits");
    ASSERT_TRUE(keys) << keys.error().message;
    EXPECT_NE(keys->find("signup-email:"), std::string::npos) << *keys;
    EXPECT_EQ(keys->find("reader.example"), std::string::npos) << *keys;
  }
}

TEST_P(RateLimits, AdminLoginsFromOneNetworkAddUpAcrossNodes) {
  for (int i = 0; i < 10; ++i) {
    Node& node = i % 2 == 0 ? *a_ : *b_;
    EXPECT_EQ(log_in(node, "guess", "192.0.2.7").status, 403) << "attempt " << i + 1;
  }
  const web::Response refused = log_in(*b_, kPassword, "192.0.2.7");
  EXPECT_EQ(refused.status, 429) << "the 11th attempt, on either node, even with the password";
  EXPECT_NE(refused.body.find("Too many attempts"), std::string::npos);
  EXPECT_EQ(log_in(*a_, kPassword, "192.0.2.7").status, 429);
  EXPECT_EQ(log_in(*a_, kPassword, "198.51.100.1").status, 303) << "another network is counted apart";

  clock_.advance(minutes(15));
  const web::Response in = log_in(*b_, kPassword, "192.0.2.7");
  EXPECT_EQ(in.status, 303) << "a quarter of an hour later the network is let in again";
  EXPECT_NE(in.set_cookie.find(web::Admin::kCookie), std::string::npos);
}

TEST_P(RateLimits, AStoreThatCannotCountLetsReadersInButNoAdminLogin) {
  auto broken = start(true);
  ASSERT_TRUE(broken);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(sign_up(*broken, "r" + std::to_string(i) + "@reader.example", "192.0.2.7"), 200)
        << "a sign-up is never refused for the store's trouble in counting";
  }
  EXPECT_EQ(mailed_.size(), 5u);

  const web::Response refused = log_in(*broken, kPassword, "192.0.2.7");
  EXPECT_EQ(refused.status, 503) << "uncounted logins would let a password be guessed without limit";
  EXPECT_NE(refused.body.find("cannot count attempts"), std::string::npos) << refused.body;
  EXPECT_TRUE(refused.set_cookie.empty());
  EXPECT_EQ(log_in(*a_, kPassword, "192.0.2.7").status, 303) << "a node whose store counts lets the admin in";
}
