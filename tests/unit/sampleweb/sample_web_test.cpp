#include <gtest/gtest.h>

#include "core/time.hpp"
#include "feed/feed.hpp"
#include "sampleweb/sample_web.hpp"

using namespace newsdesk;

namespace {

sampleweb::SampleWeb tiny_web() {
  sampleweb::SampleWeb web;
  for (const char* format : {"rss2", "atom", "jsonfeed"}) {
    sampleweb::SampleOutlet o;
    o.slug = std::string("outlet-") + format;
    o.name = std::string("Outlet ") + format;
    o.feed_format = format;
    o.language = "en";
    o.article_template = "<html><head><title>{{title}}</title></head><body><article>{{#paragraphs}}<p>{{text}}</p>{{/paragraphs}}</article>{{{jsonld}}}</body></html>";
    o.front_template = "<ul>{{#articles}}<li><a href=\"{{url}}\">{{title}}</a></li>{{/articles}}</ul>";
    web.outlets.push_back(o);
    sampleweb::SampleArticle a;
    a.outlet = o.slug;
    a.slug = "story-one";
    a.title = "Story & one";
    a.author = "A. Writer";
    a.day = -1;
    a.minute = 600;
    a.paragraphs = {"First paragraph.", "## A heading", "Second </script> paragraph."};
    web.articles.push_back(a);
  }
  return web;
}

}  // namespace

TEST(SampleArticleFile, ParsesHeaderAndBody) {
  auto a = sampleweb::parse_article("outlet: x\nstory: s\nday: -1\ntime: 09:40\ntitle: T\n---\nOne\nline.\n\nTwo.\n",
                                    "s/x--slug.txt");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->slug, "slug");
  EXPECT_EQ(a->minute, 9 * 60 + 40);
  EXPECT_EQ(a->paragraphs, (std::vector<std::string>{"One line.", "Two."}));
}

TEST(SampleArticleFile, ErrorsNameTheFileAndLine) {
  auto a = sampleweb::parse_article("outlet: x\ntime: 25:00\n---\nx\n", "s/x--y.txt");
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message.find("s/x--y.txt:2"), std::string::npos) << a.error().message;
  EXPECT_FALSE(sampleweb::parse_article("outlet: x\ntitle: t\nno separator\n", "f.txt"));
}

TEST(SampleSite, ServesFeedsOurParserReadsInEveryFormat) {
  auto now = *core::parse_rfc3339("2026-11-29T12:00:00Z");
  sampleweb::SampleSite site(tiny_web(), "http://127.0.0.1:9", now);
  for (size_t i = 0; i < site.web().outlets.size(); ++i) {
    const auto& o = site.web().outlets[i];
    std::string path = site.feed_url(o).substr(std::string("http://127.0.0.1:9").size());
    auto page = site.get(path);
    ASSERT_EQ(page.status, 200) << path;
    auto f = feed::parse_feed(page.body, site.feed_url(o));
    ASSERT_TRUE(f) << o.feed_format << ": " << f.error().message;
    ASSERT_EQ(f->entries.size(), 1u);
    EXPECT_EQ(f->entries[0].title, "Story & one");
    EXPECT_EQ(f->entries[0].url.rfind(site.article_url(site.web().articles[i]), 0), 0u) << f->entries[0].url;
    ASSERT_TRUE(f->entries[0].published);
    EXPECT_EQ(core::format_rfc3339(*f->entries[0].published), "2026-11-29T11:30:00Z") << "newest is 30 min old";
  }
}

TEST(SampleSite, ArticlePagesRenderAndUnknownPathsAre404) {
  auto now = *core::parse_rfc3339("2026-11-29T12:00:00Z");
  sampleweb::SampleSite site(tiny_web(), "http://h", now);
  const auto& a = site.web().articles[0];
  auto page = site.get(site.article_url(a).substr(8));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Story &amp; one"), std::string::npos);
  EXPECT_NE(page.body.find("A heading"), std::string::npos);
  EXPECT_EQ(page.body.find("Second </script>"), std::string::npos) << "JSON-LD must not close the script";
  EXPECT_EQ(site.get("/nope/x.html").status, 404);
  EXPECT_EQ(site.get("/opml.xml").status, 200);
}
