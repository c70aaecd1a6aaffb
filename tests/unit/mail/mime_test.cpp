#include <gtest/gtest.h>

#include "core/time.hpp"
#include "mail/mime.hpp"

using namespace newsdesk;

namespace {
mail::Message message() {
  mail::Message m;
  m.from = "Daily Headlines <headlines@desk.example>";
  m.to = "reader@example.com";
  m.subject = "Daily Headlines: Drones downed";
  m.date = *core::parse_rfc3339("2026-11-29T06:00:00Z");
  m.message_id = "abc@desk.example";
  m.unsubscribe_url = "https://desk.example/u/abc";
  m.unsubscribe_mailto = "unsubscribe@desk.example";
  m.text = "Hello.\n.Leading dot\ntrailing space \n";
  m.html = "<p>Hello</p>";
  return m;
}
}  // namespace

TEST(Mime, HeaderInjectionIsRefused) {
  auto m = message();
  m.subject = "Hi\r\nBcc: victim@example.com";
  auto r = mail::compose(m, "x");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("Subject"), std::string::npos);
  m = message();
  m.to = "a@example.com\nX: y";
  EXPECT_FALSE(mail::compose(m, "x"));
}

TEST(Mime, HasTheHeadersMailSystemsRequire) {
  auto r = mail::compose(message(), "seed");
  ASSERT_TRUE(r) << r.error().message;
  for (const char* h : {"Date: Sun, 29 Nov 2026 06:00:00 +0000\r\n", "Message-ID: <abc@desk.example>\r\n",
                        "MIME-Version: 1.0\r\n", "List-Unsubscribe: <https://desk.example/u/abc>, <mailto:unsubscribe@desk.example>\r\n",
                        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", "multipart/alternative"}) {
    EXPECT_NE(r->find(h), std::string::npos) << h;
  }
}

TEST(Mime, EveryLineEndsInCrlfAndStaysShort) {
  auto m = message();
  m.html = std::string(5000, 'a');
  auto r = mail::compose(m, "seed");
  ASSERT_TRUE(r);
  size_t start = 0;
  while (start < r->size()) {
    size_t end = r->find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 998u);
    EXPECT_EQ(r->substr(start, end - start).find('\n'), std::string::npos);
    start = end + 2;
  }
}

TEST(QuotedPrintable, EncodesNonAsciiTrailingSpaceAndLeadingDots) {
  EXPECT_EQ(mail::quoted_printable("caf\xC3\xA9"), "caf=C3=A9");
  EXPECT_EQ(mail::quoted_printable("a \nb"), "a=20\r\nb");
  EXPECT_EQ(mail::quoted_printable(".x"), "=2Ex");
  // A dot that a soft line break brings to the start of a line is escaped too.
  std::string wrapped = mail::quoted_printable(std::string(75, 'a') + ".5em");
  EXPECT_EQ(wrapped, std::string(75, 'a') + "=\r\n=2E5em");
  std::string longline = mail::quoted_printable(std::string(200, 'z'));
  EXPECT_NE(longline.find("=\r\n"), std::string::npos);
}

TEST(EncodedWords, OnlyForNonAscii) {
  EXPECT_EQ(mail::encode_header("Plain subject"), "Plain subject");
  EXPECT_EQ(mail::encode_header("Caf\xC3\xA9"), "=?UTF-8?B?Q2Fmw6k=?=");
}

TEST(Verp, EachCopyHasAReturnPathThatSaysWhoseItWas) {
  auto address = mail::verp_address("bounce", "news.example", 42, 1007);
  EXPECT_EQ(address, "bounce+s42-d1007@news.example");
  auto tag = mail::parse_verp(address, "bounce", "NEWS.example");
  ASSERT_TRUE(tag);
  EXPECT_EQ(tag->subscriber, 42);
  EXPECT_EQ(tag->delivery, 1007);
  for (const char* other : {"bounce@news.example", "bounce+s42-d1007@evil.example", "bounce+sx-d1@news.example",
                            "bounce+s42@news.example", "ada@news.example", "bounce+s-d7@news.example"}) {
    EXPECT_FALSE(mail::parse_verp(other, "bounce", "news.example")) << other;
  }
}

TEST(Mime, FeedbackIdIsAHeaderAndCannotCarryALineBreak) {
  mail::Message m;
  m.from = "a@news.example";
  m.to = "b@reader.example";
  m.subject = "s";
  m.message_id = "x@news.example";
  m.text = "t";
  m.html = "<p>t</p>";
  m.feedback_id = "2026-11-29:daily:edition:newsdesk";
  auto ok = mail::compose(m, "seed");
  ASSERT_TRUE(ok);
  EXPECT_NE(ok->find("\r\nFeedback-ID: 2026-11-29:daily:edition:newsdesk\r\n"), std::string::npos);
  m.feedback_id = "x\r\nBcc: victim@example.com";
  EXPECT_FALSE(mail::compose(m, "seed"));
}
