// Articles split across pages: which link is the next part, the AMP version,
// and joining the parts. Every page here is of our own writing.
#include <gtest/gtest.h>

#include <string>

#include "extract/extract.hpp"
#include "extract/page_links.hpp"
#include "extract/pagination.hpp"

using namespace newsdesk;

namespace {

// One page of a story about a harbour, in three parts; `part` picks the text.
std::string paragraphs(int part) {
  switch (part) {
    case 1:
      return "<p>The port authority of Eastwick voted on Tuesday to dredge the inner harbour for the first time in "
             "thirty years, after two freighters ran aground on silt banks in the spring.</p>"
             "<p>The work, which will cost about 41 million, is to begin in March and last eighteen months, the "
             "authority's chair, Maren Olafsdottir, told a crowded meeting at the ferry terminal.</p>";
    case 2:
      return "<p>Fishermen who moor along the north quay said the dredgers would drive the herring out of the bay "
             "for a season, and asked for the work to pause from June to August.</p>"
             "<p>The authority agreed to study the request, though its engineers said a pause would add four months "
             "and several million to the cost of the project.</p>";
    default:
      return "<p>The silt will be carried to a disposal site twelve miles offshore, where surveys found no reefs "
             "or wrecks that the spoil could bury, according to the environmental report.</p>"
             "<p>A public hearing on the report is set for the second week of February at the town library, and "
             "written comments are accepted until the end of that month.</p>";
  }
}

// An article page: `head` and `after` (below the story, inside <article>) added.
std::string story_page(int part, const std::string& head, const std::string& after) {
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<title>Eastwick to dredge its harbour | The Quay Courier</title>"
         "<meta property=\"og:type\" content=\"article\">" +
         head +
         "</head><body><nav class=\"site-nav\"><a href=\"/\">Home</a> <a href=\"/local\">Local</a></nav>"
         "<main><article><h1>Eastwick to dredge its harbour</h1><div class=\"story-body\">" +
         paragraphs(part) + "</div>" + after + "</article></main></body></html>";
}

// A pagination box as a site's theme writes one: the page shown is a span.
std::string box(const std::string& first, const std::string& second, const std::string& third, int current) {
  auto item = [&](int n, const std::string& href) {
    if (n == current) return "<span aria-current=\"page\" class=\"page-numbers current\">" + std::to_string(n) + "</span>";
    return "<a class=\"page-numbers\" href=\"" + href + "\">" + std::to_string(n) + "</a>";
  };
  std::string next = current == 1 ? second : current == 2 ? third : "";
  return "<nav class=\"pagination\" aria-label=\"Pages\">" + item(1, first) + item(2, second) + item(3, third) +
         (next.empty() ? "" : "<a class=\"next page-numbers\" href=\"" + next + "\">Next &raquo;</a>") + "</nav>";
}

extract::PageLinks links_of(const std::string& html, const std::string& url) {
  auto page = extract::extract_page(html, url, extract::Options{});
  EXPECT_TRUE(page) << page.error().message;
  return page ? page->links : extract::PageLinks{};
}

extract::ExtractedPage read(const std::string& html, const std::string& url) {
  auto page = extract::extract_page(html, url, extract::Options{});
  EXPECT_TRUE(page) << page.error().message;
  return page ? std::move(*page) : extract::ExtractedPage{};
}

const char* kUrl = "https://quay.example/local/2026/02/eastwick-dredging";

}  // namespace

// ---- the next part ---------------------------------------------------------

TEST(Pagination, FollowsLinkRelNextInTheHead) {
  auto links = links_of(story_page(1, "<link rel=\"next\" href=\"/local/2026/02/eastwick-dredging?page=2\">", ""), kUrl);
  EXPECT_EQ(links.next_part, "https://quay.example/local/2026/02/eastwick-dredging?page=2");
}

TEST(Pagination, FollowsAnAnchorRelNextResolvedAgainstThePage) {
  auto links = links_of(story_page(1, "", "<p class=\"continued\"><a rel=\"next\" href=\"eastwick-dredging/2/\">Continue "
                                          "to page two</a></p>"),
                        kUrl);
  EXPECT_EQ(links.next_part, "https://quay.example/local/2026/02/eastwick-dredging/2/");
}

TEST(Pagination, FollowsTheNextNumberOfAPaginationBoxInEachAddressShape) {
  struct Shape {
    const char* first;
    const char* second;
    const char* third;
  };
  for (const Shape& s : {Shape{"/news/dredging", "/news/dredging?page=2", "/news/dredging?page=3"},
                         Shape{"/news/dredging/", "/news/dredging/2/", "/news/dredging/3/"},
                         Shape{"/news/dredging", "/news/dredging/page/2", "/news/dredging/page/3"},
                         Shape{"/news/dredging.html", "/news/dredging-2.html", "/news/dredging-3.html"},
                         Shape{"/news/dredging", "/news/dredging_p2", "/news/dredging_p3"},
                         Shape{"/story.php?id=88", "/story.php?id=88&pg=2", "/story.php?id=88&pg=3"}}) {
    std::string base = "https://quay.example";
    // No "Next" link: only the numbers say where the next part is.
    std::string numbers_only = box(s.first, s.second, s.third, 1);
    numbers_only.erase(numbers_only.find("<a class=\"next"), numbers_only.find("</nav>") - numbers_only.find("<a class=\"next"));
    EXPECT_EQ(links_of(story_page(1, "", numbers_only), base + s.first).next_part, base + s.second) << s.first;
    // From the second part, the third (not the first, shown before it).
    EXPECT_EQ(links_of(story_page(2, "", box(s.first, s.second, s.third, 2)), base + s.second).next_part, base + s.third)
        << s.second;
    // The last part leads nowhere: its box only links back.
    EXPECT_EQ(links_of(story_page(3, "", box(s.first, s.second, s.third, 3)), base + s.third).next_part, "") << s.third;
  }
}

TEST(Pagination, FollowsANextArrowWhoseLabelIsInItsAttributes) {
  std::string arrows = "<div class=\"article-pager\"><a href=\"?page=2\" aria-label=\"Next page\"><svg></svg></a></div>";
  EXPECT_EQ(links_of(story_page(1, "", arrows), kUrl).next_part, std::string(kUrl) + "?page=2");
}

TEST(Pagination, DoesNotFollowANextStoryWithAnAddressOfItsOwn) {
  // WordPress's adjacent-post link in the head, and a "Next story" teaser.
  std::string head = "<link rel=\"next\" title=\"Ferry fares rise\" href=\"https://quay.example/local/2026/02/ferry-fares\">";
  std::string after = "<div class=\"post-navigation\"><a rel=\"next\" href=\"/local/2026/02/ferry-fares\">Next story: "
                      "Ferry fares rise</a></div>";
  EXPECT_EQ(links_of(story_page(1, head, after), kUrl).next_part, "");
  // A pagination box of "next article" links: the numbers are not this article's pages.
  std::string articles = "<nav class=\"pagination\"><a href=\"/local/2026/02/ferry-fares\">Next</a></nav>";
  EXPECT_EQ(links_of(story_page(1, "", articles), kUrl).next_part, "");
}

TEST(Pagination, DoesNotFollowAnotherHost) {
  std::string head = "<link rel=\"next\" href=\"https://mirror.example/local/2026/02/eastwick-dredging?page=2\">";
  EXPECT_EQ(links_of(story_page(1, head, ""), kUrl).next_part, "");
}

TEST(Pagination, DoesNotGoBackToAnEarlierPart) {
  // Part 3 of 3 whose rel="next" (a theme's mistake) points at part 1 and part 2.
  std::string url = std::string(kUrl) + "/3/";
  EXPECT_EQ(links_of(story_page(3, "<link rel=\"next\" href=\"" + std::string(kUrl) + "\">", ""), url).next_part, "");
  EXPECT_EQ(links_of(story_page(3, "<link rel=\"next\" href=\"" + std::string(kUrl) + "/2/\">", ""), url).next_part, "");
  EXPECT_EQ(links_of(story_page(3, "<link rel=\"next\" href=\"" + url + "#comments\">", ""), url).next_part, "");
}

TEST(Pagination, ANumberedLinkMustBeTheVeryNextNumber) {
  // A box whose "2" goes to page 4 of the address, and a box on page 1 that
  // marks page 5 as current: neither is the next part.
  std::string wrong_number = "<nav class=\"pagination\"><a href=\"?page=4\">2</a></nav>";
  EXPECT_EQ(links_of(story_page(1, "", wrong_number), kUrl).next_part, "");
  std::string wrong_current =
      "<nav class=\"pagination\"><span class=\"current\">5</span><a href=\"?page=2\">2</a></nav>";
  EXPECT_EQ(links_of(story_page(1, "", wrong_current), kUrl).next_part, "");
}

TEST(Pagination, AnIndexPagesPaginationIsNotFollowed) {
  std::string list = "<!DOCTYPE html><html><head><meta property=\"og:type\" content=\"website\">"
                     "<title>Local news</title></head><body><main><ul class=\"teasers\">";
  for (int i = 0; i < 12; ++i) {
    list += "<li><a href=\"/local/2026/02/item-" + std::to_string(i) + "\">Council notes on item " +
            std::to_string(i) + " of the agenda</a></li>";
  }
  list += "</ul>" + box("/local/", "/local/page/2/", "/local/page/3/", 1) + "</main></body></html>";
  auto page = read(list, "https://quay.example/local/");
  // The box is read (the address continues the page's) ...
  EXPECT_EQ(page.links.next_part, "https://quay.example/local/page/2/");
  ASSERT_NE(page.article.page_type, core::PageType::kArticle);
  // ... but a page that is no article has no parts to join.
  extract::ArticleParts parts(std::move(page), "https://quay.example/local/", 5);
  EXPECT_EQ(parts.next_url(), "");
}

TEST(Pagination, ACheapLookRulesOutPagesWithoutPageLinks) {
  EXPECT_FALSE(extract::may_link_other_pages(story_page(1, "<link rel=\"canonical\" href=\"/x\">", "")));
  // "pages" in the text, and a rel beside a class that says next: still nothing to look for.
  EXPECT_FALSE(extract::may_link_other_pages(story_page(
      1, "", "<p>The report runs to 40 pages.</p><a rel=\"noopener\" class=\"next-post\" href=\"/y\">On</a>")));
  EXPECT_TRUE(extract::may_link_other_pages(story_page(1, "<LINK REL=\"Next\" href=\"/x?page=2\">", "")));
  EXPECT_TRUE(extract::may_link_other_pages(story_page(1, "<link rel=\"amphtml\" href=\"/amp/x\">", "")));
  EXPECT_TRUE(extract::may_link_other_pages(story_page(1, "", "<div class=\"Page-Numbers\"></div>")));
}

TEST(Pagination, AddressShapesThatContinueAPage) {
  using extract::continuing_part_numbers;
  using Numbers = std::optional<std::pair<int, int>>;
  EXPECT_EQ(continuing_part_numbers("https://a.example/s", "https://a.example/s?page=2"), Numbers({1, 2}));
  EXPECT_EQ(continuing_part_numbers("http://a.example/s/", "https://a.example/s/2/"), Numbers({1, 2}));
  EXPECT_EQ(continuing_part_numbers("https://a.example/s/2/", "https://a.example/s/page/3"), Numbers({2, 3}));
  EXPECT_EQ(continuing_part_numbers("https://a.example/s.html", "https://a.example/s-2.html"), Numbers({1, 2}));
  EXPECT_EQ(continuing_part_numbers("https://a.example/s?utm_source=x&id=4", "https://a.example/s?page=3&id=4"),
            Numbers({1, 3}));
  // A slug that ends in a number is page 1 of itself.
  EXPECT_EQ(continuing_part_numbers("https://a.example/launch-2", "https://a.example/launch-2/2"), Numbers({1, 2}));
  // Not continuations: another article, an article number, an earlier page, another host, the page itself.
  EXPECT_EQ(continuing_part_numbers("https://a.example/s", "https://a.example/t?page=2"), std::nullopt);
  EXPECT_EQ(continuing_part_numbers("https://a.example/news/5127", "https://a.example/news/5128"), std::nullopt);
  EXPECT_EQ(continuing_part_numbers("https://a.example/s?page=3", "https://a.example/s?page=2"), std::nullopt);
  EXPECT_EQ(continuing_part_numbers("https://a.example/s", "https://b.example/s?page=2"), std::nullopt);
  EXPECT_EQ(continuing_part_numbers("https://a.example/s", "https://a.example/s#page2"), std::nullopt);
  EXPECT_EQ(continuing_part_numbers("https://a.example/s", "javascript:next()"), std::nullopt);
}

// ---- the AMP version ---------------------------------------------------------

TEST(Pagination, ReadsTheAmpAddressResolved) {
  auto links = links_of(story_page(1, "<link rel=\"amphtml\" href=\"/amp/local/2026/02/eastwick-dredging\">", ""), kUrl);
  EXPECT_EQ(links.amphtml, "https://quay.example/amp/local/2026/02/eastwick-dredging");
  EXPECT_EQ(links.next_part, "");
}

TEST(Pagination, AShellPageWantsItsAmpVersionAndKeepsItsOwnAddress) {
  // The page a script fills: a headline and an empty mount point.
  std::string shell = "<!DOCTYPE html><html><head><title>Eastwick to dredge its harbour</title>"
                      "<meta property=\"og:type\" content=\"article\"><meta name=\"author\" content=\"Ines Baptiste\">"
                      "<link rel=\"amphtml\" href=\"/amp/eastwick\"></head><body><div id=\"app\"></div></body></html>";
  auto page = read(shell, "https://quay.example/eastwick");
  EXPECT_TRUE(extract::wants_amp_version(page.article));
  EXPECT_EQ(page.links.amphtml, "https://quay.example/amp/eastwick");
  auto amp = read(story_page(1, "", ""), "https://quay.example/amp/eastwick");
  EXPECT_FALSE(extract::wants_amp_version(amp.article));
  auto kept = extract::prefer_amp_version(page.article, amp.article, "https://quay.example/amp/eastwick");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->url, "https://quay.example/eastwick");
  EXPECT_EQ(kept->canonical_url, "https://quay.example/eastwick");
  EXPECT_EQ(kept->authors, std::vector<std::string>{"Ines Baptiste"});
  EXPECT_NE(kept->text.find("dredge the inner harbour"), std::string::npos);
  // An AMP page with no more text than the page is not taken.
  EXPECT_FALSE(extract::prefer_amp_version(amp.article, page.article, "https://quay.example/amp/eastwick"));
}

// ---- joining ------------------------------------------------------------------

TEST(Pagination, JoinsThePartsInOrderEachOnceWithRepeatedFurnitureOnce) {
  // Furniture the extractor keeps (a line inside the story box) on every part.
  const std::string furniture = "<p>Reporting for this series was supported by the Harbour Trust.</p>";
  auto part = [&](int n) {
    std::string html = story_page(n, "", "");
    html.insert(html.find("</div>"), furniture);
    return read(html, std::string(kUrl) + (n == 1 ? "" : "?page=" + std::to_string(n)));
  };
  auto first = part(1);
  first.links.next_part = std::string(kUrl) + "?page=2";
  extract::ArticleParts parts(std::move(first), kUrl, 5);
  ASSERT_EQ(parts.next_url(), std::string(kUrl) + "?page=2");
  auto second = part(2);
  second.links.next_part = std::string(kUrl) + "?page=3";
  EXPECT_TRUE(parts.add(std::move(second), std::string(kUrl) + "?page=2"));
  ASSERT_EQ(parts.next_url(), std::string(kUrl) + "?page=3");
  auto third = part(3);
  third.links.next_part = kUrl;  // back to the first part: a loop
  EXPECT_TRUE(parts.add(std::move(third), std::string(kUrl) + "?page=3"));
  EXPECT_EQ(parts.next_url(), "") << "a part already joined is not asked for again";
  EXPECT_EQ(parts.parts(), 3u);

  core::Article a = parts.article();
  EXPECT_EQ(a.url, kUrl);
  EXPECT_EQ(a.title, "Eastwick to dredge its harbour");
  size_t one = a.text.find("dredge the inner harbour");
  size_t two = a.text.find("drive the herring out");
  size_t three = a.text.find("disposal site twelve miles");
  ASSERT_NE(one, std::string::npos) << a.text;
  ASSERT_NE(two, std::string::npos) << a.text;
  ASSERT_NE(three, std::string::npos) << a.text;
  EXPECT_LT(one, two);
  EXPECT_LT(two, three);
  auto count = [](const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(a.text, "supported by the Harbour Trust"), 1u) << a.text;
  EXPECT_EQ(count(a.html, "supported by the Harbour Trust"), 1u) << a.html;
  EXPECT_EQ(count(a.text, "\n"), 6u) << a.text;  // 6 story paragraphs and the furniture line, once each
  EXPECT_LT(a.html.find("drive the herring out"), a.html.find("disposal site twelve miles"));
}

TEST(Pagination, APartServedTwiceOrRedirectedBackIsNotJoined) {
  auto first = read(story_page(1, "", ""), kUrl);
  first.links.next_part = std::string(kUrl) + "?page=2";
  extract::ArticleParts parts(std::move(first), kUrl, 5);
  // The server ignores ?page=2 and sends the first part again.
  EXPECT_FALSE(parts.add(read(story_page(1, "", ""), std::string(kUrl) + "?page=2"), std::string(kUrl) + "?page=2"));
  EXPECT_EQ(parts.next_url(), "");
  EXPECT_EQ(parts.parts(), 1u);

  auto again = read(story_page(1, "", ""), kUrl);
  again.links.next_part = std::string(kUrl) + "?page=2";
  extract::ArticleParts redirected(std::move(again), kUrl, 5);
  // ?page=2 answered by a redirect to the first part's address.
  EXPECT_FALSE(redirected.add(read(story_page(2, "", ""), kUrl), kUrl));
  EXPECT_EQ(redirected.article().text.find("herring"), std::string::npos);
}

TEST(Pagination, StopsAtTheConfiguredNumberOfParts) {
  auto first = read(story_page(1, "", ""), kUrl);
  first.links.next_part = std::string(kUrl) + "?page=2";
  extract::ArticleParts none(extract::ExtractedPage(first), kUrl, 0);
  EXPECT_EQ(none.next_url(), "");
  extract::ArticleParts one(std::move(first), kUrl, 1);
  ASSERT_NE(one.next_url(), "");
  auto second = read(story_page(2, "", ""), std::string(kUrl) + "?page=2");
  second.links.next_part = std::string(kUrl) + "?page=3";
  EXPECT_TRUE(one.add(std::move(second), std::string(kUrl) + "?page=2"));
  EXPECT_EQ(one.next_url(), "");
  EXPECT_EQ(one.parts(), 2u);
}

TEST(Pagination, TopLevelElementsKeepListsAndPreformattedTextWhole) {
  auto elements = extract::top_level_elements("<p>a</p>\n<ul>\n<li>x</li>\n<li>y</li>\n</ul>\n<pre>line 1\nline 2</pre>\n");
  ASSERT_EQ(elements.size(), 3u);
  EXPECT_EQ(elements[0], "<p>a</p>\n");
  EXPECT_EQ(elements[1], "<ul>\n<li>x</li>\n<li>y</li>\n</ul>\n");
  EXPECT_EQ(elements[2], "<pre>line 1\nline 2</pre>\n");
}
