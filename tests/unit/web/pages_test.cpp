#include <gtest/gtest.h>

#include "core/time.hpp"
#include "feed/feed.hpp"
#include "web/pages.hpp"

using namespace newsdesk;

TEST(Pages, HeadlinesEscapeTitlesAndRefuseScriptLinks) {
  core::Edition e;
  e.name = "Daily Headlines";
  e.date = "2026-11-29";
  core::EditionItem it;
  it.story_id = 3;
  it.headline = "<img src=x onerror=alert(1)>";
  it.url = "javascript:alert(1)";
  it.outlet = "O";
  e.items.push_back(it);
  auto html = web::headlines_page({"Daily Headlines", "", "1 Street"}, e);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_NE(html.find("/story/3"), std::string::npos);
}

TEST(Pages, NoEditionYetSaysSo) {
  auto html = web::headlines_page({"Daily Headlines", "", ""}, std::nullopt);
  EXPECT_NE(html.find("No edition has been built yet"), std::string::npos);
}

TEST(Pages, StoryPageMarksCopiesAndShowsTheCaptionOnce) {
  core::Story s{1, "Drones downed", *core::parse_rfc3339("2026-11-29T09:00:00Z"), *core::parse_rfc3339("2026-11-29T10:00:00Z"), {}};
  web::StoryArticle a, b;
  a.outlet = "First Outlet";
  a.article.url = "https://a.example/1";
  a.article.title = "Original";
  a.article.image_url = "https://a.example/i.jpg";
  a.article.image_caption = "The caption";
  b.outlet = "Second Outlet";
  b.article.url = "https://b.example/1";
  b.article.title = "Copy";
  b.article.copy_of = 1;
  b.article.image_caption = "The caption";
  auto html = web::story_page({"Daily Headlines", "", ""}, s, {a, b});
  EXPECT_NE(html.find("first reported by First Outlet"), std::string::npos);
  EXPECT_NE(html.find("class=\"copy\""), std::string::npos);
  size_t first = html.find("<figcaption>The caption</figcaption>");
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(html.find("<figcaption>", first + 1), std::string::npos) << "one caption, however many articles carry it";
}

TEST(Pages, SearchEscapesWhatWasFoundAndHighlightsOnlyTheMatches) {
  web::SiteInfo site{"Daily Headlines", "", "1 Example Street"};
  web::SearchView view;
  view.query = "<script>alert(1)</script>";
  view.total = 45;
  view.page = 2;
  view.hits.push_back({"Navy \x02" "drill\x03 <img src=x onerror=alert(1)>", "a \x02" "drill\x03 & more", "javascript:alert(1)",
                       "Outlet <b>", "2026-11-29"});
  const std::string html = web::search_page(site, view);
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("href=\"javascript:"), std::string::npos);
  EXPECT_NE(html.find("Navy <mark>drill</mark> &lt;img"), std::string::npos) << html;
  EXPECT_NE(html.find("a <mark>drill</mark> &amp; more"), std::string::npos);
  EXPECT_NE(html.find("Page 2 of 3"), std::string::npos);
  EXPECT_NE(html.find("/search?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;page=3"), std::string::npos) << html;
}

TEST(Pages, BeatFeedsAreFeedsOurOwnReaderReads) {
  const auto now = *newsdesk::core::parse_rfc3339("2026-11-29T06:00:00Z");
  // (Feed readers strip markup from titles, ours too: the round trip uses ampersands and quotes.)
  web::LiveBeat beat{"military", {{6, "Drones over the bay & \"more\"", 8, now, 3.2}, {12, "Senate passes <b>bill</b>", 6, now, 2.0}}};
  for (const std::string& text : {web::beat_atom(beat, "Daily Headlines", "https://news.example", now),
                                  web::beat_rss(beat, "Daily Headlines", "https://news.example", now),
                                  web::beat_json_feed(beat, "Daily Headlines", "https://news.example")}) {
    auto feed = newsdesk::feed::parse_feed(text, "https://news.example/beats/military", "");
    ASSERT_TRUE(feed) << feed.error().message << "\n" << text;
    ASSERT_EQ(feed->entries.size(), 2u) << text;
    EXPECT_EQ(feed->entries[0].title, "Drones over the bay & \"more\"");
    EXPECT_EQ(feed->entries[0].url, "https://news.example/story/6");
    EXPECT_TRUE(feed->warnings.empty()) << feed->warnings.front();
  }
  web::SiteInfo site{"Daily Headlines", "", ""};
  const std::string page = web::headlines_page(site, std::nullopt, {beat});
  EXPECT_NE(page.find("Live now: military"), std::string::npos);
  EXPECT_NE(page.find("Senate passes &lt;b&gt;bill&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(page.find("href=\"/beats/military.atom\""), std::string::npos);
}

TEST(Pages, StoryVideosPlayInPlaceFromHttpSourcesOnly) {
  web::SiteInfo site{"Daily Headlines", "", ""};
  core::Story story{3, "Drill", {}, {}, {}};
  const std::string html = web::story_page(site, story, {}, std::nullopt, "",
                                           {{"https://a.example/drill.mp4", "video/mp4", std::nullopt},
                                            {"javascript:alert(1)", "video/mp4", std::nullopt}});
  EXPECT_NE(html.find("<video controls preload=\"none\""), std::string::npos);
  EXPECT_NE(html.find("<source src=\"https://a.example/drill.mp4\" type=\"video/mp4\">"), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_EQ(web::story_page(site, story, {}).find("<video"), std::string::npos) << "no videos, no section";
}

TEST(Pages, StoryPageNamesTheLanguagesOfItsCoverageAndMarksEachLink) {
  core::Story s{1, "Naval exercise", *core::parse_rfc3339("2026-11-29T09:00:00Z"), *core::parse_rfc3339("2026-11-29T10:00:00Z"), {}};
  web::StoryArticle en, fr, fr2, unknown, bad;
  en.outlet = "Harbour Post";
  en.article.url = "https://a.example/1";
  en.article.title = "Navy starts exercise";
  en.article.language = "en";
  fr.outlet = "Le Quotidien";
  fr.article.url = "https://b.example/1";
  fr.article.title = "La marine lance des manœuvres";
  fr.article.language = "fr";
  fr2 = fr;
  fr2.article.language = "fr-CA";
  unknown.outlet = "Somewhere";
  unknown.article.url = "https://c.example/1";
  unknown.article.title = "?";
  bad = unknown;
  bad.article.language = "\"><script>";
  const std::string html = web::story_page({"Daily Headlines", "", ""}, s, {en, fr, fr2, unknown, bad});
  EXPECT_NE(html.find("in 2 languages: English, French"), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"https://b.example/1\" lang=\"fr\" hreflang=\"fr\">"), std::string::npos);
  EXPECT_NE(html.find("lang=\"fr-CA\""), std::string::npos);
  EXPECT_NE(html.find("<a href=\"https://c.example/1\">"), std::string::npos) << "no language, no attribute";
  EXPECT_EQ(html.find("<script>"), std::string::npos);

  // One language: nothing to say.
  const std::string one = web::story_page({"Daily Headlines", "", ""}, s, {en});
  EXPECT_EQ(one.find("languages"), std::string::npos);
}
