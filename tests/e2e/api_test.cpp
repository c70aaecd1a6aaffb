// The JSON API over real HTTP: refused without the token, then sources,
// stories with their articles, editions, and subscribers (listed, added
// without downgrading anyone).
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/signed_link.hpp"
#include "core/time.hpp"
#include "desk_fixture.hpp"
#include "store/store.hpp"
#include "web/server.hpp"

using namespace newsdesk;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// On each store backend: the site and the test each hold a store on one desk.
class Api : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Backends, Api, desk_fixture::backends(), test_support::BackendName());

}  // namespace

TEST_P(Api, TokenSourcesStoriesEditionsSubscribers) {
  auto desk = test_support::ScratchDatabase::create(GetParam());
  ASSERT_TRUE(desk) << desk.error().message;
  auto store = store::open_store((*desk)->location());
  ASSERT_TRUE(store) << store.error().message;
  const auto now = core::SystemClock().now();
  core::Source source;
  source.name = "Harbour Times";
  source.feed_url = "https://harbour.example/feed";
  core::Article a;
  a.url = a.canonical_url = "https://harbour.example/drill";
  a.title = "Navy drill";
  a.language = "en";
  a.published = now;
  ASSERT_NE(desk_fixture::seed_story(**store, source, {1, "Navy drill off the coast", now, now, {}}, a), 0);
  core::Config config;
  core::Edition edition;
  edition.name = config.edition.name;
  edition.date = "2026-11-29";
  edition.built_at = now;
  edition.subject = "Daily Headlines: Navy drill";
  ASSERT_TRUE((*store)->editions().save(edition, {"<p>x</p>", "x", R"({"date": "2026-11-29", "items": []})"}));
  auto confirmed = (*store)->subscribers().add("ada@reader.example", "", now);
  ASSERT_TRUE(confirmed);
  ASSERT_TRUE((*store)->subscribers().set_state(*confirmed, core::SubscriberState::kConfirmed, now));

  const std::string token = core::random_hex(32);
  config.api.token_sha256 = {core::sha256_hex(token)};
  config.web.port = 0;
  auto site_store = store::open_store((*desk)->location());
  ASSERT_TRUE(site_store);
  auto site = web::SiteServer::start(config, std::move(*site_store));
  ASSERT_TRUE(site) << site.error().message;
  httplib::Client client((*site)->base_url());

  for (const char* wrong : {"", "Bearer nope", "Basic abc"}) {
    httplib::Headers h;
    if (*wrong) h.emplace("Authorization", wrong);
    auto refused = client.Get("/api/v1/sources", h);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401) << wrong;
    EXPECT_NE(refused->get_header_value("WWW-Authenticate").find("Bearer"), std::string::npos);
  }
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  auto get = [&](const std::string& path) {
    auto res = client.Get(path, auth);
    EXPECT_TRUE(res);
    EXPECT_EQ(res->get_header_value("Content-Type").rfind("application/json", 0), 0u);
    return std::make_pair(res->status, json::parse(res->body, nullptr, false));
  };
  auto [sources_status, sources] = get("/api/v1/sources");
  EXPECT_EQ(sources_status, 200);
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0]["name"], "Harbour Times");
  EXPECT_TRUE(sources[0].contains("health"));

  auto [stories_status, stories] = get("/api/v1/stories?hours=24");
  EXPECT_EQ(stories_status, 200);
  ASSERT_EQ(stories.size(), 1u);
  auto [one_status, one] = get("/api/v1/stories/1");
  EXPECT_EQ(one_status, 200);
  ASSERT_EQ(one["articles"].size(), 1u);
  EXPECT_EQ(one["articles"][0]["outlet"], "Harbour Times");
  EXPECT_EQ(one["articles"][0]["language"], "en");
  EXPECT_EQ(one["languages"], json::array({"en"}));
  EXPECT_EQ(get("/api/v1/stories/99").first, 404);
  EXPECT_EQ(get("/api/v1/stories?hours=abc").first, 400);

  auto [editions_status, editions] = get("/api/v1/editions");
  EXPECT_EQ(editions_status, 200);
  ASSERT_EQ(editions.size(), 1u);
  EXPECT_EQ(editions[0]["date"], "2026-11-29");
  auto [edition_status, edition_json] = get("/api/v1/editions/2026-11-29");
  EXPECT_EQ(edition_status, 200);
  EXPECT_EQ(edition_json["deliveries"]["sent"], 0);

  auto [subs_status, subs] = get("/api/v1/subscribers?state=confirmed");
  EXPECT_EQ(subs_status, 200);
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0]["email"], "ada@reader.example");
  // Adding: new ones with a consent record; a known one is left as it is.
  auto added = client.Post("/api/v1/subscribers", auth, R"({"email": "Grace@Reader.Example", "confirmed": true})", "application/json");
  ASSERT_TRUE(added);
  EXPECT_EQ(added->status, 201) << added->body;
  auto again = client.Post("/api/v1/subscribers", auth, R"({"email": "ada@reader.example", "confirmed": false})", "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(json::parse(again->body)["state"], "confirmed") << "a known subscriber is never downgraded";
  auto bad = client.Post("/api/v1/subscribers", auth, R"({"mail": 1})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto grace = (*store)->subscribers().find_by_email("grace@reader.example");
  ASSERT_TRUE(grace && *grace);
  EXPECT_EQ((*grace)->state, core::SubscriberState::kConfirmed);
  auto consents = (*store)->subscribers().consents((*grace)->id);
  ASSERT_TRUE(consents);
  ASSERT_EQ(consents->size(), 1u);
  EXPECT_EQ((*consents)[0].action, "import");
  EXPECT_EQ(get("/api/v1/nothing").first, 404);
  (*site)->stop();
}
