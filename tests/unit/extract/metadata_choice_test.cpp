// Which title, byline and date a page gives when its sources disagree: each
// test is one kind of page, written for this project.
#include <gtest/gtest.h>

#include <string>

#include "core/time.hpp"
#include "extract/extract.hpp"

using namespace newsdesk;

namespace {

// A page with `head` in its <head> and `body` before a body of real paragraphs.
std::string page(const std::string& head, const std::string& body) {
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">" + head + "</head><body>" + body +
         "<article><p>The harbour board voted on Tuesday to extend the night ferry through the winter months, "
         "after a season in which ridership grew by a third.</p>"
         "<p>Board members said the added crossings would cost about 40,000 a month, paid from the fuel reserve "
         "that the board set aside in the spring.</p>"
         "<p>Ferry crews, who had asked for the extension since August, welcomed the vote and said the late boats "
         "were full most nights.</p></article></body></html>";
}

core::Article read(const std::string& html) {
  auto a = extract::extract(html, "https://harbour.example/news/ferry", extract::Options{});
  EXPECT_TRUE(a.has_value());
  return a.has_value() ? *a : core::Article{};
}

TEST(TitleChoice, TheHeadlineThatAgreesWithTheDocumentTitleOutweighsASharingTitle) {
  auto a = read(page(
      "<title>Night ferry extended through winter | Harbour Post</title>"
      "<meta property=\"og:site_name\" content=\"Harbour Post\">"
      "<meta property=\"og:title\" content=\"You won't believe what the harbour board just did\">",
      "<h1>Night ferry extended through the winter</h1>"));
  EXPECT_EQ(a.title, "Night ferry extended through the winter");
}

TEST(TitleChoice, AHeadlineThatLostCharactersToABadEncodingGivesWayToTheTitle) {
  auto a = read(page("<meta property=\"og:title\" content=\"The Ferryman&#x27;s Guide: Winter Crossings\">",
                     "<h1>The Ferryman? Guide: Winter Crossings</h1>"));
  EXPECT_EQ(a.title, "The Ferryman's Guide: Winter Crossings");
}

TEST(TitleChoice, AMastheadHeadingThatLinksHomeIsNotTheHeadline) {
  auto a = read(page("<title>Harbour Post Blog: Night ferry extended through winter</title>",
                     "<header><h1><a href=\"https://harbour.example/\">Harbour Post Blog</a></h1></header>"
                     "<h2>Night ferry extended through winter</h2>"));
  EXPECT_EQ(a.title, "Harbour Post Blog: Night ferry extended through winter");
}

TEST(TitleChoice, ALongerHeadlineHoldingNearlyAllOfAShortTitleIsTheHeadline) {
  auto a = read(page("<meta property=\"og:title\" content=\"Harbour Board Extends Winter Ferry Service\">",
                     "<h1>Harbour Board Extends the Night Ferry Service Through the Winter After a Record "
                     "Season</h1>"));
  EXPECT_EQ(a.title, "Harbour Board Extends the Night Ferry Service Through the Winter After a Record Season");
}

TEST(TitleChoice, SharedLittleWordsAreNoAgreement) {
  // "in", "to", "the" and "of" are in both; no word that says what the page is about.
  auto a = read(page("<meta property=\"og:title\" content=\"Where to Ride in the Harbour of Mira\">",
                     "<h1>Next in Your Guide to the Outdoors of the Coast</h1>"));
  EXPECT_EQ(a.title, "Where to Ride in the Harbour of Mira");
}

TEST(TitleChoice, TheHeadlineAgreeingWithOgTitleWinsOverAJsonLdHeadlineThatNamesASection) {
  auto a = read(page(
      "<meta property=\"og:title\" content=\"Seven days of cheap winter meals\">"
      "<script type=\"application/ld+json\">{\"@type\":\"Article\",\"headline\":\"Sample menus\"}</script>",
      "<h1>Seven days of cheap winter meals</h1>"));
  EXPECT_EQ(a.title, "Seven days of cheap winter meals");
}

TEST(BylineChoice, AnAuthorTagHoldingAProfileAddressGivesWayToTheNextThatNamesSomeone) {
  auto a = read(page("<meta name=\"author\" content=\"https://harbour.example/people/4411\">"
                     "<meta name=\"sailthru.author\" content=\" Maren Ostby\">",
                     "<h1>Night ferry extended</h1>"));
  ASSERT_EQ(a.authors.size(), 1u);
  EXPECT_EQ(a.authors[0], "Maren Ostby");
}

TEST(BylineChoice, CxenseAuthorTagIsRead) {
  auto a = read(page("<meta name=\"cXenseParse:author\" content=\"Tomas Keel\">", "<h1>Night ferry extended</h1>"));
  ASSERT_EQ(a.authors.size(), 1u);
  EXPECT_EQ(a.authors[0], "Tomas Keel");
}

TEST(BylineChoice, AnOrganisationWithForInItsNameIsNotCutThere) {
  auto a = read(page("<meta name=\"author\" content=\"Center for Harbour Safety and Navigation\">",
                     "<h1>Night ferry extended</h1>"));
  ASSERT_FALSE(a.authors.empty());
  EXPECT_EQ(a.authors[0], "Center for Harbour Safety and Navigation");
  // A person writing for an outlet still loses the outlet.
  auto b = read(page("<meta name=\"author\" content=\"Maren Ostby for The Harbour Post\">",
                     "<h1>Night ferry extended</h1>"));
  ASSERT_FALSE(b.authors.empty());
  EXPECT_EQ(b.authors[0], "Maren Ostby");
}

TEST(BylineChoice, AnAuthorBoxWithTheNameAndThenABioGivesTheName) {
  auto a = read(page("", "<h1>Night ferry extended</h1>"
                         "<div class=\"post_author-wrapper\"><img alt=\"\" src=\"/a.jpg\">"
                         "<div class=\"post_author-text\"><div class=\"name\">Ines Valdar</div>"
                         "<div><p>Ines Valdar is a transport writer who has covered the harbour for a decade "
                         "and rides the night ferry most weeks.</p></div></div></div>"));
  ASSERT_EQ(a.authors.size(), 1u);
  EXPECT_EQ(a.authors[0], "Ines Valdar");
}

TEST(BylineChoice, ARepublishedArticlesCreditLineNamesItsAuthor) {
  // The outlet named itself as author; the credit line under the article names the person.
  auto a = read(page("<meta name=\"author\" content=\"Harbour News\">",
                     "<h1>Night ferry extended</h1>"
                     "<p><a href=\"https://republish.example/profiles/olga-brandt-1200\">Olga Brandt</a>, "
                     "<em>Professor of Maritime Studies, Mira University</em></p>"));
  ASSERT_FALSE(a.authors.empty());
  EXPECT_EQ(a.authors[0], "Olga Brandt");
}

TEST(BylineChoice, AProfileLinkInsideRunningTextIsACitationNotAByline) {
  auto a = read(page("", "<h1>Night ferry extended</h1>"
                         "<p>The plan follows a study by <a href=\"/profiles/olga-brandt\">Olga Brandt</a>, who "
                         "counted riders on every crossing for a year and found the late boats full.</p>"));
  EXPECT_TRUE(a.authors.empty());
}

TEST(DateChoice, AnUpdatedLineSetInItalicsDatesAPageWithNothingElse) {
  auto a = read(page("", "<h1>Night ferry extended</h1><div style=\"text-align:right\"><i>Updated: 10/31/2024</i></div>"));
  ASSERT_TRUE(a.published.has_value());
  EXPECT_EQ(core::format_date(*a.published), "2024-10-31");
}

}  // namespace
