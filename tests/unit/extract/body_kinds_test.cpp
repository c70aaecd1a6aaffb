// Kinds of boilerplate inside an article's own container, each on a page
// written for this project.
#include <gtest/gtest.h>

#include <string>

#include "core/strings.hpp"
#include "extract/extract.hpp"

using namespace newsdesk;

namespace {

const std::string kLead =
    "<p>The harbour board voted on Tuesday to extend the night ferry through the winter months, after a season "
    "in which ridership grew by a third and the late boats ran full.</p>"
    "<p>Board members said the added crossings would cost about 40,000 a month, paid from the fuel reserve that "
    "the board set aside in the spring for exactly this purpose.</p>";
const std::string kTail =
    "<p>Ferry crews, who had asked for the extension since August, welcomed the vote and said the late boats "
    "were full most nights, with commuters standing on the car deck.</p>"
    "<p>The first winter timetable starts on the first Monday of December and runs until the spring equinox, "
    "the board said in its notice.</p>";

std::string text_of(const std::string& article_html, const std::string& meta = "") {
  std::string html = "<html><head><title>Night ferry extended</title>" + meta +
                     "</head><body><article><h1>Night ferry extended</h1><div class=\"body\">" + article_html +
                     "</div></article></body></html>";
  auto a = extract::extract(html, "https://harbour.example/ferry", extract::Options{});
  EXPECT_TRUE(a.has_value());
  return a.has_value() ? a->text : "";
}

TEST(BodyKinds, AnAppealForSupportInsideTheArticleIsDropped) {
  std::string text = text_of(kLead +
                             "<h3>On supporting local journalism</h3>"
                             "<p>If you are enjoying this article, consider supporting our independent journalism by "
                             "subscribing. A subscription keeps reporters on the harbour beat and this site free of "
                             "clutter for every reader who comes after you.</p>" +
                             kTail);
  EXPECT_NE(text.find("ridership grew by a third"), std::string::npos);
  EXPECT_NE(text.find("first winter timetable"), std::string::npos);
  EXPECT_EQ(text.find("supporting"), std::string::npos) << text;
  EXPECT_EQ(text.find("subscription"), std::string::npos) << text;
}

TEST(BodyKinds, ADonationBoxLongerThanALineIsDropped) {
  std::string text = text_of(kLead + kTail +
                             "<p>Support Harbour Post! Donate via bank transfer or card, become a patron on Patreon, "
                             "or buy our yearly almanac. We also use affiliate links in some articles and earn a small "
                             "commission when readers buy through them, at no cost to you.</p>");
  EXPECT_NE(text.find("first winter timetable"), std::string::npos);
  EXPECT_EQ(text.find("Patreon"), std::string::npos) << text;
}

TEST(BodyKinds, ThePaywallOfferAfterTheNoticeIsDropped) {
  std::string text = text_of(kLead +
                             "<p>To read the rest of this story, subscribe to Harbour Post Plus.</p>"
                             "<div class=\"plans\"><p>Monthly</p><p>$12</p><p>Totals $144 per year</p>"
                             "<p>Annual</p><p>$120</p><p>Save 15%</p></div>");
  EXPECT_NE(text.find("ridership grew by a third"), std::string::npos);
  EXPECT_EQ(text.find("Monthly"), std::string::npos) << text;
  EXPECT_EQ(text.find("Save 15%"), std::string::npos) << text;
  EXPECT_EQ(text.find("$120"), std::string::npos) << text;
}

TEST(BodyKinds, ShortLinesOfTheArticleAfterALongParagraphStay) {
  // No notice: a short line in the article is the article's.
  std::string text = text_of(kLead + "<p>Monthly passes go on sale Friday.</p>" + kTail);
  EXPECT_NE(text.find("Monthly passes go on sale Friday."), std::string::npos) << text;
}

TEST(BodyKinds, TheAuthorsBioThatSaysWhatTheyStartedIsDropped) {
  std::string text = text_of(kLead + kTail +
                                 "<p>Ines Valdar started Harbour Post in 2011 as a weekend project, before leaving her "
                                 "job at the port authority to write about ferries full time.</p>",
                             "<meta name=\"author\" content=\"Ines Valdar\">");
  EXPECT_NE(text.find("first winter timetable"), std::string::npos);
  EXPECT_EQ(text.find("weekend project"), std::string::npos) << text;
}

}  // namespace

namespace {

TEST(BodyKinds, APictureCreditLineIsNotArticleText) {
  std::string text = text_of(kLead + "<p>Image from the harbour board's autumn report.</p>" + kTail +
                             "<p>Featured image from Mira Ferries</p>");
  EXPECT_NE(text.find("first winter timetable"), std::string::npos);
  EXPECT_EQ(text.find("Image from"), std::string::npos) << text;
  EXPECT_EQ(text.find("Featured image"), std::string::npos) << text;
}

TEST(BodyKinds, TheUsGovernmentSiteBannerIsNotArticleText) {
  std::string text = text_of(
      "<section class=\"usa-banner\"><p>Official websites use .gov A .gov website belongs to an official "
      "government organization in the United States.</p><p>Secure .gov websites use HTTPS A lock or https:// means "
      "you have safely connected to the .gov website.</p></section>" +
      kLead + kTail);
  EXPECT_NE(text.find("ridership grew by a third"), std::string::npos);
  EXPECT_EQ(text.find(".gov"), std::string::npos) << text;
}

}  // namespace

namespace {

TEST(BodyKinds, TheExplainTraceCutsLinesAtACharactersStart) {
  // With one ASCII letter first, byte 100 of the paragraph falls inside an "é".
  for (const char* first : {"", "a"}) {
    std::string para = first;
    for (int i = 0; i < 60; ++i) para += "é";
    std::string html = "<html><body><article><p>" + para + " the harbour board voted on Tuesday.</p>" + kLead +
                       "</article></body></html>";
    auto report = extract::explain(html, "https://harbour.example/", extract::Options{});
    ASSERT_TRUE(report.has_value());
    EXPECT_EQ(core::sanitize_utf8(*report), *report);  // nothing to replace: valid UTF-8
  }
}

}  // namespace
