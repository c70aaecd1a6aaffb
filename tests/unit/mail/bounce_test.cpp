// Reading bounces: the fixtures in tests/fixtures/dsn (invented messages in
// the shapes real mail systems send), each with what it must yield in
// expected.tsv; and the edge cases that must not be misread.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/strings.hpp"
#include "mail/bounce.hpp"

#ifndef NEWSDESK_DSN_FIXTURES
#define NEWSDESK_DSN_FIXTURES "tests/fixtures/dsn"
#endif

using namespace newsdesk;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

mail::BounceReading read(const std::string& raw) { return mail::read_bounce(raw, "bounce", "news.example"); }

}  // namespace

TEST(Bounce, EveryFixtureYieldsWhatItsRowSays) {
  std::ifstream table(std::filesystem::path(NEWSDESK_DSN_FIXTURES) / "expected.tsv");
  ASSERT_TRUE(table) << NEWSDESK_DSN_FIXTURES;
  std::string line;
  std::getline(table, line);  // the header
  int rows = 0;
  while (std::getline(table, line)) {
    if (line.empty()) continue;
    auto cells = core::split(line, '\t');
    ASSERT_GE(cells.size(), 6u) << line;
    const std::string& file = cells[0];
    SCOPED_TRACE(file);
    auto r = read(slurp(std::filesystem::path(NEWSDESK_DSN_FIXTURES) / file));
    ++rows;
    EXPECT_EQ(mail::to_string(r.kind), cells[1]) << r.detail;
    if (cells[1] == "unparsable") {
      EXPECT_FALSE(r.detail.empty());
      continue;
    }
    if (cells[2].empty()) {
      EXPECT_FALSE(r.tag.has_value());
    } else {
      ASSERT_TRUE(r.tag.has_value());
      EXPECT_EQ(std::to_string(r.tag->subscriber), cells[2]);
      EXPECT_EQ(std::to_string(r.tag->delivery), cells[3]);
    }
    if (cells[1] == "hard" || cells[1] == "soft" || cells[1] == "complaint") {
      EXPECT_EQ(r.recipient, cells[4]);
    }
    if (cells[1] == "hard" || cells[1] == "soft") {
      EXPECT_EQ(r.status, cells[5]);
    }
  }
  EXPECT_GE(rows, 15);
}

TEST(Bounce, NotAMessageIsUnparsableAndSaysSo) {
  auto r = read("just some bytes without any header");
  EXPECT_EQ(r.kind, mail::BounceReading::Kind::kUnparsable);
  EXPECT_NE(r.detail.find("no header"), std::string::npos);
  EXPECT_EQ(read("").kind, mail::BounceReading::Kind::kUnparsable);
}

TEST(Bounce, AReportThatNamesNoneOfOurAddressesIsIgnored) {
  const std::string raw =
      "From: MAILER-DAEMON@mx.example\r\nTo: someone@news.example\r\nSubject: Undelivered\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nIt failed.\r\n"
      "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n"
      "Final-Recipient: rfc822; x@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b--\r\n";
  auto r = read(raw);
  EXPECT_EQ(r.kind, mail::BounceReading::Kind::kIgnore);
  EXPECT_NE(r.detail.find("none of our"), std::string::npos);
}

TEST(Bounce, Base64DeliveryStatusAndAnOtherDomainsVerpAreRead) {
  // The delivery-status part in base64; a look-alike return path of another domain does not count.
  const std::string status = "Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; ada@example.net\r\n"
                             "Action: failed\r\nStatus: 5.1.2\r\n";
  const std::string encoded = "UmVwb3J0aW5nLU1UQTogZG5zOyBteC5leGFtcGxlDQoNCkZpbmFsLVJlY2lwaWVudDogcmZjODIyOyBhZGFA"
                              "ZXhhbXBsZS5uZXQNCkFjdGlvbjogZmFpbGVkDQpTdGF0dXM6IDUuMS4yDQo=";
  const std::string raw =
      "From: MAILER-DAEMON@mx.example\r\nTo: bounce+s5-d6@other.example, bounce+s3-d4@news.example\r\n"
      "Content-Type: multipart/report; boundary=\"x y\"; report-type=delivery-status\r\n\r\n"
      "--x y\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n" + encoded + "\r\n--x y--\r\n";
  auto r = read(raw);
  EXPECT_EQ(r.kind, mail::BounceReading::Kind::kHard) << r.detail;
  ASSERT_TRUE(r.tag);
  EXPECT_EQ(r.tag->subscriber, 3);
  EXPECT_EQ(r.tag->delivery, 4);
  EXPECT_EQ(r.recipient, "ada@example.net");
  EXPECT_EQ(r.status, "5.1.2");
}
