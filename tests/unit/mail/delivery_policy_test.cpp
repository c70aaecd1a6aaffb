// The ledger's verdicts on SMTP outcomes, and the pacing of copies.
#include <gtest/gtest.h>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "mail/delivery_policy.hpp"

using namespace newsdesk;
using Kind = mail::SmtpOutcome::Kind;
using State = core::DeliveryState;

namespace {
const core::TimePoint kStart = *core::parse_rfc3339("2026-11-29T06:00:00Z");
mail::SmtpOutcome reply(Kind kind, int code, const std::string& text, bool lost = false) { return {kind, code, text, lost}; }
}  // namespace

TEST(DeliveryPolicy, AcceptedIsSentAndRefusedIsFailed) {
  mail::RetryPolicy policy;
  EXPECT_EQ(mail::judge(reply(Kind::kSent, 250, "250 2.0.0 ok"), 1, kStart, kStart, policy).state, State::kSent);
  auto refused = mail::judge(reply(Kind::kFailed, 550, "550 5.1.1 no such user"), 1, kStart, kStart, policy);
  EXPECT_EQ(refused.state, State::kFailed);
  EXPECT_TRUE(refused.hard_bounce);
  EXPECT_NE(refused.why.find("5.1.1"), std::string::npos);
}

TEST(DeliveryPolicy, OnlyTheAddressItselfBeingRefusedIsAHardBounce) {
  mail::RetryPolicy policy;
  // Policy blocks and content refusals are the sender's problem, not the reader's address.
  EXPECT_FALSE(mail::judge(reply(Kind::kFailed, 554, "554 5.7.1 blocked"), 1, kStart, kStart, policy).hard_bounce);
  EXPECT_FALSE(mail::judge(reply(Kind::kFailed, 552, "552 5.3.4 too big"), 1, kStart, kStart, policy).hard_bounce);
  EXPECT_TRUE(mail::judge(reply(Kind::kFailed, 550, "550 no such mailbox"), 1, kStart, kStart, policy).hard_bounce);
  EXPECT_FALSE(mail::judge(reply(Kind::kFailed, 554, "554 rejected"), 1, kStart, kStart, policy).hard_bounce);
}

TEST(DeliveryPolicy, TemporaryFailuresBackOffUntilTheDeadline) {
  mail::RetryPolicy policy;  // 5 minutes, doubling, at most an hour, for 24 hours
  auto later = reply(Kind::kDeferred, 451, "451 4.3.0 try later");
  auto first = mail::judge(later, 1, kStart, kStart, policy);
  EXPECT_EQ(first.state, State::kDeferred);
  EXPECT_EQ(*first.retry_at, kStart + std::chrono::minutes(5));
  EXPECT_EQ(*mail::judge(later, 3, kStart, kStart, policy).retry_at, kStart + std::chrono::minutes(20));
  EXPECT_EQ(*mail::judge(later, 12, kStart, kStart, policy).retry_at, kStart + std::chrono::hours(1));
  auto late = kStart + std::chrono::hours(23) + std::chrono::minutes(30);
  auto gave_up = mail::judge(later, 30, kStart, late, policy);
  EXPECT_EQ(gave_up.state, State::kFailed);
  EXPECT_NE(gave_up.why.find("gave up after 30 attempts"), std::string::npos);
  EXPECT_FALSE(gave_up.hard_bounce);
}

TEST(DeliveryPolicy, ALostConnectionIsTriedAgainAtOnce) {
  mail::RetryPolicy policy;
  auto v = mail::judge(reply(Kind::kDeferred, 0, "no reply", true), 1, kStart, kStart, policy);
  EXPECT_EQ(v.state, State::kDeferred);
  EXPECT_EQ(*v.retry_at, kStart);
  // A 421 closes the connection too, but says "later": it waits.
  auto closing = mail::judge(reply(Kind::kDeferred, 421, "421 4.7.0 too many", true), 1, kStart, kStart, policy);
  EXPECT_EQ(*closing.retry_at, kStart + std::chrono::minutes(5));
}

TEST(DeliveryPolicy, EnhancedStatusIsReadFromTheReply) {
  EXPECT_EQ(mail::enhanced_status("550 5.1.1 no such user"), "5.1.1");
  EXPECT_EQ(mail::enhanced_status("550 5.1.10 recipient not found"), "5.1.10");
  EXPECT_EQ(mail::enhanced_status("550 no such user"), "");
  EXPECT_EQ(mail::enhanced_status("451 4.3.0"), "4.3.0");
  EXPECT_EQ(mail::enhanced_status(""), "");
}

TEST(DeliveryPolicy, APacerSpacesEventsAtItsRate) {
  mail::Pacer pacer(10);  // ten a second
  auto t0 = mail::Pacer::Clock::now();
  EXPECT_EQ(pacer.reserve(t0), t0);
  EXPECT_EQ(pacer.reserve(t0), t0 + std::chrono::milliseconds(100));
  EXPECT_EQ(pacer.reserve(t0), t0 + std::chrono::milliseconds(200));
  // After a pause the pace starts from now, without a burst of saved-up slots beyond one.
  auto later = t0 + std::chrono::seconds(5);
  EXPECT_EQ(pacer.reserve(later), later);
  mail::Pacer unlimited;
  EXPECT_EQ(unlimited.reserve(t0), t0);
  EXPECT_EQ(unlimited.reserve(t0), t0);
}

TEST(DeliveryPolicy, AddressDomainIsLowerCased) {
  EXPECT_EQ(core::address_domain("Ada@Mail.Example"), "mail.example");
  EXPECT_EQ(core::address_domain("nobody"), "");
  EXPECT_EQ(core::address_domain("Desk <desk@News.Example>"), "news.example");
}
