// Hostile text from outlets and readers: payloads placed in article titles
// and bodies, outlet names, story headlines, the edition's items and search
// queries never come out unescaped, on any page of the site or in the
// edition's email.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>

#include <fmt/format.h>

#include "app/sender.hpp"
#include "core/time.hpp"
#include "edition/edition.hpp"
#include "smtp_servers.hpp"
#include "desk_fixture.hpp"
#include "store/store.hpp"
#include "web/server.hpp"

using namespace newsdesk;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kPayloads = {
    "<script>alert('x1')</script>",
    "<img src=x onerror=alert('x2')>",
    "\"><svg onload=alert('x3')>",
    "'><iframe src=javascript:alert('x4')></iframe>",
    "<a href=\"javascript:alert('x5')\">click</a>",
    "{{7*7}}<style>body{display:none}</style>",
};

// Whether `page` carries any payload as written (unescaped).
std::string raw_payload_in(const std::string& page) {
  for (const auto& p : kPayloads) {
    if (page.find(p) != std::string::npos) return p;
  }
  // Escaped text may say "onerror=" harmlessly; a tag of the payloads' may not exist at all.
  for (const char* tag : {"<script", "<svg", "<iframe", "<img src=x", "href=\"javascript:", "src=\"javascript:", "<style>body{display"}) {
    if (page.find(tag) != std::string::npos) return tag;
  }
  return "";
}

// On each store backend: what the payloads become in the store's full-text
// search (FTS5 snippets, tsvector headlines) is on the pages too.
class Xss : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Backends, Xss, desk_fixture::backends(), test_support::BackendName());

}  // namespace

TEST_P(Xss, PayloadsNeverComeOutUnescapedInPagesOrEmail) {
  auto desk = test_support::ScratchDatabase::create(GetParam());
  ASSERT_TRUE(desk) << desk.error().message;
  auto store = store::open_store((*desk)->location());
  ASSERT_TRUE(store) << store.error().message;
  const auto now = *core::parse_rfc3339("2026-11-29T06:00:00Z");
  const std::string all = fmt::format("{}", fmt::join(kPayloads, " "));
  core::Source source;
  source.name = "Outlet " + kPayloads[1];
  source.feed_url = "https://outlet.example/feed";
  core::Article a;
  a.url = a.canonical_url = "https://outlet.example/drill";
  a.title = "Navy drill " + kPayloads[2];
  a.text = "Navy ships sailed. " + all;
  a.site_name = kPayloads[3];
  a.image_url = "javascript:alert('img')";
  a.image_caption = kPayloads[4];
  a.published = now;
  ASSERT_NE(desk_fixture::seed_story(**store, source, {1, "Navy drill " + kPayloads[0], now, now, {}}, a), 0);

  core::Config config;
  core::Edition edition;
  edition.name = config.edition.name;
  edition.date = "2026-11-29";
  edition.built_at = now;
  edition.subject = "Daily Headlines: " + kPayloads[0];
  core::EditionItem item;
  item.story_id = 1;
  item.headline = "Navy drill " + kPayloads[5];
  item.summary = all;
  item.url = "javascript:alert('item')";
  item.outlet = kPayloads[1];
  item.outlets = 2;
  item.section = "Top stories";
  item.coverage.push_back({kPayloads[2], kPayloads[3], "javascript:alert('cov')", std::nullopt, false});
  edition.items.push_back(item);
  const edition::Links links{"https://news.example/unsubscribe?t=1", "https://news.example/preferences?t=1",
                             "https://news.example/edition/2026-11-29", ""};
  const std::string email_html = edition::render_html(edition, config.edition, links);
  const std::string email_text = edition::render_text(edition, config.edition, links);
  ASSERT_TRUE((*store)->editions().save(edition, {email_html, email_text, edition::render_json(edition)}));
  EXPECT_EQ(raw_payload_in(email_html), "") << "the edition's HTML";
  // The email: the HTML part is the rendering checked above; the subject is plain text (no HTML),
  // and a header cannot be broken open by what the payloads hold.
  auto eml = app::edition_email(config, edition, "reader@reader.example", "1", links.unsubscribe_url, email_text, email_html,
                                now, nullptr);
  ASSERT_TRUE(eml) << eml.error().message;
  EXPECT_EQ(eml->substr(0, eml->find("\r\n\r\n")).find("\n<"), std::string::npos);

  config.web.port = 0;
  auto site_store = store::open_store((*desk)->location());
  ASSERT_TRUE(site_store);
  auto site = web::SiteServer::start(config, std::move(*site_store));
  ASSERT_TRUE(site) << site.error().message;
  httplib::Client client((*site)->base_url());
  std::vector<std::string> paths = {"/", "/story/1", "/edition/2026-11-29", "/editions", "/search?q=navy", "/subscribe"};
  for (const auto& p : kPayloads) paths.push_back("/search?q=" + httplib::detail::encode_query_param(p));
  for (const auto& path : paths) {
    SCOPED_TRACE(path);
    auto res = client.Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(raw_payload_in(res->body), "");
    EXPECT_NE(res->get_header_value("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
  }
  // The story page says why it ranks (every term of its score) and shares without third-party script.
  auto story_page = client.Get("/story/1");
  ASSERT_TRUE(story_page);
  EXPECT_NE(story_page->body.find("Why it ranks here"), std::string::npos);
  for (const char* term : {"<strong>outlets</strong>", "<strong>relevance</strong>", "<strong>recency</strong>"}) {
    EXPECT_NE(story_page->body.find(term), std::string::npos) << term;
  }
  EXPECT_NE(story_page->body.find("href=\"https://twitter.com/intent/tweet?text=Navy%20drill%20%3Cscript"), std::string::npos);
  EXPECT_NE(story_page->body.find("href=\"mailto:?subject="), std::string::npos);
  auto found = client.Get("/search?q=navy");
  ASSERT_TRUE(found);
  EXPECT_NE(found->body.find("<mark>Navy</mark>"), std::string::npos) << "the search did find the article";
  (*site)->stop();
}
