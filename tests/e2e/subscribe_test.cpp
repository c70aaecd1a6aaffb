// Signing up on the site, over real HTTP with a real SMTP server (aiosmtpd)
// receiving the confirmation: double opt-in, no downgrade and no third-party
// change of someone's state, the form's token and honeypot, expired links,
// preferences (pause), consent evidence in the export, erasure, rate limits.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "app/transactional.hpp"
#include "core/clock.hpp"
#include "core/signed_link.hpp"
#include "core/time.hpp"
#include "desk_fixture.hpp"
#include "smtp_servers.hpp"
#include "store/store.hpp"
#include "web/server.hpp"

using namespace newsdesk;
using namespace smtp_servers;
namespace fs = std::filesystem;

namespace {

struct Form {
  std::string cookie;  // "nd_form=..."
  std::string token;
};

Form fetch_form(httplib::Client& client) {
  Form f;
  auto res = client.Get("/subscribe");
  EXPECT_TRUE(res);
  if (!res) return f;
  EXPECT_EQ(res->status, 200);
  const std::string set_cookie = res->get_header_value("Set-Cookie");
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  f.cookie = set_cookie.substr(0, set_cookie.find(';'));
  std::smatch m;
  if (std::regex_search(res->body, m, std::regex("name=\"form\" value=\"([^\"]+)\""))) f.token = m[1];
  return f;
}

httplib::Result sign_up(httplib::Client& client, const Form& f, const std::string& email, const std::string& extra = "") {
  httplib::Headers headers;
  if (!f.cookie.empty()) headers.emplace("Cookie", f.cookie);
  const std::string body = fmt::format("email={}&form={}&edition=Daily+Headlines{}", email, f.token, extra);
  return client.Post("/subscribe", headers, body, "application/x-www-form-urlencoded");
}

std::vector<std::string> mails(const fs::path& dir) {
  std::vector<std::string> out;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream b;
    b << in.rdbuf();
    out.push_back(b.str());
  }
  return out;
}

// The confirmation link in a (quoted-printable) message.
std::string confirm_path(std::string message) {
  std::string plain;
  for (size_t i = 0; i < message.size(); ++i) {  // undo soft breaks and =3D
    if (message.compare(i, 3, "=\r\n") == 0) {
      i += 2;
    } else if (message.compare(i, 3, "=3D") == 0) {
      plain += '=';
      i += 2;
    } else {
      plain += message[i];
    }
  }
  std::smatch m;
  return std::regex_search(plain, m, std::regex("http://127\\.0\\.0\\.1:\\d+(/confirm\\?t=[0-9A-Za-z._-]+)")) ? std::string(m[1]) : "";
}

// On each store backend: the site holds a store on the desk, and so does the test.
class Subscribe : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Backends, Subscribe, desk_fixture::backends(), test_support::BackendName());

}  // namespace

TEST_P(Subscribe, DoubleOptInAndEverythingAReaderCanDo) {
  Server server = aiosmtpd("subscribe");
  ASSERT_GT(server.port, 0);
  auto desk = test_support::ScratchDatabase::create(GetParam());
  ASSERT_TRUE(desk) << desk.error().message;
  core::Config config;
  config.store.set_location((*desk)->location());
  config.web.port = free_port();
  config.edition.site_url = fmt::format("http://127.0.0.1:{}", config.web.port);
  config.subscribers.signups_per_ip_per_hour = 8;
  config.mail.relays.push_back(smtp_servers::plaintext_relay("aiosmtpd", server.port, 5));
  auto site_store = store::open_store((*desk)->location());
  ASSERT_TRUE(site_store);
  auto site = web::SiteServer::start(config, std::move(*site_store), app::confirmation_mailer(config));
  ASSERT_TRUE(site) << site.error().message;
  auto store = store::open_store((*desk)->location());
  ASSERT_TRUE(store);
  httplib::Client client((*site)->base_url());
  auto state_of = [&](const std::string& email) {
    auto s = (*store)->subscribers().find_by_email(email);
    return s && *s ? std::string(core::to_string((*s)->state)) : std::string("none");
  };

  // Sign up: pending, one confirmation mail, consent kept.
  Form form = fetch_form(client);
  ASSERT_FALSE(form.token.empty());
  auto signed_up = sign_up(client, form, "ada%40reader.example");
  ASSERT_TRUE(signed_up);
  EXPECT_EQ(signed_up->status, 200);
  EXPECT_NE(signed_up->body.find("Check your inbox"), std::string::npos);
  EXPECT_EQ(state_of("ada@reader.example"), "pending");
  auto inbox = mails(server.dir / "mail");
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_NE(inbox[0].find("X-Envelope-To: ada@reader.example"), std::string::npos);
  const std::string link = confirm_path(inbox[0]);
  ASSERT_FALSE(link.empty()) << inbox[0];

  // Opening the link asks; it does not confirm (mail scanners open links).
  auto asked = client.Get(link);
  ASSERT_TRUE(asked);
  EXPECT_NE(asked->body.find("<button type=\"submit\">Confirm</button>"), std::string::npos);
  EXPECT_EQ(state_of("ada@reader.example"), "pending");
  auto confirmed = client.Post(link, "", "application/x-www-form-urlencoded");
  ASSERT_TRUE(confirmed);
  EXPECT_EQ(confirmed->status, 200);
  EXPECT_EQ(state_of("ada@reader.example"), "confirmed");

  // Signing up again: the same answer, no mail, no downgrade.
  auto again = sign_up(client, fetch_form(client), "ada%40reader.example");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, signed_up->body);
  EXPECT_EQ(mails(server.dir / "mail").size(), 1u);
  EXPECT_EQ(state_of("ada@reader.example"), "confirmed");

  // No cookie (a post from another site): refused. A filled honeypot: told the same, nothing done.
  Form no_cookie = fetch_form(client);
  no_cookie.cookie.clear();
  auto forged = sign_up(client, no_cookie, "eve%40reader.example");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  auto robot = sign_up(client, fetch_form(client), "bot%40reader.example", "&website=http%3A%2F%2Fspam.example");
  ASSERT_TRUE(robot);
  EXPECT_EQ(robot->status, 200);
  EXPECT_EQ(state_of("bot@reader.example"), "none");
  auto bad = sign_up(client, fetch_form(client), "not-an-address");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(mails(server.dir / "mail").size(), 1u);

  // An expired confirmation link says so and changes nothing.
  auto grace = sign_up(client, fetch_form(client), "grace%40reader.example");
  ASSERT_TRUE(grace);
  auto grace_id = (*(*store)->subscribers().find_by_email("grace@reader.example"))->id;
  auto secret = (*store)->secret("links");
  ASSERT_TRUE(secret);
  const std::string stale = core::sign_link(*secret, {"confirm", grace_id, 0, 1000});
  auto expired = client.Post("/confirm?t=" + stale, "", "application/x-www-form-urlencoded");
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, 410);
  EXPECT_EQ(state_of("grace@reader.example"), "pending");

  // Preferences from the reader's link: pause, and the time zone.
  auto ada_id = (*(*store)->subscribers().find_by_email("ada@reader.example"))->id;
  const std::string prefs = "/preferences?t=" + core::sign_link(*secret, {"preferences", ada_id, 0, 0});
  auto page = client.Get(prefs);
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("ada@reader.example is subscribed"), std::string::npos);
  auto saved = client.Post(prefs, "paused=1&time_zone=Europe%2FParis", "application/x-www-form-urlencoded");
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->status, 200);
  auto ada = (*(*store)->subscribers().find(ada_id));
  EXPECT_TRUE(ada->paused);
  EXPECT_EQ(ada->time_zone, "Europe/Paris");
  // A paused reader gets no copy of the next edition.
  core::Edition edition;
  edition.name = config.edition.name;
  edition.date = "2026-11-29";
  edition.subject = "x";
  auto edition_id = (*store)->editions().save(edition, {"", "", "{}"});
  ASSERT_TRUE(edition_id);
  auto queued = (*store)->deliveries().enqueue_confirmed(*edition_id, edition.name, core::SystemClock().now());
  ASSERT_TRUE(queued);
  EXPECT_EQ(*queued, 0u);

  // The export has the evidence: what, when, from where, with which form.
  auto exported = client.Get("/export?t=" + prefs.substr(prefs.find("t=") + 2));
  ASSERT_TRUE(exported);
  EXPECT_EQ(exported->status, 200);
  EXPECT_NE(exported->get_header_value("Content-Disposition").find("attachment"), std::string::npos);
  EXPECT_NE(exported->body.find("\"action\": \"signup\""), std::string::npos) << exported->body;
  EXPECT_NE(exported->body.find("\"action\": \"confirm\""), std::string::npos);
  EXPECT_NE(exported->body.find("\"ip\": \"127.0.0.1\""), std::string::npos);
  EXPECT_NE(exported->body.find(web::Subscriptions::kFormVersion), std::string::npos);

  // Erasure: gone, with everything kept about them.
  auto erased = client.Post("/erase?t=" + prefs.substr(prefs.find("t=") + 2), "", "application/x-www-form-urlencoded");
  ASSERT_TRUE(erased);
  EXPECT_EQ(erased->status, 200);
  EXPECT_EQ(state_of("ada@reader.example"), "none");
  auto consents = (*store)->subscribers().consents(ada_id);
  ASSERT_TRUE(consents);
  EXPECT_TRUE(consents->empty());

  // Too many sign-ups from one address of the Internet: 429.
  int limited = 0;
  for (int i = 0; i < 10; ++i) {
    auto r = sign_up(client, fetch_form(client), fmt::format("reader{}%40reader.example", i));
    ASSERT_TRUE(r);
    limited += r->status == 429 ? 1 : 0;
  }
  EXPECT_GT(limited, 0);
  (*site)->stop();
}
