#include <gtest/gtest.h>

#include "core/time.hpp"
#include "edition/edition.hpp"

using namespace newsdesk;

TEST(Summarise, TakesAtMostTwoWholeSentences) {
  EXPECT_EQ(edition::summarise("One. Two two. Three."), "One. Two two.");
  std::string long_first(400, 'x');
  EXPECT_EQ(edition::summarise(long_first + ". Short."), long_first + ".");
  EXPECT_EQ(edition::summarise("Only the first paragraph.\nNot this one."), "Only the first paragraph.");
  EXPECT_EQ(edition::summarise(""), "");
}

TEST(Subject, IsBuiltFromTheTopThree) {
  std::vector<core::EditionItem> items(4);
  items[0].headline = "A";
  items[1].headline = "B";
  items[2].headline = "C";
  items[3].headline = "D";
  EXPECT_EQ(edition::subject_line("Daily Headlines", items), "Daily Headlines: A; B; C");
}

TEST(Wrap, KeepsLinesWithinWidthCountingCodePoints) {
  std::string text = "Ça va très bien aujourd’hui, merci beaucoup pour la question posée hier soir à la réunion.";
  std::string wrapped = edition::wrap(text, 30, "  ");
  size_t start = 0;
  while (start < wrapped.size()) {
    size_t end = wrapped.find('\n', start);
    if (end == std::string::npos) end = wrapped.size();
    size_t cps = 0;
    for (size_t i = start; i < end; ++i) cps += (static_cast<unsigned char>(wrapped[i]) & 0xC0) != 0x80;
    EXPECT_LE(cps, 30u) << wrapped.substr(start, end - start);
    start = end + 1;
  }
}

namespace {

core::Edition sample_edition(size_t n) {
  core::Edition e;
  e.name = "Daily Headlines";
  e.date = "2026-11-29";
  for (size_t i = 0; i < n; ++i) {
    core::EditionItem it;
    it.story_id = static_cast<core::Id>(i + 1);
    it.headline = "Headline <script>alert(1)</script> number " + std::to_string(i);
    it.summary = "A summary sentence that says what happened. And a second one for good measure.";
    it.url = i == 0 ? "javascript:alert(1)" : "https://outlet.example/story/" + std::to_string(i);
    it.outlet = "Outlet & Co";
    it.outlets = 3;
    it.section = "Top stories";
    for (int c = 0; c < 5; ++c) it.coverage.push_back({"Other " + std::to_string(c), "T", "https://o.example/", std::nullopt, false});
    e.items.push_back(it);
  }
  e.subject = edition::subject_line(e.name, e.items);
  return e;
}

}  // namespace

TEST(RenderHtml, EscapesEverythingAndRefusesNonHttpLinks) {
  auto html = edition::render_html(sample_edition(2), core::EditionConfig{}, {"https://d.example/u", "https://d.example/p", "https://d.example/e"});
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Outlet &amp; Co"), std::string::npos);
  EXPECT_NE(html.find("https://d.example/u"), std::string::npos);
}

TEST(RenderHtml, TwentyStoriesStayUnderGmailsClippingSize) {
  auto html = edition::render_html(sample_edition(20), core::EditionConfig{}, {"https://d/u", "https://d/p", "https://d/e"});
  EXPECT_LT(html.size(), 102u * 1024u);
}

TEST(RenderText, LinksAreNumberedFootnotesAndLinesFit72) {
  auto text = edition::render_text(sample_edition(3), core::EditionConfig{}, {"https://d/u", "https://d/p", "https://d/e"});
  EXPECT_NE(text.find("[1] javascript:alert(1)"), std::string::npos) << "plain text shows the link as it is";
  EXPECT_NE(text.find("Unsubscribe: https://d/u"), std::string::npos);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (line.rfind("[", 0) != 0) {
      EXPECT_LE(line.size(), 72u) << line;
    }
    start = end + 1;
  }
}

TEST(RenderJson, CarriesTheItems) {
  auto json = edition::render_json(sample_edition(2));
  EXPECT_NE(json.find("\"story_id\": 2"), std::string::npos) << json;
}
