// The lead image, its caption and its credit, on pages of our own writing:
// one page for each kind of page the rules are for.
#include <gtest/gtest.h>

#include <string>

#include "extract/extract.hpp"
#include "extract/lead_image.hpp"

using namespace newsdesk;

namespace {

const char* kUrl = "https://gazette.example/2026/11/river-rises";

// Four paragraphs of an article, for the pages below to put pictures around.
const std::string kProse =
    "<p>The river rose above its banks at Millbrook on Tuesday night, and volunteers worked until dawn to keep "
    "the water away from the old mill and the school beside it, the town council said.</p>"
    "<p>Forecasters expect the level to fall slowly over the weekend, although more rain is due on Monday, and the "
    "council has asked residents on the lower streets to keep their sandbags in place until then.</p>"
    "<p>The school will stay closed for the rest of the week while engineers check the foundations, the head "
    "teacher wrote to parents, adding that lessons would continue online from Thursday morning.</p>"
    "<p>The last flood of this size came eleven years ago, when the water reached the market square and the "
    "bridge on the east road was closed for a month while it was repaired.</p>";

std::string page(const std::string& head, const std::string& article) {
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>River rises at Millbrook</title>" +
         head + "</head><body><nav class=\"top\"><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>"
                "<main><article><h1>River rises at Millbrook</h1>" +
         article + "</article></main><footer><p>The Gazette, 1 Mill Lane.</p></footer></body></html>";
}

core::Article read(const std::string& html) {
  auto a = extract::extract(html, kUrl, extract::Options{});
  EXPECT_TRUE(a) << a.error().message;
  return a ? *a : core::Article{};
}

}  // namespace

TEST(LeadImage, NeverTakesTheSitesLogoFromOpenGraph) {
  // A site that gives its logo as og:image on every page.
  auto a = read(page(R"(<meta property="og:image" content="https://gazette.example/static/gazette-logo.png">)",
                     "<figure><img src=\"/photos/2026/sandbags.jpg\" width=\"1200\" height=\"800\" alt=\"\">"
                     "<figcaption>Volunteers fill sandbags by the mill.</figcaption></figure>" + kProse));
  EXPECT_EQ(a.image_url, "https://gazette.example/photos/2026/sandbags.jpg");
  EXPECT_EQ(a.image_caption, "Volunteers fill sandbags by the mill.");

  // With no picture in the article, no image at all rather than the logo.
  auto bare = read(page(R"(<meta property="og:image" content="https://gazette.example/static/gazette-logo.png">)", kProse));
  EXPECT_EQ(bare.image_url, "");
  EXPECT_EQ(bare.html.find("<figure>"), std::string::npos);
}

TEST(LeadImage, PassesOverATrackingPixelAnAvatarAndAnIconBeforeTheRealFigure) {
  auto a = read(page("",
                     "<img src=\"https://metrics.example/collect.gif?p=1\" width=\"1\" height=\"1\" alt=\"\">"
                     "<img class=\"avatar\" src=\"/people/jane-doe.jpg\" width=\"64\" height=\"64\" alt=\"Jane Doe\">"
                     "<img src=\"/img/share.png\" width=\"24\" height=\"24\" alt=\"\">"
                     "<img src=\"/img/divider.svg\" width=\"600\" alt=\"\">"
                     "<figure><img src=\"/photos/2026/mill-at-dawn.jpg\" alt=\"The mill\">"
                     "<figcaption>The mill at dawn on Wednesday.</figcaption></figure>" + kProse));
  EXPECT_EQ(a.image_url, "https://gazette.example/photos/2026/mill-at-dawn.jpg");
  EXPECT_EQ(a.image_caption, "The mill at dawn on Wednesday.");
}

TEST(LeadImage, ReadsLazyLoadingAndTakesTheLargestOfASrcset) {
  // A placeholder in src, the real picture in data-srcset.
  auto a = read(page("",
                     "<figure><img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" class=\"lazyload\" "
                     "data-srcset=\"/img/bridge-480.jpg 480w, /img/bridge-1600.jpg 1600w, /img/bridge-960.jpg 960w\" "
                     "alt=\"\"><figcaption>The east bridge, closed again.</figcaption></figure>" + kProse));
  EXPECT_EQ(a.image_url, "https://gazette.example/img/bridge-1600.jpg");

  // data-lazy-src without a figure, large by its srcset widths.
  auto b = read(page("", "<div class=\"hero\"><img src=\"/img/blank.gif\" data-lazy-src=\"/img/square.jpg\" "
                         "data-lazy-srcset=\"/img/square-300.jpg 300w, /img/square-900.jpg 900w\"></div>" + kProse));
  EXPECT_EQ(b.image_url, "https://gazette.example/img/square-900.jpg");

  // <picture> sources count too.
  auto c = read(page("", "<figure><picture><source type=\"image/webp\" srcset=\"/img/market.webp 1x, /img/market-2x.webp 2x\">"
                         "<img src=\"/img/market-small.jpg\"></picture></figure>" + kProse));
  EXPECT_EQ(c.image_url, "https://gazette.example/img/market-2x.webp");
}

TEST(LeadImage, KeepsTheCreditApartFromTheCaptionAndOutOfTheBody) {
  auto a = read(page("",
                     "<figure><img src=\"/photos/2026/sandbags.jpg\" width=\"1200\" height=\"800\">"
                     "<figcaption>Volunteers stack sandbags along the river wall on Tuesday night. "
                     "<span class=\"credit\">Photo: Jane Doe / Test Agency</span></figcaption></figure>"
                     "<p>Volunteers stack sandbags along the river wall on Tuesday night.</p>"
                     "<p>Photo: Jane Doe / Test Agency</p>" + kProse));
  EXPECT_EQ(a.image_caption, "Volunteers stack sandbags along the river wall on Tuesday night.");
  EXPECT_EQ(a.image_credit, "Jane Doe / Test Agency");
  EXPECT_EQ(a.text.find("Volunteers stack"), std::string::npos) << a.text;
  EXPECT_EQ(a.text.find("Jane Doe"), std::string::npos) << a.text;
  // The sanitised page opens with the figure, the credit in its caption, once.
  EXPECT_EQ(a.html.rfind("<figure><img src=\"https://gazette.example/photos/2026/sandbags.jpg\"", 0), 0u) << a.html;
  EXPECT_NE(a.html.find("<figcaption>Volunteers stack sandbags along the river wall on Tuesday night. "
                        "<small class=\"credit\">Jane Doe / Test Agency</small></figcaption>"),
            std::string::npos)
      << a.html;
  EXPECT_EQ(a.html.find("Jane Doe"), a.html.rfind("Jane Doe"));
}

TEST(LeadImage, FindsTheCreditLabelledInsideTheCaption) {
  auto a = read(page("", "<figure><img src=\"/photos/2026/school.jpg\" width=\"900\">"
                         "<figcaption>Engineers check the school foundations. Photo: Ravi Menon/Test Agency"
                         "</figcaption></figure>" + kProse));
  EXPECT_EQ(a.image_caption, "Engineers check the school foundations.");
  EXPECT_EQ(a.image_credit, "Ravi Menon/Test Agency");

  EXPECT_EQ(extract::split_credit("Crews at work (AP Photo/Dana Holt)"),
            (std::pair<std::string, std::string>{"Crews at work", "AP Photo/Dana Holt"}));
  EXPECT_EQ(extract::split_credit("The market square — Photograph: Dana Holt"),
            (std::pair<std::string, std::string>{"The market square", "Dana Holt"}));
  EXPECT_EQ(extract::split_credit("Photo by Dana Holt"), (std::pair<std::string, std::string>{"", "Dana Holt"}));
  // A short line naming an agency is a credit alone.
  EXPECT_EQ(extract::split_credit("Dana Holt//Getty Images"), (std::pair<std::string, std::string>{"", "Dana Holt//Getty Images"}));
  EXPECT_EQ(extract::split_credit("Volunteers at the mill, photographed from the bridge."),
            (std::pair<std::string, std::string>{"Volunteers at the mill, photographed from the bridge.", ""}));
}

TEST(LeadImage, PrefersTheDeclaredImageTheArticleShowsAtAnotherSize) {
  // JSON-LD names the mill (at 1200 px, with caption and credit); the article
  // shows a chart first and the mill further down at 600 px.
  auto a = read(page(R"(<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"River rises at Millbrook","image":{"@type":"ImageObject","url":"https://cdn.gazette.example/img/old-mill-1200x800.jpg?q=80",
"caption":"The old mill at dusk.","creditText":"Dana Holt"}}</script>)",
                     "<figure><img src=\"/img/river-levels-chart.png\" width=\"800\" height=\"500\"></figure>" + kProse +
                         "<p><img src=\"/img/old-mill-600x400.jpg\" width=\"600\" height=\"400\"></p>"));
  EXPECT_EQ(a.image_url, "https://gazette.example/img/old-mill-600x400.jpg");
  EXPECT_EQ(a.image_caption, "The old mill at dusk.");
  EXPECT_EQ(a.image_credit, "Dana Holt");
}

TEST(LeadImage, FallsBackToTheOpenGraphImageWhenTheArticleShowsNone) {
  auto a = read(page(R"(<meta property="og:image" content="/img/flood-wide.jpg">)",
                     "<img src=\"/img/print.png\" width=\"16\" height=\"16\">" + kProse));
  EXPECT_EQ(a.image_url, "https://gazette.example/img/flood-wide.jpg");
}

TEST(LeadImage, AnAdOrARelatedStorysPictureIsNotTheLead) {
  auto a = read(page("", "<div class=\"ad-slot\"><img src=\"/ads/banner-campaign.jpg\" width=\"728\" height=\"300\"></div>" +
                             kProse +
                             "<div class=\"related-stories\"><figure><img src=\"/img/other-story.jpg\" width=\"800\">"
                             "</figure><a href=\"/other\">Another story</a></div>"));
  EXPECT_EQ(a.image_url, "");
}
