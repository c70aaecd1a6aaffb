// The sign-up's optional MX check (web/mail_domain) against a real DNS server
// on 127.0.0.1 (tests/support/dns_stub.py, invented domains), and the form
// refusing an address whose domain takes no mail.
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "desk_fixture.hpp"
#include "smtp_servers.hpp"
#include "store/store.hpp"
#include "web/mail_domain.hpp"
#include "web/subscriptions.hpp"

using namespace newsdesk;
namespace fs = std::filesystem;

namespace {

// The stub, with the records of `zone_file` (dns_stub.py's format) when given.
smtp_servers::Server dns_stub(const fs::path& zone_file = {}) {
  return smtp_servers::Server("dns", [zone_file](const fs::path&, const fs::path& port_file, const fs::path& pid_file) {
    return fmt::format("(/usr/bin/python3 '{}/support/dns_stub.py' '{}' {} & echo $! > '{}') >/dev/null 2>&1", NEWSDESK_TESTS_DIR,
                       port_file.string(), zone_file.empty() ? "" : "'" + zone_file.string() + "'", pid_file.string());
  });
}

// The form on each store backend (the MX check itself keeps no desk).
class MailDomain : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Backends, MailDomain, desk_fixture::backends(), test_support::BackendName());

}  // namespace

TEST(MailDomain, MxThenAddressNullMxNoDomainAndTroubleAreToldApart) {
  auto dns = dns_stub();
  ASSERT_GT(dns.port, 0);
  // The stub answers at once; the timeout is far from a loaded machine's slowest answer.
  const web::DnsOptions options{fmt::format("127.0.0.1:{}", dns.port), std::chrono::seconds(20)};
  EXPECT_EQ(web::mail_domain("mail.example", options), web::MailDomain::kReceives);
  EXPECT_EQ(web::mail_domain("MAIL.example", options), web::MailDomain::kReceives) << "names are case-blind";
  EXPECT_EQ(web::mail_domain("aonly.example", options), web::MailDomain::kReceives) << "no MX: the A record is the implicit MX";
  EXPECT_EQ(web::mail_domain("nullmx.example", options), web::MailDomain::kNoMail) << "RFC 7505's null MX";
  EXPECT_EQ(web::mail_domain("noaddr.example", options), web::MailDomain::kNoMail) << "neither MX nor address";
  EXPECT_EQ(web::mail_domain("typo.example", options), web::MailDomain::kNoMail) << "NXDOMAIN";
  EXPECT_EQ(web::mail_domain("servfail.example", options), web::MailDomain::kUnknown) << "the resolver's trouble is not the reader's";
  const web::DnsOptions impatient{options.server, std::chrono::seconds(1)};  // the stub never answers this one
  EXPECT_EQ(web::mail_domain("silent.example", impatient), web::MailDomain::kUnknown) << "a timeout is not a no";
  EXPECT_EQ(web::mail_domain("", options), web::MailDomain::kNoMail);
}

// The lookups of the pre-send check (`newsdesk doctor`): TXT, A, AAAA and
// MX through the same resolver, against records the test writes.
TEST(MailDomain, TxtAddressAndMxLookupsForThePreSendCheck) {
  const fs::path zone = fs::temp_directory_path() / fmt::format("newsdesk-zone-{}.txt", ::getpid());
  const std::string long_value = "v=DKIM1; k=rsa; p=" + std::string(400, 'A');  // more than one 255-octet string
  {
    std::ofstream out(zone);
    out << "# records of the lookup test\n"
        << "txt.example TXT \"v=spf1 ip4:192.0.2.10 -all\"\n"
        << "txt.example TXT \"two \" \"strings\"\n"
        << "sel._domainkey.txt.example TXT \"" << long_value << "\"\n"
        << "host.txt.example A 192.0.2.10\n"
        << "host.txt.example AAAA 2001:db8::10\n"
        << "txt.example MX 20 mx2.txt.example\n"
        << "txt.example MX 10 mx1.txt.example\n";
  }
  auto dns = dns_stub(zone);
  ASSERT_GT(dns.port, 0);
  const web::DnsOptions options{fmt::format("127.0.0.1:{}", dns.port), std::chrono::seconds(20)};
  using Status = web::DnsRecords::Status;
  auto txt = web::dns_lookup("txt.example", web::DnsType::kTxt, options);
  EXPECT_EQ(txt.status, Status::kRecords);
  EXPECT_EQ(txt.records, (std::vector<std::string>{"v=spf1 ip4:192.0.2.10 -all", "two strings"})) << "a record's strings joined";
  auto dkim = web::dns_lookup("sel._domainkey.txt.example", web::DnsType::kTxt, options);
  ASSERT_EQ(dkim.records.size(), 1u);
  EXPECT_EQ(dkim.records[0], long_value);
  EXPECT_EQ(web::dns_lookup("host.txt.example", web::DnsType::kA, options).records, std::vector<std::string>{"192.0.2.10"});
  EXPECT_EQ(web::dns_lookup("host.txt.example", web::DnsType::kAaaa, options).records, std::vector<std::string>{"2001:db8::10"});
  EXPECT_EQ(web::dns_lookup("txt.example", web::DnsType::kMx, options).records,
            (std::vector<std::string>{"mx1.txt.example", "mx2.txt.example"}))
      << "best preference first";
  EXPECT_EQ(web::dns_lookup("nullmx.example", web::DnsType::kMx, options).records, std::vector<std::string>{"."});
  EXPECT_EQ(web::dns_lookup("host.txt.example", web::DnsType::kTxt, options).status, Status::kNoData);
  EXPECT_EQ(web::dns_lookup("_domainkey.txt.example", web::DnsType::kTxt, options).status, Status::kNoData)
      << "a name above a record exists";
  EXPECT_EQ(web::dns_lookup("other.example", web::DnsType::kTxt, options).status, Status::kNoDomain);
  EXPECT_EQ(web::dns_lookup("servfail.example", web::DnsType::kTxt, options).status, Status::kTrouble);
  EXPECT_EQ(web::mail_domain("mail.example", options), web::MailDomain::kReceives) << "the stub's own domains as before";
  fs::remove(zone);
}

TEST_P(MailDomain, TheSignUpFormRefusesADomainThatTakesNoMailAndGoesOnForOthers) {
  auto dns = dns_stub();
  ASSERT_GT(dns.port, 0);
  auto desk = test_support::ScratchDatabase::create(GetParam());
  ASSERT_TRUE(desk) << desk.error().message;
  auto store = store::open_store((*desk)->location());
  ASSERT_TRUE(store) << store.error().message;
  core::Config config;
  config.subscribers.check_mx = true;
  config.subscribers.dns_server = fmt::format("127.0.0.1:{}", dns.port);
  std::mutex mutex;
  core::SystemClock clock;
  std::vector<std::string> mailed;
  web::Subscriptions subs(config, web::SiteInfo{"Daily Headlines", "", ""}, **store, mutex,
                          [&](const std::string& to, const std::string&) -> core::Result<void> {
                            mailed.push_back(to);
                            return {};
                          },
                          clock);
  web::Request ask;
  ask.cookie = std::string(32, 'c');
  ask.ip = "192.0.2.9";
  const auto form = subs.signup_form(ask);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(form.body, m, std::regex("name=\"form\" value=\"([^\"]+)\"")));
  auto sign_up = [&](const std::string& email) {
    web::Request r = ask;
    r.params = {{"form", m[1]}, {"email", email}};
    return subs.signup(r);
  };
  const auto refused = sign_up("ada@nullmx.example");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("not a domain that receives email"), std::string::npos);
  EXPECT_EQ(sign_up("bob@typo.example").status, 400);
  EXPECT_EQ(sign_up("cy@mail.example").status, 200);
  EXPECT_EQ(sign_up("di@servfail.example").status, 200) << "DNS trouble never turns a reader away";
  EXPECT_EQ(mailed, (std::vector<std::string>{"cy@mail.example", "di@servfail.example"}));
  EXPECT_FALSE(*(*store)->subscribers().find_by_email("ada@nullmx.example")) << "a refused address is not kept";
}
