// The SMTP client and the sender against a server that misbehaves on demand
// (tests/support/smtp_fault_server.py on 127.0.0.1): refusals and deferrals
// at each step, a connection dropped mid-DATA, a slow server, no PIPELINING,
// STARTTLS and implicit TLS with a certificate the test makes, AUTH, relay
// failover, retries after a deferral, hard bounces and rate limits.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "app/scheduler.hpp"
#include "core/metrics.hpp"
#include "app/sender.hpp"
#include "core/clock.hpp"
#include "core/time.hpp"
#include "desk_fixture.hpp"
#include "mail/mime.hpp"
#include "mail/smtp.hpp"
#include "smtp_servers.hpp"
#include "store/store.hpp"

using namespace newsdesk;
using namespace smtp_servers;
namespace fs = std::filesystem;
using Kind = mail::SmtpOutcome::Kind;

namespace {

// A certificate for 127.0.0.1 (and one without the address in it), made once.
struct Certificates {
  fs::path dir = fs::temp_directory_path() / fmt::format("newsdesk-certs-{}", ::getpid());
  fs::path cert = dir / "cert.pem", key = dir / "key.pem";
  fs::path wrong_cert = dir / "wrong.pem", wrong_key = dir / "wrong-key.pem";
  Certificates() {
    fs::create_directories(dir);
    std::string make = fmt::format(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
        "-keyout '{}' -out '{}' >/dev/null 2>&1 && "
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=mail.elsewhere.example "
        "-keyout '{}' -out '{}' >/dev/null 2>&1",
        key.string(), cert.string(), wrong_key.string(), wrong_cert.string());
    EXPECT_EQ(std::system(make.c_str()), 0);
  }
  ~Certificates() { fs::remove_all(dir); }
};

const Certificates& certificates() {
  static Certificates c;
  return c;
}

mail::SmtpOptions relay(int port, mail::TlsMode tls = mail::TlsMode::kNone) {
  mail::SmtpOptions o;
  o.port = port;
  o.helo_name = "newsdesk.test";
  o.timeouts = mail::SmtpTimeouts(std::chrono::milliseconds(30000));  // far from a loaded machine's slowest answer
  o.tls = tls;
  o.ca_file = certificates().cert.string();
  return o;
}

mail::Envelope envelope(int i, const std::string& to = "") {
  mail::Message m;
  m.from = "Daily Headlines <headlines@news.example>";
  m.to = to.empty() ? fmt::format("reader{}@reader.example", i) : to;
  m.subject = fmt::format("Copy {}", i);
  m.date = *core::parse_rfc3339("2026-11-29T06:00:00Z");
  m.message_id = fmt::format("copy-{}@news.example", i);
  m.text = "Today's stories.\n";
  m.html = "<p>Today's stories.</p>";
  return {fmt::format("bounce+s{}-d1@news.example", i), m.to, *mail::compose(m, std::to_string(i))};
}

std::string tls_options(const std::string& mode) {
  return fmt::format("--{} '{}' '{}'", mode, certificates().cert.string(), certificates().key.string());
}

}  // namespace

TEST(SmtpFaults, EachStepsRefusalOrDeferralIsThatMessagesOutcome) {
  // 550 and 452 at RCPT for chosen recipients, 554 after the final dot for another.
  auto server = fault_server("steps", "--fail rcpt:550:rcpt~gone --fail rcpt:452:rcpt~full --fail eom:554:rcpt~spammy");
  ASSERT_GT(server.port, 0);
  auto sent = mail::smtp_send(relay(server.port), {envelope(1), envelope(2, "gone@reader.example"), envelope(3, "full@reader.example"),
                                                   envelope(4, "spammy@reader.example"), envelope(5)});
  ASSERT_TRUE(sent) << sent.error().message;
  ASSERT_EQ(sent->size(), 5u);
  EXPECT_EQ((*sent)[0].kind, Kind::kSent);
  EXPECT_EQ((*sent)[1].kind, Kind::kFailed);
  EXPECT_EQ((*sent)[1].code, 550);
  EXPECT_EQ((*sent)[2].kind, Kind::kDeferred);
  EXPECT_EQ((*sent)[2].code, 452);
  EXPECT_EQ((*sent)[3].kind, Kind::kFailed);
  EXPECT_EQ((*sent)[3].code, 554);
  EXPECT_EQ((*sent)[4].kind, Kind::kSent) << "the session goes on after refusals";
  EXPECT_EQ(server.stored(), 2u);
}

TEST(SmtpFaults, A421ClosesTheSessionAndDefersTheRest) {
  auto server = fault_server("421", "--fail mail:421:2");
  ASSERT_GT(server.port, 0);
  auto sent = mail::smtp_send(relay(server.port), {envelope(1), envelope(2), envelope(3)});
  ASSERT_TRUE(sent);
  EXPECT_EQ((*sent)[0].kind, Kind::kSent);
  EXPECT_EQ((*sent)[1].kind, Kind::kDeferred);
  EXPECT_EQ((*sent)[1].code, 421);
  EXPECT_TRUE((*sent)[1].connection_lost);
  EXPECT_EQ((*sent)[2].kind, Kind::kDeferred);
  EXPECT_EQ(server.stored(), 1u);
}

TEST(SmtpFaults, AGreetingOf421OrAClosedPortIsAnErrorValue) {
  auto server = fault_server("greeting", "--fail greeting:421");
  ASSERT_GT(server.port, 0);
  auto session = mail::SmtpSession::open(relay(server.port));
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().code, core::ErrorCode::kNetwork);
  EXPECT_NE(session.error().message.find("421"), std::string::npos) << session.error().message;
  auto closed = mail::SmtpSession::open(relay(free_port()));
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().code, core::ErrorCode::kNetwork);
}

TEST(SmtpFaults, ADropInTheMiddleOfDataDefersThatMessageAsLost) {
  auto server = fault_server("drop", "--drop-mid-data 2");
  ASSERT_GT(server.port, 0);
  auto sent = mail::smtp_send(relay(server.port), {envelope(1), envelope(2), envelope(3)});
  ASSERT_TRUE(sent);
  EXPECT_EQ((*sent)[0].kind, Kind::kSent);
  EXPECT_EQ((*sent)[1].kind, Kind::kDeferred);
  EXPECT_TRUE((*sent)[1].connection_lost);
  EXPECT_EQ((*sent)[2].kind, Kind::kDeferred);
  EXPECT_EQ(server.stored(), 1u);
}

TEST(SmtpFaults, ASlowServerTimesOutAtThatStep) {
  auto server = fault_server("slow", "--delay-step eom:3");
  ASSERT_GT(server.port, 0);
  auto options = relay(server.port);
  options.timeouts.data_term = std::chrono::milliseconds(500);
  auto sent = mail::smtp_send(options, {envelope(1)});
  ASSERT_TRUE(sent);
  EXPECT_EQ((*sent)[0].kind, Kind::kDeferred);
  EXPECT_EQ((*sent)[0].code, 0);
  EXPECT_TRUE((*sent)[0].connection_lost);
}

TEST(SmtpFaults, WithoutPipeliningOrExtensionsEveryStepWaitsItsTurn) {
  auto plain = fault_server("nopipe", "--no-pipelining");
  auto old = fault_server("noesmtp", "--no-esmtp");
  ASSERT_GT(plain.port, 0);
  ASSERT_GT(old.port, 0);
  for (int port : {plain.port, old.port}) {
    bool pipelined = true;
    auto sent = mail::smtp_send(relay(port), {envelope(1), envelope(2, "x@reader.example")}, &pipelined);
    ASSERT_TRUE(sent) << sent.error().message;
    EXPECT_FALSE(pipelined);
    EXPECT_EQ((*sent)[0].kind, Kind::kSent);
    EXPECT_EQ((*sent)[1].kind, Kind::kSent);
  }
  EXPECT_EQ(plain.stored(), 2u);
  EXPECT_EQ(old.stored(), 2u);
}

TEST(SmtpFaults, AMessageOverTheServersSizeIsRefusedWithoutSendingIt) {
  auto server = fault_server("size", "--size-limit 2000");
  ASSERT_GT(server.port, 0);
  auto big = envelope(1);
  big.data += std::string(3000, 'x') + "\r\n";
  auto sent = mail::smtp_send(relay(server.port), {big, envelope(2)});
  ASSERT_TRUE(sent);
  EXPECT_EQ((*sent)[0].kind, Kind::kFailed);
  EXPECT_EQ((*sent)[0].code, 552);
  EXPECT_EQ((*sent)[1].kind, Kind::kSent);
}

TEST(SmtpTls, StartTlsWithAVerifiedCertificateAndAuth) {
  auto server = fault_server("starttls", tls_options("starttls") + " --require-tls --auth desk:s3cret");
  ASSERT_GT(server.port, 0);
  auto options = relay(server.port, mail::TlsMode::kStartTls);
  options.username = "desk";
  options.password = "s3cret";
  auto session = mail::SmtpSession::open(options);
  ASSERT_TRUE(session) << session.error().message;
  EXPECT_TRUE((*session)->encrypted());
  EXPECT_TRUE((*session)->pipelining());
  EXPECT_EQ((*session)->send(envelope(1)).kind, Kind::kSent);
  (*session)->quit();
  EXPECT_EQ(server.stored(), 1u);
  // A wrong password is a refusal, not a network trouble: retrying will not mend it.
  options.password = "wrong";
  auto refused = mail::SmtpSession::open(options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kRefused);
  EXPECT_NE(refused.error().message.find("535"), std::string::npos) << refused.error().message;
}

TEST(SmtpTls, ACertificateForAnotherNameIsNotTrusted) {
  auto server = fault_server("wrongcert",
                             fmt::format("--starttls '{}' '{}'", certificates().wrong_cert.string(), certificates().wrong_key.string()));
  ASSERT_GT(server.port, 0);
  auto options = relay(server.port, mail::TlsMode::kStartTls);
  options.ca_file = certificates().wrong_cert.string();  // trusted, but not for 127.0.0.1
  auto session = mail::SmtpSession::open(options);
  ASSERT_FALSE(session);
  EXPECT_NE(session.error().message.find("not trusted"), std::string::npos) << session.error().message;
  options.verify_certificate = false;  // the operator's explicit choice
  auto unverified = mail::SmtpSession::open(options);
  ASSERT_TRUE(unverified) << unverified.error().message;
  EXPECT_TRUE((*unverified)->encrypted());
}

TEST(SmtpTls, StartTlsIsRequiredUnlessTheRelayIsDeclaredPlaintext) {
  auto server = fault_server("notls", "");
  ASSERT_GT(server.port, 0);
  auto session = mail::SmtpSession::open(relay(server.port, mail::TlsMode::kStartTls));
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().code, core::ErrorCode::kRefused);
  EXPECT_NE(session.error().message.find("does not offer STARTTLS"), std::string::npos);
  EXPECT_TRUE(mail::SmtpSession::open(relay(server.port, mail::TlsMode::kNone)));
}

TEST(SmtpTls, ImplicitTlsFromTheFirstByteWithAuthLogin) {
  auto server = fault_server("implicit", tls_options("implicit-tls") + " --auth desk:pw");
  ASSERT_GT(server.port, 0);
  auto options = relay(server.port, mail::TlsMode::kImplicit);
  options.username = "desk";
  options.password = "pw";
  auto sent = mail::smtp_send(options, {envelope(1), envelope(2)});
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ((*sent)[0].kind, Kind::kSent);
  EXPECT_EQ((*sent)[1].kind, Kind::kSent);
  EXPECT_EQ(server.stored(), 2u);
}

// The sender over the ledger, on each store backend: failover, deferral and
// retry, hard bounces, pace.
class SenderFaults : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto desk = test_support::ScratchDatabase::create(GetParam());
    ASSERT_TRUE(desk) << desk.error().message;
    desk_ = std::move(*desk);
    auto opened = store::open_store(desk_->location());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    edition_.name = config_.edition.name;
    edition_.date = "2026-11-29";
    edition_.built_at = now_;
    edition_.subject = "Daily Headlines";
    auto id = store_->editions().save(edition_, {"<p>x</p>", "x", "{}"});
    ASSERT_TRUE(id) << id.error().message;
    edition_.id = *id;
    config_.mail.retry_base_minutes = 5;
    // The fixture's edition carries no story (the relays are under test
    // here); the hold of a thin edition has its own test below.
    config_.edition.min_stories = 0;
  }
  void TearDown() override {
    store_.reset();
    desk_.reset();
  }

  void readers(const std::vector<std::string>& addresses) {
    for (const auto& a : addresses) {
      auto id = store_->subscribers().add(a, "", now_);
      ASSERT_TRUE(id);
      ASSERT_TRUE(store_->subscribers().set_state(*id, core::SubscriberState::kConfirmed, now_));
    }
  }
  void add_relay(const std::string& name, int port, int connections = 2, double rate = 0) {
    config_.mail.relays.push_back(smtp_servers::plaintext_relay(name, port, 3, connections, rate));
  }
  store::DeliveryCounts counts() { return *store_->deliveries().counts(edition_.id); }

  std::unique_ptr<test_support::ScratchDatabase> desk_;
  std::unique_ptr<store::Store> store_;
  core::Config config_;
  core::Edition edition_;
  core::TimePoint now_ = *core::parse_rfc3339("2026-11-29T06:00:00Z");
};
INSTANTIATE_TEST_SUITE_P(Backends, SenderFaults, desk_fixture::backends(), test_support::BackendName());

TEST_P(SenderFaults, AnUnreachableRelayFailsOverToTheNext) {
  auto server = fault_server("failover", "");
  ASSERT_GT(server.port, 0);
  readers({"a@reader.example", "b@reader.example", "c@reader.example"});
  add_relay("down", free_port());
  add_relay("backup", server.port);
  auto report = app::send_edition(*store_, config_, edition_, core::FixedClock(now_));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->sent, 3u);
  EXPECT_EQ(report->sent_by_relay["backup"], 3u);
  ASSERT_FALSE(report->relay_errors.empty());
  EXPECT_NE(report->relay_errors[0].find("down"), std::string::npos);
  EXPECT_EQ(server.stored(), 3u);
}

TEST_P(SenderFaults, AnEditionWithFewerStoriesThanMinStoriesIsHeldUnlessForced) {
  auto server = fault_server("held", "");
  ASSERT_GT(server.port, 0);
  readers({"a@reader.example", "b@reader.example"});
  add_relay("local", server.port);
  config_.edition.min_stories = 3;
  auto held = app::send_edition(*store_, config_, edition_, core::FixedClock(now_));
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_NE(held->held.find("has 0 stories, fewer than [edition] min_stories = 3"), std::string::npos) << held->held;
  EXPECT_EQ(held->sent, 0u);
  EXPECT_EQ(counts().queued, 0u) << "a held edition queues no copy";
  EXPECT_EQ(server.stored(), 0u);
  app::SendOptions force;
  force.force = true;
  auto forced = app::send_edition(*store_, config_, edition_, core::FixedClock(now_), force);
  ASSERT_TRUE(forced) << forced.error().message;
  EXPECT_TRUE(forced->held.empty());
  EXPECT_EQ(forced->sent, 2u);
  // Once copies are out, a run without --force finishes the send instead of holding it.
  readers({"c@reader.example"});
  auto resumed = app::send_edition(*store_, config_, edition_, core::FixedClock(now_));
  ASSERT_TRUE(resumed) << resumed.error().message;
  EXPECT_TRUE(resumed->held.empty()) << resumed->held;
  EXPECT_EQ(server.stored(), 3u);
}

TEST_P(SenderFaults, WithNoRelayReachableEverythingStaysQueued) {
  readers({"a@reader.example", "b@reader.example"});
  add_relay("down", free_port());
  auto report = app::send_edition(*store_, config_, edition_, core::FixedClock(now_));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->stopped);
  EXPECT_EQ(report->sent, 0u);
  EXPECT_EQ(counts().queued, 2u);
  EXPECT_EQ(counts().sending, 0u) << "nothing may be left in flight when nothing was sent";
}

TEST_P(SenderFaults, ADeferredCopyWaitsItsTurnAndThenGoes) {
  auto server = fault_server("defer", "--fail rcpt:451:1");  // only the first RCPT is deferred
  ASSERT_GT(server.port, 0);
  readers({"a@reader.example", "b@reader.example"});
  add_relay("local", server.port, 1);
  auto first = app::send_edition(*store_, config_, edition_, core::FixedClock(now_));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->sent, 1u);
  EXPECT_EQ(first->deferred, 1u);
  ASSERT_TRUE(first->next_retry);
  EXPECT_EQ(*first->next_retry, now_ + std::chrono::minutes(5));
  // Not yet due: nothing goes.
  auto early = app::send_edition(*store_, config_, edition_, core::FixedClock(now_ + std::chrono::minutes(1)));
  ASSERT_TRUE(early);
  EXPECT_EQ(early->sent, 0u);
  EXPECT_EQ(counts().deferred, 1u);
  auto later = app::send_edition(*store_, config_, edition_, core::FixedClock(now_ + std::chrono::minutes(6)));
  ASSERT_TRUE(later);
  EXPECT_EQ(later->sent, 1u);
  EXPECT_EQ(counts().sent, 2u);
  EXPECT_EQ(server.stored(), 2u);
}

TEST_P(SenderFaults, AnAddressRefusedOutrightIsAHardBounceAndSuppressed) {
  // 553 5.1.3: the address itself; 550 5.7.1: a policy block, the sender's trouble, not the reader's.
  auto server = fault_server("hard", "--fail rcpt:553:rcpt~gone --fail rcpt:550:rcpt~blocked");
  ASSERT_GT(server.port, 0);
  readers({"gone@reader.example", "blocked@reader.example", "here@reader.example"});
  add_relay("local", server.port);
  auto report = app::send_edition(*store_, config_, edition_, core::FixedClock(now_));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->sent, 1u);
  EXPECT_EQ(report->failed, 2u);
  EXPECT_EQ(report->hard_bounces, 1u);
  auto gone = store_->subscribers().find_by_email("gone@reader.example");
  ASSERT_TRUE(gone && *gone);
  EXPECT_EQ((*gone)->state, core::SubscriberState::kBounced);
  auto blocked = store_->subscribers().find_by_email("blocked@reader.example");
  ASSERT_TRUE(blocked && *blocked);
  EXPECT_EQ((*blocked)->state, core::SubscriberState::kConfirmed);
}

TEST_P(SenderFaults, ALostConnectionsCopyGoesAgainOnANewOneInTheSameRun) {
  auto server = fault_server("lost", "--drop-mid-data 2");
  ASSERT_GT(server.port, 0);
  readers({"a@reader.example", "b@reader.example", "c@reader.example"});
  add_relay("local", server.port, 1);
  auto report = app::send_edition(*store_, config_, edition_, core::FixedClock(now_));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(counts().sent, 3u);
  EXPECT_EQ(server.stored(), 3u);
}

// The copies' slots as the sender's pacing gave them: the sender's own
// schedule, not a stopwatch around the run.
struct PacedSlots {
  std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> slots;  // domain, slot
  app::SendOptions options() {
    app::SendOptions o;
    o.paced = [this](const std::string&, const std::string& domain, std::chrono::steady_clock::time_point at) {
      slots.emplace_back(domain, at);
    };
    return o;
  }
  // The slots of copies to `domain` (every copy when empty), in order.
  std::vector<std::chrono::steady_clock::time_point> of(const std::string& domain = "") const {
    std::vector<std::chrono::steady_clock::time_point> out;
    for (const auto& [d, at] : slots)
      if (domain.empty() || d == domain) out.push_back(at);
    std::sort(out.begin(), out.end());
    return out;
  }
  // The smallest gap between two of them.
  static std::chrono::steady_clock::duration closest(const std::vector<std::chrono::steady_clock::time_point>& at) {
    auto least = std::chrono::steady_clock::duration::max();
    for (size_t k = 1; k < at.size(); ++k) least = std::min(least, at[k] - at[k - 1]);
    return least;
  }
};

TEST_P(SenderFaults, TheRelaysRateSpacesTheCopies) {
  auto server = fault_server("rate", "");
  ASSERT_GT(server.port, 0);
  std::vector<std::string> list;
  for (int i = 0; i < 10; ++i) list.push_back(fmt::format("r{}@reader.example", i));
  readers(list);
  add_relay("local", server.port, 2, /*rate=*/20);
  PacedSlots paced;
  auto report = app::send_edition(*store_, config_, edition_, core::FixedClock(now_), paced.options());
  ASSERT_TRUE(report);
  EXPECT_EQ(report->sent, 10u);
  // Ten copies at twenty a second over two connections: 50 ms apart at least.
  auto all = paced.of();
  ASSERT_EQ(all.size(), 10u);
  EXPECT_GE(PacedSlots::closest(all), std::chrono::milliseconds(50));
}

TEST_P(SenderFaults, ADestinationDomainsRateSpacesItsCopiesOnly) {
  auto server = fault_server("domainrate", "");
  ASSERT_GT(server.port, 0);
  std::vector<std::string> list;
  for (int i = 0; i < 6; ++i) list.push_back(fmt::format("r{}@slow.example", i));
  for (int i = 0; i < 20; ++i) list.push_back(fmt::format("r{}@fast.example", i));
  readers(list);
  add_relay("local", server.port, 4);
  config_.mail.domain_rates.emplace_back("slow.example", 10);
  PacedSlots paced;
  auto report = app::send_edition(*store_, config_, edition_, core::FixedClock(now_), paced.options());
  ASSERT_TRUE(report);
  EXPECT_EQ(report->sent, 26u);
  // Six copies to slow.example at ten a second: 100 ms apart at least.
  auto slow = paced.of("slow.example");
  ASSERT_EQ(slow.size(), 6u);
  EXPECT_GE(PacedSlots::closest(slow), std::chrono::milliseconds(100));
  EXPECT_EQ(paced.of("fast.example").size(), 20u);
}

namespace {

// The recipients of every message the server stored, each as often as it came.
std::map<std::string, int> recipients_stored(const Server& server) {
  std::map<std::string, int> seen;
  for (const auto& f : fs::directory_iterator(server.dir / "mail")) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path());
    std::string from, to;
    std::getline(in, from);
    std::getline(in, to);
    const std::string prefix = "X-Envelope-To: ";
    EXPECT_EQ(to.rfind(prefix, 0), 0u) << f.path();
    if (!to.empty() && to.back() == '\r') to.pop_back();
    std::stringstream list(to.substr(std::min(prefix.size(), to.size())));
    for (std::string rcpt; std::getline(list, rcpt, ',');) ++seen[rcpt];
  }
  return seen;
}

}  // namespace

// Two senders at once on one edition, each with a store of its own (as two
// processes or machines would be): every reader gets one copy, and both send.
TEST_P(SenderFaults, TwoSendersAtOnceSendEveryCopyExactlyOnce) {
  auto server = fault_server("twosenders", "");
  ASSERT_GT(server.port, 0);
  constexpr int kReaders = 200;
  std::vector<std::string> list;
  for (int i = 0; i < kReaders; ++i) list.push_back(fmt::format("r{}@reader.example", i));
  readers(list);
  add_relay("local", server.port, 2);
  auto other = store::open_store(desk_->location());
  ASSERT_TRUE(other) << other.error().message;

  // Each sender's first copy waits (a minute at most) until the other has one
  // in hand too: by then each has claimed a page the other cannot take, so
  // both send some, whichever starts first. Pages of 5 copies.
  std::mutex mu;
  std::condition_variable both;
  int arrived = 0;
  bool met = true;
  auto options = [&] {
    app::SendOptions o;
    o.page = 5;
    o.paced = [&, first = std::make_shared<bool>(true)](const std::string&, const std::string&, std::chrono::steady_clock::time_point) {
      if (!std::exchange(*first, false)) return;
      std::unique_lock lock(mu);
      ++arrived;
      both.notify_all();
      if (!both.wait_for(lock, std::chrono::minutes(1), [&] { return arrived >= 2; })) met = false;
    };
    return o;
  };
  core::Result<app::SendReport> one, two;
  const core::FixedClock clock(now_);
  std::thread first([&, o = options()] { one = app::send_edition(*store_, config_, edition_, clock, o); });
  std::thread second([&, o = options()] { two = app::send_edition(**other, config_, edition_, clock, o); });
  first.join();
  second.join();
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_TRUE(two) << two.error().message;
  EXPECT_TRUE(met) << "the senders did not both get copies within a minute";

  auto seen = recipients_stored(server);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kReaders)) << "every reader has the edition";
  for (const auto& [rcpt, n] : seen) EXPECT_EQ(n, 1) << rcpt << " got " << n << " copies";
  EXPECT_EQ(counts().sent, static_cast<size_t>(kReaders)) << "the ledger says every copy was sent";
  EXPECT_EQ(counts().sending + counts().queued, 0u);
  EXPECT_EQ(one->sent + two->sent, static_cast<size_t>(kReaders)) << "each copy is in one report";
  EXPECT_GT(one->sent, 0u);
  EXPECT_GT(two->sent, 0u);
}

// Editions on schedule: nothing before the send time; at it, the edition is
// built and sent; looked at again, nothing more goes.
TEST_P(SenderFaults, TheSchedulerHoldsAThinEditionAndSaysWhy) {
  auto server = fault_server("thin", "");
  ASSERT_GT(server.port, 0);
  readers({"a@reader.example", "b@reader.example"});
  add_relay("local", server.port);
  config_.store.set_location(desk_->location());
  config_.edition.name = "Outage Brief";  // built by the scheduler from a store with no story: a day the outlets were down
  config_.edition.min_stories = 3;
  config_.edition.send_time = "06:00";
  core::FixedClock at_send_time(*core::parse_rfc3339("2026-11-29T06:00:10Z"));
  app::EditionScheduler scheduler(config_, *store_, at_send_time);
  auto next = scheduler.run_due();
  ASSERT_TRUE(next) << next.error().message;
  auto built = store_->editions().by_date("Outage Brief", "2026-11-29");
  ASSERT_TRUE(built && built->has_value()) << "built and kept, for the site and for send --force";
  EXPECT_TRUE((*built)->items.empty());
  EXPECT_EQ((*built)->subject, "Outage Brief: no stories today");
  auto ledger = *store_->deliveries().counts((*built)->id);
  EXPECT_EQ(ledger.queued + ledger.sending + ledger.sent + ledger.deferred + ledger.failed, 0u) << "no copy queued";
  EXPECT_NE(core::Metrics::global().render().find("newsdesk_edition_held{edition=\"Outage Brief\"} 1"), std::string::npos)
      << core::Metrics::global().render();
  ASSERT_TRUE(scheduler.run_due());
  EXPECT_EQ(server.stored(), 0u) << "held for the day, not tried again and again";
}

TEST_P(SenderFaults, TheSchedulerBuildsAndSendsAtTheLocalSendTime) {
  auto server = fault_server("schedule", "");
  ASSERT_GT(server.port, 0);
  readers({"a@reader.example", "b@reader.example"});
  add_relay("local", server.port);
  config_.store.set_location(desk_->location());  // the scheduler's sender opens a store of its own on the desk
  config_.edition.name = "Evening Brief";  // not the fixture's edition: this one is built by the scheduler
  config_.edition.time_zone = "America/New_York";
  config_.edition.send_time = "18:00";
  // 17:59 in New York on 29 November (EST, UTC-5) is 22:59Z.
  const auto before = *core::parse_rfc3339("2026-11-29T22:59:00Z");
  core::FixedClock early(before);
  app::EditionScheduler not_yet(config_, *store_, early);
  auto next = not_yet.run_due();
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(core::format_rfc3339(*next), "2026-11-29T23:00:00Z");
  EXPECT_EQ(server.stored(), 0u);
  auto none = store_->editions().by_date("Evening Brief", "2026-11-29");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());

  // Another scheduler of the desk is building it: this one waits for that
  // build (it would send its own version) and looks again in a few seconds.
  const auto at_send_time = *core::parse_rfc3339("2026-11-29T23:00:30Z");
  const std::string build = "edition Evening Brief/2026-11-29";
  ASSERT_TRUE(*store_->lead(build, {"another-worker", at_send_time, at_send_time + std::chrono::seconds(60)}));
  core::FixedClock on_time(at_send_time);
  app::EditionScheduler scheduler(config_, *store_, on_time);
  auto waits = scheduler.run_due();
  ASSERT_TRUE(waits) << waits.error().message;
  EXPECT_EQ(core::format_rfc3339(*waits), "2026-11-29T23:00:35Z");
  none = store_->editions().by_date("Evening Brief", "2026-11-29");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value()) << "built while another was building it";
  EXPECT_EQ(server.stored(), 0u);
  // That one stopped without building it: this one builds it and lets go at once.
  ASSERT_TRUE(*store_->lead(build, {"another-worker", at_send_time, at_send_time}));
  auto sent = scheduler.run_due();
  ASSERT_TRUE(sent) << sent.error().message;
  auto built = store_->editions().by_date("Evening Brief", "2026-11-29");
  ASSERT_TRUE(built && built->has_value());
  EXPECT_TRUE(*store_->lead(build, {"a-third-worker", at_send_time, at_send_time + std::chrono::seconds(60)}))
      << "the builder kept the lead after its build";
  for (int i = 0; i < 3000 && server.stored() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a minute at most
  EXPECT_EQ(server.stored(), 2u);
  ASSERT_TRUE(scheduler.run_due());
  EXPECT_EQ(server.stored(), 2u) << "a finished edition is not sent again";
  // The next day's slot is the next thing to look at.
  auto tomorrow = app::send_slot(config_.edition, *core::parse_rfc3339("2026-11-30T12:00:00Z"));
  ASSERT_TRUE(tomorrow);
  EXPECT_EQ(tomorrow->date, "2026-11-30");
  EXPECT_EQ(core::format_rfc3339(tomorrow->send_at), "2026-11-30T23:00:00Z");
}
