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
  auto html = edition::render_html(sample_edition(2), core::EditionConfig{}, {"https://d.example/u", "https://d.example/p", "https://d.example/e", ""});
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Outlet &amp; Co"), std::string::npos);
  EXPECT_NE(html.find("https://d.example/u"), std::string::npos);
}

TEST(RenderHtml, TwentyStoriesStayUnderGmailsClippingSize) {
  auto html = edition::render_html(sample_edition(20), core::EditionConfig{}, {"https://d/u", "https://d/p", "https://d/e", ""});
  EXPECT_LT(html.size(), 102u * 1024u);
}

TEST(RenderText, LinksAreNumberedFootnotesAndLinesFit72) {
  auto text = edition::render_text(sample_edition(3), core::EditionConfig{}, {"https://d/u", "https://d/p", "https://d/e", ""});
  // A link that is not http(s) is not handed to readers in either copy.
  EXPECT_EQ(text.find("javascript:"), std::string::npos);
  EXPECT_NE(text.find("[1] #\n"), std::string::npos);
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

namespace {

// Stories 1..n, each from its own outlet (or `outlet` for all), scored n..1.
struct Desk {
  std::vector<rank::StoryBundle> stories;
  std::vector<rank::StoryScore> ranked;
};

Desk desk(int n, core::Id shared_outlet = 0) {
  Desk d;
  for (int i = 1; i <= n; ++i) {
    rank::StoryBundle b;
    b.story.id = i;
    b.story.headline = "Story " + std::to_string(i);
    rank::CoveredArticle ca;
    ca.article.id = 100 + i;
    ca.article.title = "Story " + std::to_string(i);
    ca.article.text = "What happened in story " + std::to_string(i) + ". More.";
    ca.article.url = "https://outlet.example/" + std::to_string(i);
    ca.source.id = shared_outlet != 0 ? shared_outlet : i;
    ca.source.name = "Outlet " + std::to_string(ca.source.id);
    b.articles.push_back(ca);
    d.stories.push_back(b);
    rank::StoryScore s;
    s.story_id = i;
    s.score = 100.0 * (n - i + 1);
    s.on_beat = true;
    s.independent_outlets = 1;
    d.ranked.push_back(s);
  }
  return d;
}

std::vector<core::Id> ids(const core::Edition& e) {
  std::vector<core::Id> out;
  for (const auto& i : e.items) out.push_back(i.story_id);
  return out;
}

core::EditionEdit edit(core::EditionEdit::Action action, core::Id story, int position = 0, std::string title = "") {
  core::EditionEdit e;
  e.action = action;
  e.story_id = story;
  e.position = position;
  e.title = std::move(title);
  e.editor = "alice";
  return e;
}

}  // namespace

TEST(EditorsLastWord, PinDropMoveAndRetitleApplyOverTheRanking) {
  auto d = desk(8);
  core::EditionConfig config;
  config.stories = 4;
  auto now = *core::parse_rfc3339("2026-11-29T05:00:00Z");
  EXPECT_EQ(ids(edition::build_edition(d.stories, d.ranked, config, now, "2026-11-29")), (std::vector<core::Id>{1, 2, 3, 4}));
  using A = core::EditionEdit::Action;
  std::vector<core::EditionEdit> edits = {edit(A::kDrop, 2), edit(A::kPin, 7, 1), edit(A::kMove, 4, 2),
                                          edit(A::kRetitle, 3, 0, "A better headline")};
  auto e = edition::build_edition(d.stories, d.ranked, config, now, "2026-11-29", edits);
  EXPECT_EQ(ids(e), (std::vector<core::Id>{7, 4, 1, 3}));  // 7 pinned first, 4 moved second, 2 dropped
  EXPECT_EQ(e.items[3].headline, "A better headline");
  EXPECT_EQ(e.edits.size(), 4u);
  EXPECT_EQ(e.subject, "Daily Headlines: Story 7; Story 4; Story 1");
  // The edition records who changed what.
  auto json = edition::render_json(e);
  EXPECT_NE(json.find("\"editor\": \"alice\""), std::string::npos);
  EXPECT_NE(json.find("\"action\": \"drop\""), std::string::npos);
  // The latest word wins: a dropped story pinned again is back.
  edits.push_back(edit(A::kPin, 2));
  EXPECT_EQ(ids(edition::build_edition(d.stories, d.ranked, config, now, "2026-11-29", edits)).size(), 4u);
  auto back = ids(edition::build_edition(d.stories, d.ranked, config, now, "2026-11-29", edits));
  EXPECT_NE(std::find(back.begin(), back.end(), 2), back.end());
}

TEST(EditorsLastWord, APinnedStoryGoesInEvenOffTheBeatOrAlreadySent) {
  auto d = desk(5);
  d.ranked[4].on_beat = false;
  d.ranked[3].already_sent = true;
  core::EditionConfig config;
  config.stories = 3;
  using A = core::EditionEdit::Action;
  auto e = edition::build_edition(d.stories, d.ranked, config, *core::parse_rfc3339("2026-11-29T05:00:00Z"), "2026-11-29",
                                  {edit(A::kPin, 5), edit(A::kPin, 4)});
  auto got = ids(e);
  EXPECT_EQ(got.size(), 3u);
  EXPECT_NE(std::find(got.begin(), got.end(), 5), got.end());
  EXPECT_NE(std::find(got.begin(), got.end(), 4), got.end());
}

TEST(Diversity, OneOutletLeadsAtMostItsShare) {
  auto d = desk(6, /*shared_outlet=*/42);
  core::EditionConfig config;
  config.stories = 6;
  config.max_per_outlet = 2;
  auto e = edition::build_edition(d.stories, d.ranked, config, *core::parse_rfc3339("2026-11-29T05:00:00Z"), "2026-11-29");
  EXPECT_EQ(ids(e), (std::vector<core::Id>{1, 2}));  // only one outlet covers them all
}

TEST(Diversity, ADevelopingStoryIsMarkedAndASentOneLeftOut) {
  auto d = desk(3);
  d.ranked[0].developing = true;
  d.ranked[1].already_sent = true;
  core::EditionConfig config;
  auto e = edition::build_edition(d.stories, d.ranked, config, *core::parse_rfc3339("2026-11-29T05:00:00Z"), "2026-11-29");
  EXPECT_EQ(ids(e), (std::vector<core::Id>{1, 3}));
  EXPECT_EQ(e.items[0].section, "Developing");
  EXPECT_EQ(e.items[1].section, "Top stories");
}

TEST(RenderHtml, EverySectionAndEveryItemIsShown) {
  auto e = sample_edition(4);
  e.items[1].section = "Developing";
  e.items[2].section = "From our newsroom";
  e.items[3].section = "Around the web";
  for (size_t i = 0; i < e.items.size(); ++i) e.items[i].headline = "Unique headline " + std::to_string(i);
  auto html = edition::render_html(e, core::EditionConfig{}, {"https://x.example/u", "https://x.example/p", "https://x.example/w", ""});
  for (const auto& item : e.items) EXPECT_NE(html.find(item.headline), std::string::npos) << item.section;
  for (const char* section : {"Top stories", "Developing", "From our newsroom", "Around the web"}) {
    EXPECT_NE(html.find(section), std::string::npos) << section;
  }
}

TEST(PersonalEdition, EachCopyIsExactlyWhatRenderingItAloneWouldGive) {
  auto e = sample_edition(5);
  core::EditionConfig config;
  const std::string web = "https://desk.example/edition/2026-11-29";
  edition::PersonalEdition personal(e, config, web);
  std::vector<edition::Recipient> readers = {
      {"Ada Lovelace", "https://desk.example/u/1?t=a&x=1", "https://desk.example/p/1"},
      {"", "https://desk.example/u/2", "https://desk.example/p/2"},
      {"O'Brien <script>", "javascript:alert(1)", "https://desk.example/p/3?a=\"b\""}};
  for (const auto& r : readers) {
    edition::Links links{r.unsubscribe_url, r.preferences_url, web, edition::greeting_for(r.name)};
    EXPECT_EQ(personal.html(r), edition::render_html(e, config, links)) << r.name;
    EXPECT_EQ(personal.text(r), edition::render_text(e, config, links)) << r.name;
  }
  EXPECT_NE(personal.html(readers[0]).find("Good morning, Ada Lovelace."), std::string::npos);
  EXPECT_EQ(personal.html(readers[2]).find("javascript:"), std::string::npos);
  EXPECT_EQ(personal.html(readers[2]).find("<script>"), std::string::npos);
}

TEST(ExcerptPolicy, ASourceThatAsksForHeadlinesOnlyGetsNoSummary) {
  auto d = desk(2);
  d.stories[1].articles[0].source.excerpt = "headline";
  auto e = edition::build_edition(d.stories, d.ranked, core::EditionConfig{}, *core::parse_rfc3339("2026-11-29T05:00:00Z"),
                                  "2026-11-29");
  ASSERT_EQ(e.items.size(), 2u);
  EXPECT_FALSE(e.items[0].summary.empty());
  EXPECT_TRUE(e.items[1].summary.empty());
  EXPECT_EQ(e.items[1].headline, "Story 2");
}

TEST(ExcerptPolicy, ATeaserGivesHeadlineAndLinkButNeverItsTextAsTheArticle) {
  auto d = desk(2);
  core::Article& teaser = d.stories[1].articles[0].article;
  teaser.access = core::Access::kTeaser;
  teaser.text = "The opening of a paywalled story. Subscribe to continue reading.";
  teaser.description = "The outlet's own line about the story.";
  auto e = edition::build_edition(d.stories, d.ranked, core::EditionConfig{}, *core::parse_rfc3339("2026-11-29T05:00:00Z"),
                                  "2026-11-29");
  ASSERT_EQ(e.items.size(), 2u);
  EXPECT_EQ(e.items[0].summary, "What happened in story 1. More.");
  EXPECT_EQ(e.items[1].headline, "Story 2");
  EXPECT_EQ(e.items[1].url, "https://outlet.example/2");
  EXPECT_EQ(e.items[1].summary, "");
  auto html = edition::render_html(e, core::EditionConfig{}, edition::Links{});
  auto text = edition::render_text(e, core::EditionConfig{}, edition::Links{});
  for (const std::string& rendered : {html, text, edition::render_json(e)}) {
    EXPECT_NE(rendered.find("Story 2"), std::string::npos);
    EXPECT_NE(rendered.find("https://outlet.example/2"), std::string::npos);
    EXPECT_EQ(rendered.find("paywalled story"), std::string::npos) << rendered;
    EXPECT_EQ(rendered.find("own line"), std::string::npos) << rendered;
  }
}

TEST(ExcerptPolicy, AnArticleGivenWholeLeadsTheStoryBeforeAHeavierOutletsTeaser) {
  auto d = desk(1);
  rank::StoryBundle& story = d.stories[0];
  story.articles[0].article.access = core::Access::kTeaser;
  story.articles[0].source.weight = 3.0;
  rank::CoveredArticle whole = story.articles[0];
  whole.article.id = 200;
  whole.article.access = core::Access::kFree;
  whole.article.url = "https://other.example/1";
  whole.article.text = "The whole story, as another outlet told it. More.";
  whole.source.id = 50;
  whole.source.name = "Other outlet";
  whole.source.weight = 1.0;
  story.articles.push_back(whole);
  auto e = edition::build_edition(d.stories, d.ranked, core::EditionConfig{}, *core::parse_rfc3339("2026-11-29T05:00:00Z"),
                                  "2026-11-29");
  ASSERT_EQ(e.items.size(), 1u);
  EXPECT_EQ(e.items[0].url, "https://other.example/1");
  EXPECT_EQ(e.items[0].summary, "The whole story, as another outlet told it. More.");
  ASSERT_EQ(e.items[0].coverage.size(), 1u);  // the teaser's outlet is still named, with its link
  EXPECT_EQ(e.items[0].coverage[0].url, "https://outlet.example/1");
}

TEST(Templates, AnOperatorsTemplatesReplaceTheBuiltInOnes) {
  auto e = sample_edition(2);
  core::EditionConfig config;
  config.html_template = "<html><body><h1>{{name}}</h1>{{#sections}}<h2>{{title}}</h2>{{#items}}<p>{{n}}. "
                         "<a href=\"{{url}}\">{{headline}}</a></p>{{/items}}{{/sections}}"
                         "<a href=\"{{unsubscribe_url}}\">Leave</a></body></html>";
  config.text_template = "{{name}}\n{{#sections}}{{#items}}{{n}}. {{headline}} <{{url}}>\n{{/items}}{{/sections}}"
                         "Leave: {{unsubscribe_url}}\n";
  edition::Links links{"https://desk.example/u?a=1&b=2", "https://desk.example/p", "https://desk.example/w", ""};
  auto html = edition::render_html(e, config, links);
  EXPECT_EQ(html.rfind("<html><body><h1>Daily Headlines</h1>", 0), 0u) << html;
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);  // still escaped
  EXPECT_NE(html.find("2. <a href=\"https://outlet.example/story/1\">"), std::string::npos) << html;
  auto text = edition::render_text(e, config, links);
  EXPECT_NE(text.find("Leave: https://desk.example/u?a=1&b=2\n"), std::string::npos) << text;  // nothing escaped in text
  EXPECT_NE(text.find("<script>"), std::string::npos);
  // A personal copy goes through the operator's templates too.
  edition::PersonalEdition personal(e, config, "https://desk.example/w");
  EXPECT_NE(personal.html({"Ada", "https://desk.example/u/7", "https://desk.example/p/7"}).find("https://desk.example/u/7"),
            std::string::npos);
  EXPECT_FALSE(edition::check_template("{{#sections}}unclosed", "edition.html.mustache"));
  EXPECT_TRUE(edition::check_template(config.html_template, "edition.html.mustache"));
}

TEST(Sections, TheFirstStoriesAreTopStoriesTheRestAroundTheWeb) {
  auto d = desk(8);
  d.stories[2].articles[0].source.own = true;  // story 3: our newsroom
  core::EditionConfig config;
  config.stories = 8;
  config.top_stories = 3;
  auto e = edition::build_edition(d.stories, d.ranked, config, *core::parse_rfc3339("2026-11-29T05:00:00Z"), "2026-11-29");
  std::vector<std::string> sections;
  for (const auto& item : e.items) sections.push_back(item.section);
  EXPECT_EQ(sections, (std::vector<std::string>{"Top stories", "Top stories", "From our newsroom", "Top stories",
                                                "Around the web", "Around the web", "Around the web", "Around the web"}));
}
