// The admin pages over real HTTP: the password (kept hashed) and the session
// cookie; the dashboard with sources' health and the ledger; subscribers'
// search and history; the editor's changes before the send time; forms
// refused without the session's token.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "core/signed_link.hpp"
#include "core/time.hpp"
#include "app/serve.hpp"
#include "desk_fixture.hpp"
#include "store/store.hpp"
#include "web/server.hpp"

using namespace newsdesk;
namespace fs = std::filesystem;

namespace {

// On each store backend: the site and the test each hold a store on one desk.
class Admin : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Backends, Admin, desk_fixture::backends(), test_support::BackendName());

}  // namespace

TEST_P(Admin, PasswordSessionDashboardSubscribersAndEdits) {
  auto desk = test_support::ScratchDatabase::create(GetParam());
  ASSERT_TRUE(desk) << desk.error().message;
  auto store = store::open_store((*desk)->location());
  ASSERT_TRUE(store) << store.error().message;
  const auto now = core::SystemClock().now();
  core::Source source;
  source.name = "Harbour <Times>";
  source.feed_url = "https://harbour.example/feed";
  core::Article article;
  article.url = article.canonical_url = "https://harbour.example/drill";
  article.title = "Navy frigates drill with marines in the strait";
  article.text = "The navy's frigates and the marines held a drill in the strait on Sunday, the defense ministry said.";
  article.published = now;
  ASSERT_NE(desk_fixture::seed_story(**store, source, {5, "Navy drill", now, now, {}}, article), 0);
  auto ada = (*store)->subscribers().add("ada@reader.example", "", now);
  ASSERT_TRUE(ada);
  ASSERT_TRUE((*store)->subscribers().add_consent({*ada, "signup", now, "192.0.2.7", "signup-2026-11", ""}));

  core::Config config;
  config.admin.password_hash = core::password_hash("correct horse battery", 20000);
  config.edition.time_zone = "UTC";
  config.edition.send_time = "23:59";
  config.web.port = 0;
  auto site_store = store::open_store((*desk)->location());
  ASSERT_TRUE(site_store);
  auto site = web::SiteServer::start(config, std::move(*site_store), nullptr, nullptr, app::edition_preview(config));
  ASSERT_TRUE(site) << site.error().message;
  httplib::Client client((*site)->base_url());

  // Without a session: to the login page. A wrong password: refused, no cookie.
  auto anonymous = client.Get("/admin");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 303);
  EXPECT_EQ(anonymous->get_header_value("Location"), "/admin/login");
  auto wrong = client.Post("/admin/login", "password=guess", "application/x-www-form-urlencoded");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  EXPECT_TRUE(wrong->get_header_value("Set-Cookie").empty());
  auto forged = client.Get("/admin", {{"Cookie", "nd_admin=0.0.99999999999.AAAA"}});
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 303);

  auto login = client.Post("/admin/login", "password=correct+horse+battery", "application/x-www-form-urlencoded");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 303);
  const std::string set_cookie = login->get_header_value("Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  const httplib::Headers session = {{"Cookie", set_cookie.substr(0, set_cookie.find(';'))}};

  auto dashboard = client.Get("/admin", session);
  ASSERT_TRUE(dashboard);
  EXPECT_EQ(dashboard->status, 200);
  EXPECT_NE(dashboard->body.find("Harbour &lt;Times&gt;"), std::string::npos) << "the source, escaped";
  EXPECT_NE(dashboard->body.find("http-equiv=\"refresh\""), std::string::npos) << "send progress refreshes itself";
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dashboard->body, m, std::regex("name=\"csrf\" value=\"([^\"]+)\"")));
  const std::string csrf = m[1];

  auto people = client.Get("/admin/subscribers?q=ada", session);
  ASSERT_TRUE(people);
  EXPECT_NE(people->body.find("ada@reader.example"), std::string::npos);
  auto history = client.Get(fmt::format("/admin/subscribers/{}", *ada), session);
  ASSERT_TRUE(history);
  EXPECT_NE(history->body.find("192.0.2.7"), std::string::npos) << "the consent evidence";

  // The editor's change: refused without the form token, recorded with it.
  const std::string today = *core::local_date(now, "UTC");
  auto no_token = client.Post("/admin/editions", session, fmt::format("date={}&action=pin&story=5&position=1", today),
                              "application/x-www-form-urlencoded");
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 403);
  auto pinned = client.Post("/admin/editions", session, fmt::format("csrf={}&date={}&action=pin&story=5&position=1", csrf, today),
                            "application/x-www-form-urlencoded");
  ASSERT_TRUE(pinned);
  EXPECT_EQ(pinned->status, 200);
  auto edits = (*store)->editions().edits(config.edition.name, today);
  ASSERT_TRUE(edits);
  if (now < *core::local_to_utc(today, "23:59", "UTC")) {
    ASSERT_EQ(edits->size(), 1u);
    EXPECT_EQ((*edits)[0].story_id, 5);
    EXPECT_NE(pinned->body.find("Recorded"), std::string::npos);
  } else {  // the last minute of the day: the deadline has passed, and says so
    EXPECT_TRUE(edits->empty());
    EXPECT_NE(pinned->body.find("Too late"), std::string::npos);
  }
  // Not built yet: the edition as it would be built now, pinned story first, and its email.
  auto editions = client.Get(fmt::format("/admin/editions?date={}", today), session);
  ASSERT_TRUE(editions);
  EXPECT_NE(editions->body.find("Not built yet"), std::string::npos);
  EXPECT_NE(editions->body.find("As it would be built now"), std::string::npos) << editions->body;
  EXPECT_NE(editions->body.find("(story 5, 1 outlets)"), std::string::npos) << editions->body;
  auto email = client.Get(fmt::format("/admin/editions/preview?date={}", today), session);
  ASSERT_TRUE(email);
  EXPECT_EQ(email->status, 200);
  EXPECT_NE(email->body.find("Navy frigates drill"), std::string::npos) << email->body.substr(0, 2000);
  EXPECT_EQ(client.Get(fmt::format("/admin/editions/preview?date={}", today))->status, 303) << "the preview needs a session";
  auto stored = (*store)->editions().by_date(config.edition.name, today);
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->has_value()) << "a preview stores no edition";
  // Unsubscribing someone keeps a record of who did it.
  auto removed = client.Post(fmt::format("/admin/subscribers/{}", *ada), session, "csrf=" + csrf + "&action=unsubscribe",
                             "application/x-www-form-urlencoded");
  ASSERT_TRUE(removed);
  EXPECT_EQ((*(*store)->subscribers().find(*ada))->state, core::SubscriberState::kUnsubscribed);
  auto logout = client.Post("/admin/logout", session, "csrf=" + csrf, "application/x-www-form-urlencoded");
  ASSERT_TRUE(logout);
  EXPECT_EQ(logout->status, 303);
  EXPECT_NE(logout->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  (*site)->stop();
}
