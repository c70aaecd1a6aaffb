// Whether a page gave the article or only a teaser (core::Access), on pages
// of our own writing: paywalls marked in JSON-LD and meta tags, paywalls the
// page only shows, consent walls, and plain articles.
#include <gtest/gtest.h>

#include <string>

#include "extract/extract.hpp"

using namespace newsdesk;

namespace {

const char* kUrl = "https://ledger.example/2026/12/budget-vote";

const std::string kOpening =
    "<p>The city council will vote on Thursday on a budget that cuts the harbour authority's grant by a fifth, "
    "the finance committee said on Monday after a meeting that ran past midnight.</p>"
    "<p>Supporters say the cut pays for two new ferry routes; the harbour authority says it will have to close "
    "the north quay to small boats for most of the winter.</p>";

// Ten more paragraphs: what the whole article adds to its opening.
std::string rest_of_article() {
  std::string out;
  for (int i = 1; i <= 10; ++i) {
    out += "<p>Paragraph " + std::to_string(i) +
           " of the full story goes through the committee's figures line by line, with what each councillor "
           "said about the ferries, the quay and the harbour's own accounts for the year.</p>";
  }
  return out;
}

std::string page(const std::string& head, const std::string& body) {
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Council to vote on budget</title>" +
         head + "</head><body><main><article><h1>Council to vote on the harbour budget</h1>" + body +
         "</article></main></body></html>";
}

std::string json_ld(const std::string& free, const std::string& has_part) {
  return R"(<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"Council to vote on the harbour budget","isAccessibleForFree":)" +
         free + (has_part.empty() ? "" : ",\"hasPart\":" + has_part) + "}</script>";
}

core::Access access_of(const std::string& html) {
  auto a = extract::extract(html, kUrl, extract::Options{});
  EXPECT_TRUE(a) << a.error().message;
  return a ? a->access : core::Access::kUnknown;
}

const char* kPremiumPart = R"({"@type":"WebPageElement","isAccessibleForFree":"False","cssSelector":".premium-body"})";

}  // namespace

TEST(Access, JsonLdPaywalledPageWithItsMarkedPartEmptyIsATeaser) {
  EXPECT_EQ(access_of(page(json_ld("\"False\"", kPremiumPart),
                           kOpening + "<div class=\"premium-body\"></div>"
                                      "<div class=\"paywall-box\"><p>Subscribe to continue reading.</p></div>")),
            core::Access::kTeaser);
  // false as a JSON boolean, the part left out altogether, no box at all.
  EXPECT_EQ(access_of(page(json_ld("false", kPremiumPart), kOpening)), core::Access::kTeaser);
  // No hasPart: a short body is all the page has.
  EXPECT_EQ(access_of(page(json_ld("false", ""), kOpening)), core::Access::kTeaser);
}

TEST(Access, JsonLdPaywalledPageThatCarriesTheFullTextIsNotATeaser) {
  // The marked part is in the page with the whole article (the paywall is the browser's business).
  EXPECT_EQ(access_of(page(json_ld("\"False\"", kPremiumPart),
                           kOpening + "<div class=\"premium-body\">" + rest_of_article() + "</div>")),
            core::Access::kFree);
}

TEST(Access, JsonLdFreeArticleIsFreeEvenWhenShort) {
  EXPECT_EQ(access_of(page(json_ld("true", ""), kOpening)), core::Access::kFree);
  EXPECT_EQ(access_of(page(json_ld("\"True\"", ""), kOpening + rest_of_article())), core::Access::kFree);
}

TEST(Access, ContentTierMetaTagSaysLockedOrFree) {
  EXPECT_EQ(access_of(page(R"(<meta property="article:content_tier" content="locked">)", kOpening)),
            core::Access::kTeaser);
  EXPECT_EQ(access_of(page(R"(<meta property="article:content_tier" content="free">)", kOpening)),
            core::Access::kFree);
  // Metered: the page holds the text for now; judged by its shape.
  EXPECT_EQ(access_of(page(R"(<meta property="article:content_tier" content="metered">)", kOpening + rest_of_article())),
            core::Access::kFree);
}

TEST(Access, AShortBodyEndingInASubscribeBoxIsATeaser) {
  EXPECT_EQ(access_of(page("", kOpening + "<div class=\"gate\"><h3>This article is for subscribers</h3>"
                                          "<p><a href=\"/subscribe\">Subscribe</a> for $1 a week. "
                                          "Already a subscriber? <a href=\"/login\">Log in</a></p></div>")),
            core::Access::kTeaser);
}

TEST(Access, AConsentWallWithNoArticleIsATeaser) {
  const std::string wall =
      "<!DOCTYPE html><html><head><title>Before you continue</title></head><body>"
      "<div class=\"consent\"><h2>We value your privacy</h2>"
      "<p>We and our partners use cookies to store and access information on your device.</p>"
      "<button>Accept all</button> <button>Reject all</button> <a href=\"/privacy\">Manage options</a></div>"
      "</body></html>";
  EXPECT_EQ(access_of(wall), core::Access::kTeaser);
}

TEST(Access, ALongBodyWithoutAPaywallIsFreeAndAShortOneIsUnknown) {
  // A cookie banner above a whole article is no consent wall.
  EXPECT_EQ(access_of(page("", "<div class=\"cookie-banner\">We use cookies. <button>Accept</button></div>" + kOpening +
                                   rest_of_article())),
            core::Access::kFree);
  EXPECT_EQ(access_of(page("", kOpening)), core::Access::kUnknown);
  // A long body with a paywall line after it: the page does not say which it gave.
  EXPECT_EQ(access_of(page("", kOpening + rest_of_article() +
                                   "<div class=\"regwall\"><p>Subscribe to continue reading.</p></div>")),
            core::Access::kUnknown);
}
