// DKIM signatures checked offline by libopendkim (the key read from a file,
// as a DNS TXT record would give it), for rsa-sha256 and ed25519-sha256.
#include <gtest/gtest.h>
#include <unistd.h>

// libopendkim's header is C99: it names _Bool.
#define _Bool bool
extern "C" {
#include <opendkim/dkim.h>
}
#undef _Bool

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

// libopendkim's verdict on `message`, the key published in a file.
DKIM_STAT verify(const std::string& message, const std::string& dns_txt) {
  auto keys = std::filesystem::temp_directory_path() / ("newsdesk-dkim-" + std::to_string(::getpid()) + ".txt");
  std::ofstream(keys) << "s1._domainkey.news.example " << dns_txt << "\n";
  DKIM_LIB* lib = dkim_init(nullptr, nullptr);
  int method = DKIM_QUERY_FILE;
  dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYMETHOD, &method, sizeof method);
  std::string path = keys.string();
  dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYINFO, path.data(), path.size());
  DKIM_STAT status = DKIM_STAT_OK;
  DKIM* dkim = dkim_verify(lib, reinterpret_cast<const unsigned char*>("test"), nullptr, &status);
  size_t end = message.find("\r\n\r\n");
  size_t pos = 0;
  while (pos < end + 2) {
    size_t next = pos;
    do {  // one field, its continuation lines included
      next = message.find("\r\n", next) + 2;
    } while (next < end + 2 && (message[next] == ' ' || message[next] == '\t'));
    std::string field = message.substr(pos, next - 2 - pos);
    dkim_header(dkim, reinterpret_cast<unsigned char*>(field.data()), field.size());
    pos = next;
  }
  dkim_eoh(dkim);
  std::string body = message.substr(end + 4);
  dkim_body(dkim, reinterpret_cast<unsigned char*>(body.data()), body.size());
  DKIM_STAT result = dkim_eom(dkim, nullptr);
  if (result != DKIM_STAT_OK) {
    const char* why = dkim_geterror(dkim);
    DKIM_SIGINFO* sig = dkim_getsignature(dkim);
    std::fprintf(stderr, "libopendkim: %d %s; signature error: %s\n", result, why ? why : "",
                 sig ? dkim_sig_geterrorstr(dkim_sig_geterror(sig)) : "none");
  }
  dkim_free(dkim);
  dkim_close(lib);
  std::filesystem::remove(keys);
  return result;
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
