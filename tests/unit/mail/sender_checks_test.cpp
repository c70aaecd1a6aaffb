// The pre-send check's rules (mail/sender_checks), each against DNS answers
// from a table: SPF evaluation (ip4/ip6 ranges, a, mx, include, redirect,
// exists with macros, the limits of RFC 7208 §4.6.4), DKIM key records and
// the key comparison, DMARC discovery with the organisational fallback,
// alignment, the headers and footer of a copy, the complaint rate, and the
// findings with the record that would mend each.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/base64.hpp"
#include "core/config.hpp"
#include "core/time.hpp"
#include "mail/dkim.hpp"
#include "mail/mime.hpp"
#include "mail/sender_checks.hpp"

using namespace newsdesk;
using mail::DnsAnswer;
using mail::DnsType;
using mail::SpfResult;
using mail::Verdict;

namespace {

// An invented DNS: names with records of some types; a name listed with no
// record of the type asked is NODATA, an unlisted one NXDOMAIN; "trouble"
// names answer SERVFAIL. Every question is remembered.
struct FakeDns {
  std::map<std::string, std::map<DnsType, std::vector<std::string>>> zone;
  std::set<std::string> trouble;
  mutable std::vector<std::string> asked;

  FakeDns& add(const std::string& name, DnsType type, std::vector<std::string> records) {
    auto& slot = zone[name][type];
    slot.insert(slot.end(), records.begin(), records.end());
    return *this;
  }
  FakeDns& txt(const std::string& name, const std::string& record) { return add(name, DnsType::kTxt, {record}); }
  FakeDns& a(const std::string& name, const std::string& address) { return add(name, DnsType::kA, {address}); }

  mail::DnsLookup lookup() const {
    return [this](const std::string& name, DnsType type) {
      asked.push_back(name);
      DnsAnswer out;
      if (trouble.count(name) != 0) {
        out.status = DnsAnswer::Status::kTrouble;
        return out;
      }
      auto it = zone.find(name);
      if (it == zone.end()) {
        out.status = DnsAnswer::Status::kNoDomain;
        return out;
      }
      auto records = it->second.find(type);
      if (records == it->second.end() || records->second.empty()) {
        out.status = DnsAnswer::Status::kNoData;
        return out;
      }
      out.status = DnsAnswer::Status::kRecords;
      out.records = records->second;
      return out;
    };
  }
};

SpfResult spf(const FakeDns& dns, const std::string& ip, const std::string& domain = "news.example") {
  return mail::check_host(ip, domain, "bounce@" + domain, dns.lookup()).result;
}

std::string base64(std::string_view data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    if (i + 2 < data.size()) n |= static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < data.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

// A fresh key's public half, made once per key type.
const mail::DkimKey& rsa_key() {
  static const mail::DkimKey key = *mail::generate_dkim_key(mail::DkimAlgorithm::kRsaSha256);
  return key;
}
const mail::DkimKey& other_rsa_key() {
  static const mail::DkimKey key = *mail::generate_dkim_key(mail::DkimAlgorithm::kRsaSha256);
  return key;
}
mail::DkimPublicKey public_of(const mail::DkimKey& key) { return *mail::dkim_public_key(key.private_pem); }

// The setup of news.example: From news@news.example, signed as
// newsdesk._domainkey.news.example, through one relay at 192.0.2.10.
mail::MailSetup news_setup() {
  mail::MailSetup s;
  s.from_domain = "news.example";
  s.envelope_domain = "news.example";
  s.envelope_local = "bounce";
  s.dkim_key = public_of(rsa_key());
  s.dkim_key_file = "/etc/newsdesk/dkim.pem";
  s.dkim_domain = "news.example";
  s.dkim_selector = "newsdesk";
  s.relays = {{"primary", "192.0.2.10"}};
  return s;
}

// The DNS of a correct news.example.
FakeDns good_dns() {
  FakeDns dns;
  dns.txt("newsdesk._domainkey.news.example", rsa_key().dns_txt);
  dns.txt("news.example", "v=spf1 ip4:192.0.2.10 -all");
  dns.txt("news.example", "google-site-verification=abc");  // other TXT records are not SPF's
  dns.txt("_dmarc.news.example", "v=DMARC1; p=none; rua=mailto:dmarc@news.example");
  return dns;
}

std::string joined_txt(const std::string& fix) {
  // A zone-file line's strings joined: NAME. TXT "a" "b" -> NAME. TXT "ab"
  std::string out;
  for (size_t i = 0; i < fix.size(); ++i) {
    if (fix.compare(i, 3, "\" \"") == 0) {
      i += 2;
      continue;
    }
    out += fix[i];
  }
  return out;
}

}  // namespace

// ---- SPF: parsing.

TEST(SpfParse, ReadsTermsModifiersAndPrefixLengths) {
  auto r = mail::parse_spf("v=spf1 +ip4:192.0.2.0/24 ip6:2001:db8::/32 a a:mail.example/28//64 mx/30 -include:_spf.example "
                           "~exists:%{i}.spf.example ptr ?all redirect=_spf.other.example exp=explain.example future=1");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->mechanisms.size(), 9u);
  EXPECT_EQ(r->mechanisms[0].name, "ip4");
  EXPECT_EQ(r->mechanisms[0].network, "192.0.2.0");
  EXPECT_EQ(r->mechanisms[0].cidr4, 24);
  EXPECT_EQ(r->mechanisms[1].cidr6, 32);
  EXPECT_EQ(r->mechanisms[3].domain_spec, "mail.example");
  EXPECT_EQ(r->mechanisms[3].cidr4, 28);
  EXPECT_EQ(r->mechanisms[3].cidr6, 64);
  EXPECT_EQ(r->mechanisms[4].cidr4, 30);
  EXPECT_EQ(r->mechanisms[5].qualifier, '-');
  EXPECT_EQ(r->mechanisms[6].qualifier, '~');
  EXPECT_EQ(r->mechanisms[8].qualifier, '?');
  EXPECT_EQ(r->redirect, "_spf.other.example");
  EXPECT_TRUE(mail::parse_spf("V=SPF1 IP4:192.0.2.1 -ALL")) << "names are case-blind";
  EXPECT_TRUE(mail::is_spf_record("v=spf1 -all"));
  EXPECT_TRUE(mail::is_spf_record("v=spf1"));
  EXPECT_FALSE(mail::is_spf_record("v=spf10 -all"));
  EXPECT_FALSE(mail::is_spf_record("spf2.0/pra -all"));
}

TEST(SpfParse, RefusesWhatRfc7208CallsAPermerror) {
  for (const char* bad : {"v=spf1 ip5:192.0.2.1", "v=spf1 ip4:192.0.2.300", "v=spf1 ip4:192.0.2.0/33", "v=spf1 ip6:2001:db8::/129",
                          "v=spf1 ip4:192.0.2.0/024", "v=spf1 ip4:2001:db8::1", "v=spf1 include", "v=spf1 include:",
                          "v=spf1 a:%{x}.example", "v=spf1 exists:%{i", "v=spf1 all/24",
                          "v=spf1 redirect=a.example redirect=b.example", "v=spf1 mx//200", "spf1 -all"}) {
    EXPECT_FALSE(mail::parse_spf(bad)) << bad;
  }
  auto r = mail::parse_spf("v=spf1 ip4:192.0.2.1 ipv4:192.0.2.2 -all");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("'ipv4:192.0.2.2'"), std::string::npos) << "the message names the term: " << r.error().message;
}

// ---- SPF: evaluation.

TEST(SpfCheck, Ip4AndIp6RangesAndTheQualifiers) {
  FakeDns dns;
  dns.txt("news.example", "v=spf1 ip4:192.0.2.0/25 ip6:2001:db8:10::/48 ~ip4:198.51.100.7 ?ip4:203.0.113.0/24 -all");
  EXPECT_EQ(spf(dns, "192.0.2.1"), SpfResult::kPass);
  EXPECT_EQ(spf(dns, "192.0.2.127"), SpfResult::kPass);
  EXPECT_EQ(spf(dns, "192.0.2.128"), SpfResult::kFail) << "outside the /25";
  EXPECT_EQ(spf(dns, "2001:db8:10:ffff::1"), SpfResult::kPass);
  EXPECT_EQ(spf(dns, "2001:db8:11::1"), SpfResult::kFail);
  EXPECT_EQ(spf(dns, "::ffff:192.0.2.5"), SpfResult::kPass) << "an IPv4-mapped address is its IPv4 address";
  EXPECT_EQ(spf(dns, "198.51.100.7"), SpfResult::kSoftFail);
  EXPECT_EQ(spf(dns, "203.0.113.9"), SpfResult::kNeutral);
  FakeDns open;
  open.txt("news.example", "v=spf1 ip4:192.0.2.1");
  auto c = mail::check_host("192.0.2.2", "news.example", "bounce@news.example", open.lookup());
  EXPECT_EQ(c.result, SpfResult::kNeutral) << "nothing matches and no all: neutral";
  EXPECT_EQ(c.lookups, 0);
}

TEST(SpfCheck, NoRecordSeveralRecordsAndDnsTrouble) {
  FakeDns dns;
  EXPECT_EQ(spf(dns, "192.0.2.1"), SpfResult::kNone) << "NXDOMAIN";
  dns.txt("news.example", "some other text");
  EXPECT_EQ(spf(dns, "192.0.2.1"), SpfResult::kNone);
  dns.txt("news.example", "v=spf1 -all").txt("news.example", "v=spf1 +all");
  EXPECT_EQ(spf(dns, "192.0.2.1"), SpfResult::kPermError) << "two SPF records";
  dns.trouble.insert("news.example");
  EXPECT_EQ(spf(dns, "192.0.2.1"), SpfResult::kTempError);
}

TEST(SpfCheck, AAndMxWithPrefixLengths) {
  FakeDns dns;
  dns.txt("news.example", "v=spf1 a/30 mx:mail.example a:six.example//64 -all");
  dns.a("news.example", "192.0.2.8");
  dns.add("mail.example", DnsType::kMx, {"mx1.mail.example", "mx2.mail.example"});
  dns.a("mx2.mail.example", "198.51.100.20");
  dns.add("six.example", DnsType::kAaaa, {"2001:db8:6::1"});
  EXPECT_EQ(spf(dns, "192.0.2.11"), SpfResult::kPass) << "a/30: .8 to .11";
  EXPECT_EQ(spf(dns, "192.0.2.12"), SpfResult::kFail);
  EXPECT_EQ(spf(dns, "198.51.100.20"), SpfResult::kPass) << "the second MX host's address";
  EXPECT_EQ(spf(dns, "2001:db8:6::abcd"), SpfResult::kPass) << "a://64 for an IPv6 client: the AAAA records";
  EXPECT_EQ(spf(dns, "2001:db8:7::1"), SpfResult::kFail);
  auto c = mail::check_host("198.51.100.20", "news.example", "bounce@news.example", dns.lookup());
  EXPECT_EQ(c.lookups, 2) << "a and mx count; the MX hosts' addresses do not";
  EXPECT_NE(c.reason.find("mx:mail.example"), std::string::npos) << c.reason;
}

TEST(SpfCheck, IncludeMatchesOnlyOnPassAndAMissingRecordIsAPermerror) {
  FakeDns dns;
  dns.txt("news.example", "v=spf1 include:_spf.relay.example include:_fail.example ip4:203.0.113.5 -all");
  dns.txt("_spf.relay.example", "v=spf1 ip4:192.0.2.0/24 -all");
  dns.txt("_fail.example", "v=spf1 -all");
  EXPECT_EQ(spf(dns, "192.0.2.44"), SpfResult::kPass);
  EXPECT_EQ(spf(dns, "203.0.113.5"), SpfResult::kPass) << "an include that fails is no match: the next term decides";
  EXPECT_EQ(spf(dns, "203.0.113.6"), SpfResult::kFail);
  auto c = mail::check_host("192.0.2.44", "news.example", "bounce@news.example", dns.lookup());
  EXPECT_NE(c.reason.find("include:_spf.relay.example"), std::string::npos) << c.reason;
  EXPECT_NE(c.reason.find("ip4:192.0.2.0/24"), std::string::npos) << "the included term that matched: " << c.reason;

  FakeDns missing;
  missing.txt("news.example", "v=spf1 include:nothing.example -all");
  auto m = mail::check_host("192.0.2.1", "news.example", "bounce@news.example", missing.lookup());
  EXPECT_EQ(m.result, SpfResult::kPermError);
  EXPECT_NE(m.reason.find("nothing.example has no SPF record"), std::string::npos) << m.reason;
  missing.trouble.insert("nothing.example");
  EXPECT_EQ(spf(missing, "192.0.2.1"), SpfResult::kTempError);
}

TEST(SpfCheck, RedirectWhenNothingMatchesAndNeverAfterAll) {
  FakeDns dns;
  dns.txt("news.example", "v=spf1 ip4:203.0.113.1 redirect=_spf.news.example");
  dns.txt("_spf.news.example", "v=spf1 ip4:192.0.2.0/24 ~all");
  EXPECT_EQ(spf(dns, "203.0.113.1"), SpfResult::kPass);
  EXPECT_EQ(spf(dns, "192.0.2.9"), SpfResult::kPass) << "by the redirect's record";
  EXPECT_EQ(spf(dns, "198.51.100.1"), SpfResult::kSoftFail) << "the redirect's ~all";
  FakeDns with_all;
  with_all.txt("news.example", "v=spf1 -all redirect=_spf.news.example");
  with_all.txt("_spf.news.example", "v=spf1 ip4:192.0.2.0/24 -all");
  EXPECT_EQ(spf(with_all, "192.0.2.9"), SpfResult::kFail) << "all matched first: the redirect is never followed";
  FakeDns nowhere;
  nowhere.txt("news.example", "v=spf1 redirect=gone.example");
  EXPECT_EQ(spf(nowhere, "192.0.2.9"), SpfResult::kPermError) << "a redirect to no record";
}

TEST(SpfCheck, TenLookupsAreAllowedAndAnEleventhIsAPermerror) {
  // A chain: news.example includes l1, l1 includes l2, ... ; the last lists the address.
  auto chain = [](int includes) {
    FakeDns dns;
    for (int i = 0; i < includes; ++i) {
      const std::string name = i == 0 ? "news.example" : "l" + std::to_string(i) + ".example";
      dns.txt(name, "v=spf1 include:l" + std::to_string(i + 1) + ".example -all");
    }
    dns.txt("l" + std::to_string(includes) + ".example", "v=spf1 ip4:192.0.2.10 -all");
    return dns;
  };
  auto ten = mail::check_host("192.0.2.10", "news.example", "bounce@news.example", chain(10).lookup());
  EXPECT_EQ(ten.result, SpfResult::kPass) << ten.reason;
  EXPECT_EQ(ten.lookups, 10);
  auto eleven = mail::check_host("192.0.2.10", "news.example", "bounce@news.example", chain(11).lookup());
  EXPECT_EQ(eleven.result, SpfResult::kPermError);
  EXPECT_NE(eleven.reason.find("more than 10 DNS-querying terms"), std::string::npos) << eleven.reason;

  // A flat record of eleven a: terms, none matching, counts the same way.
  FakeDns flat;
  std::string record = "v=spf1";
  for (int i = 0; i < 11; ++i) {
    record += " a:h" + std::to_string(i) + ".example";
    flat.a("h" + std::to_string(i) + ".example", "198.51.100." + std::to_string(i + 1));
  }
  flat.txt("news.example", record + " ip4:192.0.2.10 -all");
  EXPECT_EQ(spf(flat, "192.0.2.10"), SpfResult::kPermError) << "the ip4 after them is never reached";
  EXPECT_EQ(spf(flat, "198.51.100.3"), SpfResult::kPass) << "a match before the limit ends the check";
}

TEST(SpfCheck, MoreThanTwoVoidLookupsOrTenMxHostsAreAPermerror) {
  FakeDns dns;
  dns.txt("news.example", "v=spf1 a:gone1.example a:gone2.example a:gone3.example ip4:192.0.2.10 -all");
  EXPECT_EQ(spf(dns, "192.0.2.10"), SpfResult::kPermError);
  FakeDns two;
  two.txt("news.example", "v=spf1 a:gone1.example a:gone2.example ip4:192.0.2.10 -all");
  EXPECT_EQ(spf(two, "192.0.2.10"), SpfResult::kPass) << "two void lookups are allowed";
  FakeDns mx;
  mx.txt("news.example", "v=spf1 mx -all");
  std::vector<std::string> hosts;
  for (int i = 0; i < 11; ++i) hosts.push_back("mx" + std::to_string(i) + ".news.example");
  mx.add("news.example", DnsType::kMx, hosts);
  EXPECT_EQ(spf(mx, "192.0.2.10"), SpfResult::kPermError);
}

TEST(SpfCheck, MacrosExpandAsRfc7208Section7Says) {
  FakeDns dns;
  dns.txt("news.example", "v=spf1 exists:%{ir}.%{v}._spf.%{d} exists:%{l}.%{o}.users.example a:%{d1}.x.example -all");
  dns.a("example.x.example", "198.51.100.1");
  dns.a("10.2.0.192.in-addr._spf.news.example", "127.0.0.2");
  EXPECT_EQ(spf(dns, "192.0.2.10"), SpfResult::kPass);
  dns.asked.clear();
  EXPECT_EQ(spf(dns, "192.0.2.11"), SpfResult::kFail);
  const std::vector<std::string> expected = {"news.example", "11.2.0.192.in-addr._spf.news.example",
                                             "bounce.news.example.users.example", "example.x.example"};
  EXPECT_EQ(dns.asked, expected);
  dns.a("example.x.example", "192.0.2.11");
  EXPECT_EQ(spf(dns, "192.0.2.11"), SpfResult::kPass);
  // %{i} of an IPv6 address is its 32 nibbles; r reverses them.
  std::string nibbles = "20010db8" + std::string(23, '0') + "1", reversed;
  for (auto it = nibbles.rbegin(); it != nibbles.rend(); ++it) reversed += std::string(1, *it) + ".";
  FakeDns six;
  six.txt("news.example", "v=spf1 exists:%{ir}.six.example -all");
  six.a(reversed + "six.example", "127.0.0.2");
  EXPECT_EQ(spf(six, "2001:db8::1"), SpfResult::kPass);
  EXPECT_EQ(spf(six, "2001:db8::2"), SpfResult::kFail);
}

// ---- DKIM.

TEST(DkimRecord, ParsesTagsAndRefusesBrokenRecords) {
  auto r = mail::parse_dkim_record("v=DKIM1; k=ed25519; h=sha256; s=email; t=y:s; p=AB CD\tEF=");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->key_type, "ed25519");
  EXPECT_EQ(r->public_key, "ABCDEF=");
  EXPECT_EQ(r->flags, (std::vector<std::string>{"y", "s"}));
  auto plain = mail::parse_dkim_record("p=MIIB");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->key_type, "rsa") << "k= defaults to rsa";
  auto revoked = mail::parse_dkim_record("v=DKIM1; k=rsa; p=");
  ASSERT_TRUE(revoked);
  EXPECT_TRUE(revoked->public_key.empty());
  EXPECT_FALSE(mail::parse_dkim_record("k=rsa; v=DKIM1; p=AB")) << "v= must come first";
  EXPECT_FALSE(mail::parse_dkim_record("v=DKIM2; p=AB"));
  EXPECT_FALSE(mail::parse_dkim_record("v=DKIM1; k=rsa")) << "no p=";
  EXPECT_FALSE(mail::parse_dkim_record("v=DKIM1; p=AB; p=CD")) << "a tag twice";
  EXPECT_FALSE(mail::parse_dkim_record("v=spf1 -all"));
}

TEST(DkimRecord, TheKeyComparisonKnowsItsOwnKeyInEitherEncoding) {
  const auto ours = public_of(rsa_key());
  EXPECT_EQ(ours.key_type, "rsa");
  EXPECT_EQ(ours.dns_txt(), rsa_key().dns_txt) << "the same record keygen prints";
  EXPECT_TRUE(mail::same_dkim_key(ours, ours.p));
  EXPECT_TRUE(mail::same_dkim_key(ours, ours.p.substr(0, 100) + " \t" + ours.p.substr(100))) << "white space in p=";
  EXPECT_FALSE(mail::same_dkim_key(ours, public_of(other_rsa_key()).p));
  EXPECT_FALSE(mail::same_dkim_key(ours, "not base64!"));
  EXPECT_FALSE(mail::same_dkim_key(ours, ""));
  // The same key as a bare RSAPublicKey (PKCS#1): a 2048-bit key's
  // SubjectPublicKeyInfo is a 24-octet header, then exactly that.
  const std::string spki = *core::decode_base64(ours.p);
  EXPECT_TRUE(mail::same_dkim_key(ours, base64(spki.substr(24))));
  const auto ed = *mail::generate_dkim_key(mail::DkimAlgorithm::kEd25519Sha256);
  const auto ed_public = public_of(ed);
  EXPECT_EQ(ed_public.key_type, "ed25519");
  EXPECT_EQ(core::decode_base64(ed_public.p)->size(), 32u);
  EXPECT_FALSE(mail::same_dkim_key(ed_public, ours.p));
}

TEST(DkimCheck, TheKeyMustBeTheOneDnsPublishes) {
  const auto setup = news_setup();
  auto good = mail::check_dkim(setup, good_dns().lookup());
  EXPECT_EQ(good.verdict, Verdict::kOk) << good.reason;
  const std::string wanted = "newsdesk._domainkey.news.example. TXT \"" + rsa_key().dns_txt + "\"";

  FakeDns absent = good_dns();
  absent.zone.erase("newsdesk._domainkey.news.example");
  auto f = mail::check_dkim(setup, absent.lookup());
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("no DKIM record at newsdesk._domainkey.news.example"), std::string::npos) << f.reason;
  ASSERT_EQ(f.fixes.size(), 1u);
  EXPECT_EQ(joined_txt(f.fixes[0]), wanted);
  EXPECT_NE(f.fixes[0].find("\" \""), std::string::npos) << "split in strings of at most 255 octets";

  FakeDns other;
  other.txt("newsdesk._domainkey.news.example", other_rsa_key().dns_txt);
  f = mail::check_dkim(setup, other.lookup());
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("another key"), std::string::npos) << f.reason;
  EXPECT_EQ(joined_txt(f.fixes.at(0)), wanted);

  FakeDns revoked;
  revoked.txt("newsdesk._domainkey.news.example", "v=DKIM1; k=rsa; p=");
  f = mail::check_dkim(setup, revoked.lookup());
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("revoked"), std::string::npos) << f.reason;

  FakeDns wrong_type;
  wrong_type.txt("newsdesk._domainkey.news.example", "v=DKIM1; k=ed25519; p=" + public_of(rsa_key()).p);
  f = mail::check_dkim(setup, wrong_type.lookup());
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("k=ed25519"), std::string::npos) << f.reason;

  FakeDns testing;
  testing.txt("newsdesk._domainkey.news.example", rsa_key().dns_txt + "; t=y");
  EXPECT_EQ(mail::check_dkim(setup, testing.lookup()).verdict, Verdict::kWarn);

  FakeDns trouble;
  trouble.trouble.insert("newsdesk._domainkey.news.example");
  f = mail::check_dkim(setup, trouble.lookup());
  EXPECT_EQ(f.verdict, Verdict::kWarn) << "the DNS failing to answer is not a wrong record";

  auto unsigned_setup = setup;
  unsigned_setup.dkim_key.reset();
  f = mail::check_dkim(unsigned_setup, good_dns().lookup());
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("unsigned"), std::string::npos);
  EXPECT_NE(f.fixes.at(0).find("newsdesk dkim keygen --domain news.example"), std::string::npos) << f.fixes[0];
}

// ---- DMARC and alignment.

TEST(Dmarc, ParsesPoliciesAndReadsAMissingPWithReportsAsNone) {
  auto r = mail::parse_dmarc("v=DMARC1; p=Quarantine; sp=reject; adkim=s; pct=50; rua=mailto:a@news.example,mailto:b@x.example");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->policy, "quarantine");
  EXPECT_EQ(r->subdomain_policy, "reject");
  EXPECT_TRUE(r->strict_dkim);
  EXPECT_FALSE(r->strict_spf);
  EXPECT_EQ(r->pct, 50);
  EXPECT_EQ(r->rua.size(), 2u);
  auto implied = mail::parse_dmarc("v=DMARC1; rua=mailto:d@news.example");
  ASSERT_TRUE(implied);
  EXPECT_EQ(implied->policy, "none");
  EXPECT_TRUE(implied->policy_implied);
  EXPECT_FALSE(mail::parse_dmarc("v=DMARC1; p=maybe"));
  EXPECT_FALSE(mail::parse_dmarc("v=DMARC1"));
  EXPECT_FALSE(mail::parse_dmarc("p=none; v=DMARC1"));
  EXPECT_FALSE(mail::parse_dmarc("v=DMARC1; p=none; adkim=x"));
  auto glued = mail::parse_dmarc("v=DMARC1 p=none");
  ASSERT_FALSE(glued);
  EXPECT_NE(glued.error().message.find("';'"), std::string::npos) << glued.error().message;
}

TEST(Dmarc, FoundAtTheFromDomainElseAtItsOrganisationalDomain) {
  FakeDns dns;
  dns.txt("_dmarc.example.co.uk", "v=DMARC1; p=reject; sp=quarantine");
  auto at_org = mail::find_dmarc("news.example.co.uk", dns.lookup());
  ASSERT_TRUE(at_org.record) << at_org.problem;
  EXPECT_EQ(at_org.name, "_dmarc.example.co.uk") << "co.uk is a public suffix: the organisational domain is example.co.uk";
  EXPECT_EQ(at_org.asked, (std::vector<std::string>{"_dmarc.news.example.co.uk", "_dmarc.example.co.uk"}));
  mail::MailSetup s = news_setup();
  s.from_domain = "news.example.co.uk";
  auto f = mail::check_dmarc(s, at_org);
  EXPECT_EQ(f.verdict, Verdict::kOk);
  EXPECT_NE(f.reason.find("sp=quarantine"), std::string::npos) << "a subdomain gets sp=: " << f.reason;

  dns.txt("_dmarc.news.example.co.uk", "v=DMARC1; p=none");
  auto own = mail::find_dmarc("news.example.co.uk", dns.lookup());
  EXPECT_EQ(own.name, "_dmarc.news.example.co.uk") << "the From domain's own record first";
  EXPECT_EQ(own.asked.size(), 1u);

  FakeDns none;
  none.txt("_dmarc.news.example", "not dmarc");
  auto missing = mail::find_dmarc("news.example", none.lookup());
  EXPECT_FALSE(missing.record);
  EXPECT_EQ(missing.asked, std::vector<std::string>{"_dmarc.news.example"}) << "news.example is its own organisational domain";
  f = mail::check_dmarc(news_setup(), missing);
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_EQ(f.fixes, std::vector<std::string>{"_dmarc.news.example. TXT \"v=DMARC1; p=none; rua=mailto:dmarc@news.example\""});

  FakeDns two;
  two.txt("_dmarc.news.example", "v=DMARC1; p=none").txt("_dmarc.news.example", "v=DMARC1; p=reject");
  auto several = mail::find_dmarc("news.example", two.lookup());
  EXPECT_FALSE(several.record);
  EXPECT_NE(several.problem.find("2 DMARC records"), std::string::npos) << several.problem;
  EXPECT_EQ(mail::check_dmarc(news_setup(), several).verdict, Verdict::kFail);

  FakeDns trouble;
  trouble.trouble.insert("_dmarc.news.example");
  EXPECT_EQ(mail::check_dmarc(news_setup(), mail::find_dmarc("news.example", trouble.lookup())).verdict, Verdict::kWarn);
}

TEST(Alignment, RelaxedIsTheOrganisationalDomainAndStrictTheSameName) {
  EXPECT_TRUE(mail::aligned("news.example", "NEWS.example.", true));
  EXPECT_TRUE(mail::aligned("mail.example.co.uk", "news.example.co.uk", false));
  EXPECT_FALSE(mail::aligned("mail.example.co.uk", "news.example.co.uk", true));
  EXPECT_FALSE(mail::aligned("a.co.uk", "b.co.uk", false)) << "a public suffix is no organisation";
  EXPECT_FALSE(mail::aligned("news.example", "news.example.net", false));
  EXPECT_FALSE(mail::aligned("", "news.example", false));

  FakeDns dns = good_dns();
  mail::MailSetup s = news_setup();
  s.from_domain = "desk.news.example";
  auto relaxed = mail::check_alignment(s, mail::find_dmarc(s.from_domain, dns.lookup()));
  EXPECT_EQ(relaxed.verdict, Verdict::kOk) << relaxed.reason;
  FakeDns strict;
  strict.txt("_dmarc.news.example", "v=DMARC1; p=reject; adkim=s");
  auto f = mail::check_alignment(s, mail::find_dmarc(s.from_domain, strict.lookup()));
  EXPECT_EQ(f.verdict, Verdict::kFail) << "adkim=s wants d= to be the From domain itself";
  s.dkim_domain = "mailer.example";
  f = mail::check_alignment(s, mail::find_dmarc(s.from_domain, dns.lookup()));
  EXPECT_EQ(f.verdict, Verdict::kFail);
  ASSERT_EQ(f.fixes.size(), 2u);
  EXPECT_EQ(f.fixes[0], "[mail] dkim_domain = \"desk.news.example\"");
  EXPECT_EQ(joined_txt(f.fixes[1]), "newsdesk._domainkey.desk.news.example. TXT \"" + rsa_key().dns_txt + "\"");
}

// ---- SPF as a finding.

TEST(SpfFinding, TheRelaysMustPassAndTheFixAddsTheirAddresses) {
  auto s = news_setup();
  EXPECT_EQ(mail::check_spf(s, good_dns().lookup()).verdict, Verdict::kOk);

  s.relays.push_back({"backup", "smtp.relay.example"});
  FakeDns dns = good_dns();
  dns.a("smtp.relay.example", "198.51.100.7");
  dns.add("smtp.relay.example", DnsType::kAaaa, {"2001:db8::25"});
  auto f = mail::check_spf(s, dns.lookup());
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("'backup' (198.51.100.7) gets fail"), std::string::npos) << f.reason;
  EXPECT_EQ(f.fixes, std::vector<std::string>{"news.example. TXT \"v=spf1 ip4:198.51.100.7 ip6:2001:db8::25 ip4:192.0.2.10 -all\""});

  FakeDns none;
  f = mail::check_spf(news_setup(), none.lookup());
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("no SPF record at news.example"), std::string::npos) << f.reason;
  EXPECT_EQ(f.fixes, std::vector<std::string>{"news.example. TXT \"v=spf1 ip4:192.0.2.10 -all\""});

  FakeDns broken;
  broken.txt("news.example", "v=spf1 ip4:192.0.2.10 include -all");
  EXPECT_EQ(mail::check_spf(news_setup(), broken.lookup()).verdict, Verdict::kFail);

  FakeDns softly;
  softly.txt("news.example", "v=spf1 ip4:192.0.2.10 ?all");
  f = mail::check_spf(news_setup(), softly.lookup());
  EXPECT_EQ(f.verdict, Verdict::kWarn) << "the relay passes, but ?all refuses nobody";
  EXPECT_EQ(f.fixes, std::vector<std::string>{"news.example. TXT \"v=spf1 ip4:192.0.2.10 -all\""});
}

TEST(SpfFinding, PastTheLookupLimitTheFixListsTheRelaysAddresses) {
  FakeDns dns = good_dns();
  dns.zone.erase("news.example");
  std::string record = "v=spf1";
  for (int i = 0; i < 11; ++i) {
    record += " include:s" + std::to_string(i) + ".example";
    dns.txt("s" + std::to_string(i) + ".example", "v=spf1 ip4:198.51.100." + std::to_string(i + 1) + " -all");
  }
  dns.txt("news.example", record + " ip4:192.0.2.10 -all");
  auto f = mail::check_spf(news_setup(), dns.lookup());
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("permerror"), std::string::npos) << f.reason;
  EXPECT_NE(f.reason.find("more than 10"), std::string::npos) << f.reason;
  EXPECT_EQ(f.fixes, std::vector<std::string>{"news.example. TXT \"v=spf1 ip4:192.0.2.10 -all\""});
}

TEST(SpfFinding, APrivateRelayCannotBeCheckedAndAMissingOneFails) {
  auto s = news_setup();
  s.relays = {{"local", "127.0.0.1"}, {"lan", "localhost"}};
  auto f = mail::check_spf(s, good_dns().lookup());
  EXPECT_EQ(f.verdict, Verdict::kWarn) << f.reason;
  EXPECT_NE(f.reason.find("private address"), std::string::npos) << f.reason;
  EXPECT_TRUE(mail::is_private_address("10.1.2.3"));
  EXPECT_TRUE(mail::is_private_address("172.31.0.1"));
  EXPECT_TRUE(mail::is_private_address("fd00::1"));
  EXPECT_FALSE(mail::is_private_address("172.32.0.1"));
  EXPECT_FALSE(mail::is_private_address("192.0.2.10"));

  s.relays = {{"primary", "smtp.nowhere.example"}};
  f = mail::check_spf(s, good_dns().lookup());
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("has no address in DNS"), std::string::npos) << f.reason;
  s.relays.clear();
  EXPECT_EQ(mail::check_spf(s, good_dns().lookup()).verdict, Verdict::kFail);
}

TEST(MailDns, TheGoodSetupPassesEveryCheck) {
  const auto findings = mail::check_mail_dns(news_setup(), good_dns().lookup());
  ASSERT_EQ(findings.size(), 4u);
  for (const auto& f : findings) EXPECT_EQ(f.verdict, Verdict::kOk) << f.check << ": " << f.reason;
  EXPECT_EQ(mail::failed_checks(findings), "");
}

// ---- A copy.

namespace {

mail::Message edition_copy() {
  mail::Message m;
  m.from = "Daily Headlines <news@news.example>";
  m.to = "reader@example.invalid";
  m.subject = "Daily Headlines: today";
  m.date = *core::parse_rfc3339("2026-11-29T06:00:00Z");
  m.message_id = "edition-1-0@news.example";
  m.unsubscribe_url = "https://news.example/unsubscribe?t=abc";
  m.text = "1. A story\n\n--\nNews Example Ltd, 5 Harbour\nRoad, Portville\n";
  m.html = "<p>A story</p><footer><p>News Example Ltd, 5 Harbour Road, <b>Portville</b></p></footer>";
  return m;
}

std::string signed_copy(const mail::Message& m) {
  auto signer = mail::DkimSigner::from_pem(rsa_key().private_pem, "news.example", "newsdesk");
  return *signer->sign(*mail::compose(m, "seed"), m.date);
}

const std::string kAddress = "News Example Ltd, 5 Harbour Road, Portville";

}  // namespace

TEST(CopyCheck, OneClickUnsubscribeAndThePostalAddressInBothParts) {
  auto findings = mail::check_copy(signed_copy(edition_copy()), kAddress);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].check, "unsubscribe");
  EXPECT_EQ(findings[0].verdict, Verdict::kOk) << findings[0].reason;
  EXPECT_EQ(findings[0].reason.find("t=abc"), std::string::npos) << "the reader's token is not printed";
  EXPECT_EQ(findings[1].check, "postal address");
  EXPECT_EQ(findings[1].verdict, Verdict::kOk) << findings[1].reason;

  auto http = edition_copy();
  http.unsubscribe_url = "http://127.0.0.1:8080/unsubscribe?t=abc";
  auto f = mail::check_copy(signed_copy(http), kAddress)[0];
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("no https URL"), std::string::npos) << f.reason;

  auto none = edition_copy();
  none.unsubscribe_url.clear();
  EXPECT_EQ(mail::check_copy(signed_copy(none), kAddress)[0].verdict, Verdict::kFail);

  // A relay or template that drops the Post header.
  std::string copy = *mail::compose(edition_copy(), "seed");
  const size_t post = copy.find("List-Unsubscribe-Post:");
  ASSERT_NE(post, std::string::npos);
  copy.erase(post, copy.find("\r\n", post) + 2 - post);
  f = mail::check_copy(copy, kAddress)[0];
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("List-Unsubscribe-Post"), std::string::npos) << f.reason;

  EXPECT_EQ(mail::check_copy(*mail::compose(edition_copy(), "seed"), kAddress)[0].verdict, Verdict::kWarn)
      << "right headers, but unsigned";
  std::string narrow = signed_copy(edition_copy());
  const size_t h = narrow.find(":List-Unsubscribe:List-Unsubscribe-Post");
  ASSERT_NE(h, std::string::npos);
  narrow.erase(h, std::string(":List-Unsubscribe:List-Unsubscribe-Post").size());
  f = mail::check_copy(narrow, kAddress)[0];
  EXPECT_EQ(f.verdict, Verdict::kFail) << "the signature must cover both headers";
}

TEST(CopyCheck, ThePostalAddressMustBeRealAndInBothParts) {
  auto html_only = edition_copy();
  html_only.text = "1. A story\n";
  auto f = mail::check_copy(signed_copy(html_only), kAddress)[1];
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("the text part"), std::string::npos) << f.reason;

  auto escaped = edition_copy();
  escaped.text = "Smith & Sons, 1 Quay\n";
  escaped.html = "<p>Smith &amp; Sons, 1&nbsp;Quay</p>";
  EXPECT_EQ(mail::check_copy(signed_copy(escaped), "Smith & Sons, 1 Quay")[1].verdict, Verdict::kOk)
      << "HTML entities and no-break spaces are read as text";

  EXPECT_EQ(mail::check_copy(signed_copy(edition_copy()), "")[1].verdict, Verdict::kFail);
  auto placeholder = edition_copy();
  placeholder.text = placeholder.html = std::string(core::kExamplePostalAddress);
  f = mail::check_copy(signed_copy(placeholder), std::string(core::kExamplePostalAddress))[1];
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("still the example's"), std::string::npos) << f.reason;
}

// ---- Complaints, and the report.

TEST(Complaints, UnderPointOnePercentPassesFromPointOneWarnsFromPointThreeFails) {
  EXPECT_EQ(mail::check_complaints({0, 0, 0}).verdict, Verdict::kOk);
  EXPECT_EQ(mail::check_complaints({3, 1000, 0}).verdict, Verdict::kOk);
  EXPECT_EQ(mail::check_complaints({3, 10000, 9}).verdict, Verdict::kOk) << "0.09%";
  EXPECT_EQ(mail::check_complaints({3, 1000, 1}).verdict, Verdict::kWarn) << "0.1%";
  EXPECT_EQ(mail::check_complaints({3, 1000, 2}).verdict, Verdict::kWarn);
  EXPECT_EQ(mail::check_complaints({3, 100000, 299}).verdict, Verdict::kWarn) << "0.299%";
  auto f = mail::check_complaints({3, 1000, 3});
  EXPECT_EQ(f.verdict, Verdict::kFail);
  EXPECT_NE(f.reason.find("3 complaints per 1000 copies delivered of the last 3 editions: 0.30%"), std::string::npos) << f.reason;
  EXPECT_EQ(mail::check_complaints({1, 10, 1}).verdict, Verdict::kFail);
}

TEST(Findings, OneLinePerCheckWithItsFixesBelow) {
  std::vector<mail::Finding> findings = {
      {"dkim", Verdict::kOk, "fine", {}},
      {"spf", Verdict::kFail, "no SPF record", {"news.example. TXT \"v=spf1 ip4:192.0.2.10 -all\""}},
      {"complaints", Verdict::kWarn, "0.15%", {}},
      {"dmarc", Verdict::kFail, "none", {"a", "b"}},
  };
  EXPECT_EQ(mail::format_findings(findings),
            "OK    dkim: fine\n"
            "FAIL  spf: no SPF record\n"
            "      fix: news.example. TXT \"v=spf1 ip4:192.0.2.10 -all\"\n"
            "WARN  complaints: 0.15%\n"
            "FAIL  dmarc: none\n"
            "      fix: a\n"
            "      fix: b\n");
  EXPECT_EQ(mail::failed_checks(findings), "spf, dmarc");
  EXPECT_EQ(mail::quoted_txt(std::string(300, 'a')), "\"" + std::string(255, 'a') + "\" \"" + std::string(45, 'a') + "\"");
  EXPECT_EQ(mail::quoted_txt(""), "\"\"");
}
