// DKIM signatures checked offline by libopendkim (the key read from a file,
// as a DNS TXT record would give it), for rsa-sha256 and ed25519-sha256.
#include <gtest/gtest.h>
#include <unistd.h>

#include "dkim_verify.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/time.hpp"
#include "mail/dkim.hpp"
#include "mail/mime.hpp"

using namespace newsdesk;

namespace {

std::string composed() {
  mail::Message m;
  m.from = "Daily Headlines <headlines@news.example>";
  m.to = "Ada <ada@reader.example>";
  m.subject = "Daily Headlines: Navy drill — and more";
  m.date = *core::parse_rfc3339("2026-11-29T06:00:00Z");
  m.message_id = "edition-2026-11-29-1@news.example";
  m.list_id = "Daily Headlines <daily.news.example>";
  m.unsubscribe_url = "https://news.example/u/1?t=abc";
  m.text = "Good morning.\n\n1. Navy drill  \t off the coast\n\n\n";
  m.html = "<p>Good morning.</p>";
  return *mail::compose(m, "seed");
}

}  // namespace

TEST(Dkim, RelaxedCanonicalFormsAreTheRfcExample) {
  // RFC 6376 §3.4.5.
  EXPECT_EQ(mail::relaxed_header("A", " X"), "a:X\r\n");
  EXPECT_EQ(mail::relaxed_header("B ", " Y\t\r\n\tZ  "), "b:Y Z\r\n");
  EXPECT_EQ(mail::relaxed_body(" C \r\nD \t E\r\n\r\n\r\n"), " C\r\nD E\r\n");
  EXPECT_EQ(mail::relaxed_body(""), "");
  EXPECT_EQ(mail::relaxed_body("\r\n\r\n"), "");
}

TEST(Dkim, RsaAndEd25519SignaturesVerifyAndATamperedMessageDoesNot) {
  for (auto algorithm : {mail::DkimAlgorithm::kRsaSha256, mail::DkimAlgorithm::kEd25519Sha256}) {
    auto key = mail::generate_dkim_key(algorithm);
    ASSERT_TRUE(key) << key.error().message;
    auto signer = mail::DkimSigner::from_pem(key->private_pem, "news.example", "s1");
    ASSERT_TRUE(signer) << signer.error().message;
    EXPECT_EQ(signer->algorithm(), algorithm);
    // A time in the past: verifiers refuse signatures from the future.
    auto signed_message = signer->sign(composed(), *core::parse_rfc3339("2026-01-01T06:00:05Z"));
    ASSERT_TRUE(signed_message) << signed_message.error().message;
    const std::string& m = *signed_message;
    ASSERT_EQ(m.rfind("DKIM-Signature:", 0), 0u);
    std::string header = m.substr(0, m.find("\r\n"));
    EXPECT_NE(header.find(algorithm == mail::DkimAlgorithm::kRsaSha256 ? "a=rsa-sha256" : "a=ed25519-sha256"),
              std::string::npos);
    for (const char* h : {"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
                          "List-Unsubscribe", "List-Unsubscribe-Post"}) {
      EXPECT_NE(header.find(std::string(h)), std::string::npos) << h << " not signed: " << header;
    }
    EXPECT_LE(header.size(), 998u);
    EXPECT_EQ(verify(m, key->dns_txt), DKIM_STAT_OK) << header;
    std::string tampered = m;
    tampered.replace(tampered.find("Subject: "), 9, "Subject: X");
    EXPECT_NE(verify(tampered, key->dns_txt), DKIM_STAT_OK);
    std::string other_body = m;
    other_body.replace(other_body.rfind("Good morning"), 4, "Gxod");
    EXPECT_NE(verify(other_body, key->dns_txt), DKIM_STAT_OK);
  }
}

TEST(Dkim, WeakOrMissingKeysAndBadNamesAreRefused) {
  EXPECT_FALSE(mail::DkimSigner::from_pem("not a key", "news.example", "s1"));
  auto key = mail::generate_dkim_key(mail::DkimAlgorithm::kEd25519Sha256);
  ASSERT_TRUE(key);
  EXPECT_FALSE(mail::DkimSigner::from_pem(key->private_pem, "news example", "s1"));
  EXPECT_FALSE(mail::DkimSigner::from_pem(key->private_pem, "news.example", "s1;x=1"));
  auto signer = mail::DkimSigner::from_pem(key->private_pem, "news.example", "s1");
  ASSERT_TRUE(signer);
  EXPECT_FALSE(signer->sign("Subject: no body separator\r\n", core::TimePoint{}));
}
