// The SMTP client against real servers on 127.0.0.1: Postfix's smtp-sink
// (which offers PIPELINING) and an aiosmtpd server that refuses and defers
// some recipients and keeps every message it accepts.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include "core/time.hpp"
#include "mail/mime.hpp"
#include "app/sender.hpp"
#include "mail/smtp.hpp"
#include "desk_fixture.hpp"
#include "store/store.hpp"
#include "smtp_servers.hpp"

#ifndef NEWSDESK_TESTS_DIR
#define NEWSDESK_TESTS_DIR "tests"
#endif

using namespace newsdesk;
namespace fs = std::filesystem;
using namespace smtp_servers;

namespace {

std::string message(int i) {
  mail::Message m;
  m.from = "Daily Headlines <headlines@news.example>";
  m.to = fmt::format("reader{}@reader.example", i);
  m.subject = fmt::format("Daily Headlines #{}", i);
  m.date = *core::parse_rfc3339("2026-11-29T06:00:00Z");
  m.message_id = fmt::format("copy-{}@news.example", i);
  m.text = ".a line that starts with a dot\nand another\n";
  m.html = "<p>.hello</p>";
  return *mail::compose(m, std::to_string(i));
}

// The whole send over the ledger on each store backend.
class EditionSend : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Backends, EditionSend, desk_fixture::backends(), test_support::BackendName());

}  // namespace

TEST(Smtp, DotStuffingDoublesLeadingDotsAndEndsTheData) {
  EXPECT_EQ(mail::dot_stuff(".a\r\nb\r\n..c"), "..a\r\nb\r\n...c\r\n.\r\n");
  EXPECT_EQ(mail::dot_stuff("x\r\n"), "x\r\n.\r\n");
}

TEST(Smtp, ManyMessagesGoOverOnePipelinedConnectionToSmtpSink) {
  int port = free_port();
  Server sink("sink", [&](const fs::path& mail, const fs::path& port_file, const fs::path& pid_file) {
    // As root smtp-sink must be told whom to run as; otherwise it runs as the caller.
    return fmt::format("(smtp-sink $([ \"$(id -u)\" = 0 ] && echo -u nobody) -d '{}/%H%M%S.' 127.0.0.1:{} 64 & "
                       "echo $! > '{}'; echo {} > '{}') >/dev/null 2>&1",
                       mail.string(), port, pid_file.string(), port, port_file.string());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // smtp-sink listens at once, but give it a moment
  std::vector<mail::Envelope> batch;
  for (int i = 0; i < 40; ++i) batch.push_back({"bounce+s1-d" + std::to_string(i) + "@news.example", fmt::format("reader{}@reader.example", i), message(i)});
  bool pipelined = false;
  auto sent = mail::smtp_send(plaintext(sink.port, 5000), batch, &pipelined);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_TRUE(pipelined);
  ASSERT_EQ(sent->size(), 40u);
  for (const auto& o : *sent) EXPECT_EQ(o.kind, mail::SmtpOutcome::Kind::kSent) << o.reply;
  for (int i = 0; i < 1200 && sink.stored() < 40; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a minute at most
  EXPECT_EQ(sink.stored(), 40u);
}

TEST(Smtp, EachRecipientGetsItsOwnOutcomeAndNothingIsLost) {
  Server server = aiosmtpd("aiosmtpd");
  ASSERT_GT(server.port, 0);
  // The first is raw, with a body line that starts with a dot (dot-stuffing must undo to it).
  const std::string raw = "From: headlines@news.example\r\nTo: ada@reader.example\r\nSubject: raw\r\n\r\n"
                          ".a line that starts with a dot\r\n..and one with two\r\n";
  std::vector<mail::Envelope> batch = {{"bounce+s1-d1@news.example", "ada@reader.example", raw},
                                       {"bounce+s2-d2@news.example", "reject-me@reader.example", message(2)},
                                       {"bounce+s3-d3@news.example", "later@reader.example", message(3)},
                                       {"bounce+s4-d4@news.example", "bad address@reader.example", message(4)},
                                       {"bounce+s5-d5@news.example", "grace@reader.example", message(5)}};
  auto sent = mail::smtp_send(plaintext(server.port, 5000), batch);
  ASSERT_TRUE(sent) << sent.error().message;
  using K = mail::SmtpOutcome::Kind;
  ASSERT_EQ(sent->size(), 5u);
  EXPECT_EQ((*sent)[0].kind, K::kSent) << (*sent)[0].reply;
  EXPECT_EQ((*sent)[1].kind, K::kFailed) << (*sent)[1].reply;
  EXPECT_EQ((*sent)[1].code, 550);
  EXPECT_EQ((*sent)[2].kind, K::kDeferred) << (*sent)[2].reply;
  EXPECT_EQ((*sent)[2].code, 451);
  EXPECT_EQ((*sent)[3].kind, K::kFailed);
  EXPECT_EQ((*sent)[4].kind, K::kSent) << (*sent)[4].reply;
  ASSERT_EQ(server.stored(), 2u);
  std::ifstream first(server.dir / "mail" / "000001.eml");
  std::string stored((std::istreambuf_iterator<char>(first)), std::istreambuf_iterator<char>());
  EXPECT_NE(stored.find("X-Envelope-From: bounce+s1-d1@news.example"), std::string::npos);
  EXPECT_NE(stored.find("\n.a line that starts with a dot\r\n..and one with two"), std::string::npos) << stored;
  EXPECT_EQ(stored.find("..a line"), std::string::npos);
}

TEST(Smtp, NoServerIsAnErrorValue) {
  auto sent = mail::smtp_send(plaintext(free_port(), 1000),
                              {{"a@news.example", "b@reader.example", "x"}});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, core::ErrorCode::kNetwork);
}

// The whole send: each confirmed subscriber gets one copy; a second run sends
// nothing; copies a stopped run left in 'sending' go out when it resumes.
TEST_P(EditionSend, EveryConfirmedReaderGetsOneCopyAndAStoppedRunResumes) {
  Server server = aiosmtpd("send");
  ASSERT_GT(server.port, 0);
  auto desk = test_support::ScratchDatabase::create(GetParam());
  ASSERT_TRUE(desk) << desk.error().message;
  auto store = store::open_store((*desk)->location());
  ASSERT_TRUE(store) << store.error().message;
  auto now = *core::parse_rfc3339("2026-11-29T06:00:00Z");
  core::Config config;
  core::Edition edition;
  edition.name = config.edition.name;
  edition.date = "2026-11-29";
  edition.built_at = now;
  edition.subject = "Daily Headlines: one story";
  core::EditionItem item;
  item.story_id = 1;
  item.headline = "One story";
  item.summary = "It happened.";
  item.url = "https://outlet.example/1";
  item.outlet = "Outlet";
  item.outlets = 1;
  item.section = "Top stories";
  edition.items.push_back(item);
  // edition_items references stories: the story must exist.
  core::Story story;
  story.id = 1;
  story.headline = "One story";
  story.first_seen = story.last_updated = now;
  ASSERT_TRUE((*store)->stories().save(story));
  auto edition_id = (*store)->editions().save(edition, {"<p>x</p>", "x", "{}"});
  ASSERT_TRUE(edition_id) << edition_id.error().message;
  edition.id = *edition_id;
  std::vector<core::Id> confirmed;
  for (int i = 0; i < 7; ++i) {
    auto id = (*store)->subscribers().add(fmt::format("reader{}@reader.example", i), "", now);
    ASSERT_TRUE(id);
    if (i < 5) {
      ASSERT_TRUE((*store)->subscribers().set_state(*id, core::SubscriberState::kConfirmed, now));
      confirmed.push_back(*id);
    }
  }
  config.mail.relays.push_back(smtp_servers::plaintext_relay("aiosmtpd", server.port, 5, 2));
  core::FixedClock clock(now);
  // A run that stopped after marking two copies 'sending' (as one killed before the relay answered leaves them).
  ASSERT_TRUE((*store)->deliveries().enqueue(*edition_id, {confirmed[0], confirmed[1]}, now));
  for (core::Id id : {confirmed[0], confirmed[1]}) {
    ASSERT_TRUE((*store)->deliveries().set_state(*edition_id, id, core::DeliveryState::kSending, "", now));
  }
  auto report = app::send_edition(**store, config, edition, clock);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->resumed, 2u);
  EXPECT_EQ(report->queued, 3u);
  EXPECT_EQ(report->sent, 5u);
  EXPECT_EQ(server.stored(), 5u);  // the two pending subscribers got nothing
  auto again = app::send_edition(**store, config, edition, clock);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->sent, 0u);
  EXPECT_EQ(server.stored(), 5u);
  auto sent = (*store)->deliveries().in_state(*edition_id, core::DeliveryState::kSent);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->size(), 5u);
  // Each copy carries its reader's own unsubscribe link and a Message-ID of its own.
  std::set<std::string> ids;
  for (const auto& f : fs::directory_iterator(server.dir / "mail")) {
    std::ifstream in(f.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto at = text.find("Message-ID: <");
    ASSERT_NE(at, std::string::npos);
    ids.insert(text.substr(at, text.find('>', at) - at));
    EXPECT_NE(text.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), std::string::npos);
    EXPECT_NE(text.find("X-Envelope-From: bounce+s"), std::string::npos);
  }
  EXPECT_EQ(ids.size(), 5u);
}
