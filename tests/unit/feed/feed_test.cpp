#include <gtest/gtest.h>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "feed/feed.hpp"

using namespace newsdesk;
using feed::parse_feed;

namespace {
std::string iso(const std::optional<core::TimePoint>& t) { return t ? core::format_rfc3339(*t) : "none"; }
}  // namespace

TEST(Rss, ReadsItemsWithRelativeLinksCreatorsAndImages) {
  const char* xml = R"(<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>The Test Times</title><link>/</link><language>en-gb</language>
<item><title><![CDATA[Navy & <b>friends</b>]]></title><link>/2026/navy.html</link>
<guid isPermaLink="false">abc-1</guid><pubDate>Sun, 29 Nov 2026 14:05:00 GMT</pubDate>
<dc:creator>Jane Roe</dc:creator><category>Defense</category><description>Short.</description>
<content:encoded><![CDATA[<p>Full text</p>]]></content:encoded>
<media:content medium="image" url="img/a.jpg"/></item>
<item><title>No guid</title><link>http://other.example/x</link><pubDate>garbage date</pubDate></item>
</channel></rss>)";
  auto f = parse_feed(xml, "http://news.example/feeds/main.xml");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->format, feed::Format::kRss);
  EXPECT_EQ(f->title, "The Test Times");
  EXPECT_EQ(f->language, "en-gb");
  ASSERT_EQ(f->entries.size(), 2u);
  const auto& e = f->entries[0];
  EXPECT_EQ(e.guid, "abc-1");
  EXPECT_EQ(e.url, "http://news.example/2026/navy.html");
  EXPECT_EQ(e.title, "Navy & friends");  // titles are plain text
  EXPECT_EQ(e.authors, std::vector<std::string>{"Jane Roe"});
  EXPECT_EQ(iso(e.published), "2026-11-29T14:05:00Z");
  EXPECT_EQ(e.content, "<p>Full text</p>");
  EXPECT_EQ(e.image, "http://news.example/feeds/img/a.jpg");
  EXPECT_EQ(f->entries[1].guid, "http://other.example/x");  // no guid: the link
  EXPECT_FALSE(f->entries[1].published);
  ASSERT_EQ(f->warnings.size(), 1u);
  EXPECT_NE(f->warnings[0].find("garbage date"), std::string::npos);
}

TEST(Atom, UsesUpdatedWhenPublishedIsMissingAndResolvesXmlBase) {
  const char* xml = R"(<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://site.example/news/">
<title>Atom Site</title><link href="/"/>
<entry><title type="html">First</title><id>tag:x,2026:1</id><link rel="alternate" href="one.html"/>
<updated>2026-11-28T10:00:00+02:00</updated><author><name>A. Writer</name></author>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello</p></div></content></entry>
</feed>)";
  auto f = parse_feed(xml, "http://feeds.example/atom.xml");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->format, feed::Format::kAtom);
  ASSERT_EQ(f->entries.size(), 1u);
  EXPECT_EQ(f->entries[0].url, "http://site.example/news/one.html");
  EXPECT_EQ(iso(f->entries[0].published), "2026-11-28T08:00:00Z");
  EXPECT_NE(f->entries[0].content.find("<p>Hello</p>"), std::string::npos);
  EXPECT_EQ(f->entries[0].authors, std::vector<std::string>{"A. Writer"});
}

TEST(Rdf, ReadsItemsBesideTheChannel) {
  const char* xml = R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://r.example/"><title>RDF Site</title><link>http://r.example/</link></channel>
<item rdf:about="http://r.example/1"><title>One</title><link>http://r.example/1</link><dc:date>2026-11-29T01:00:00Z</dc:date></item>
</rdf:RDF>)";
  auto f = parse_feed(xml, "http://r.example/rss");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->format, feed::Format::kRdf);
  EXPECT_EQ(f->title, "RDF Site");
  ASSERT_EQ(f->entries.size(), 1u);
  EXPECT_EQ(iso(f->entries[0].published), "2026-11-29T01:00:00Z");
}

TEST(JsonFeed, ReadsVersionOneOneAndOneZeroAuthors) {
  const char* json = R"({"version":"https://jsonfeed.org/version/1.1","title":"J","home_page_url":"/",
 "items":[{"id":"1","url":"a.html","title":"A","date_published":"2026-11-29T10:00:00Z","authors":[{"name":"X"}],"tags":["t"]},
          {"id":2,"url":"b.html","author":{"name":"Y"},"date_modified":"2026-11-29T11:00:00Z"},
          "not an object", {"title":"no id or url"}]})";
  auto f = parse_feed(json, "http://j.example/feed.json");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->format, feed::Format::kJsonFeed);
  ASSERT_EQ(f->entries.size(), 2u);
  EXPECT_EQ(f->entries[0].url, "http://j.example/a.html");
  EXPECT_EQ(f->entries[1].guid, "2");
  EXPECT_EQ(f->entries[1].authors, std::vector<std::string>{"Y"});
  EXPECT_EQ(iso(f->entries[1].published), "2026-11-29T11:00:00Z");
  EXPECT_EQ(f->warnings.size(), 2u);
}

TEST(Feed, AnHtmlPageIsNotAFeed) {
  auto f = parse_feed("<!DOCTYPE html><html><head><title>Home</title></head><body>hi</body></html>", "http://x/");
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("HTML"), std::string::npos) << f.error().message;
}

TEST(Feed, EmptyAndJunkAreClearErrors) {
  EXPECT_FALSE(parse_feed("", "http://x/"));
  EXPECT_FALSE(parse_feed("{\"a\":1}", "http://x/"));
  EXPECT_FALSE(parse_feed("\x01\x02\x03 binary", "http://x/"));
}

TEST(Feed, BrokenXmlIsRecovered) {
  const char* xml = "<rss version=\"2.0\"><channel><title>T</title><item><title>Kept</title><link>http://x/1</link></item>"
                    "<item><title>Broken &nbsp; entity</title><link>http://x/2</link></item>";  // truncated
  auto f = parse_feed(xml, "http://x/");
  ASSERT_TRUE(f) << f.error().message;
  ASSERT_GE(f->entries.size(), 1u);
  EXPECT_EQ(f->entries[0].title, "Kept");
}

TEST(Feed, ExternalEntitiesAreNeverLoaded) {
  const char* xml = R"(<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>T</title><item><title>&xxe;</title><link>http://x/1</link></item></channel></rss>)";
  auto f = parse_feed(xml, "http://x/");
  ASSERT_TRUE(f) << f.error().message;
  for (const auto& e : f->entries) EXPECT_EQ(e.title.find("root:"), std::string::npos);
}

TEST(Opml, ReadsNestedOutlinesAndWritesThemBack) {
  const char* xml = R"(<opml version="2.0"><head><title>s</title></head><body>
<outline text="Defense"><outline text="A" xmlUrl="http://a/feed" htmlUrl="http://a/" country="US"/></outline>
<outline title="B" xmlUrl="http://b/feed"/><outline text="folder only"/></body></opml>)";
  auto o = feed::parse_opml(xml);
  ASSERT_TRUE(o) << o.error().message;
  ASSERT_EQ(o->size(), 2u);
  EXPECT_EQ((*o)[0].title, "A");
  EXPECT_EQ((*o)[0].category, "Defense");
  EXPECT_EQ((*o)[0].country, "US");
  EXPECT_EQ((*o)[1].feed_url, "http://b/feed");
  auto again = feed::parse_opml(feed::write_opml("t & co", *o));
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 2u);
  EXPECT_EQ((*again)[0].site_url, "http://a/");
  EXPECT_FALSE(feed::parse_opml("<rss/>"));
}

// The feed reader resolves everyday links without a URL parser; it must
// agree with the parser (core::resolve_url) on every case it takes.
TEST(FeedLinks, TheQuickResolverAgreesWithTheUrlParser) {
  const char* bases[] = {"https://news.example/feeds/all.xml", "http://news.example/", "https://news.example/a/b/c",
                         "https://news.example/a/b/"};
  const char* links[] = {"/2026/11/29/story.html", "story.html", "sub/dir/page", "/", "x", "https://other.example/p",
                         "../up.html", "./here.html", "/a/../b", "?q=1", "#top", "//cdn.example/i.png", "a b.html",
                         "/caf%C3%A9", "mailto:desk@news.example", "/a?b=1&c=2", "page.html#frag", "/p?q=1#f",
                         "/p?q=a:b/c", "p#", "/p?", "p?a=\"x\"", "p#a#b", "/p?q=%20", "/a/../b?x", "p?q=a b", "p?#f"};
  for (const char* base : bases) {
    std::string feed = std::string("<rss version=\"2.0\"><channel><title>t</title><item><title>i</title><guid>g</guid><link>");
    for (const char* link : links) {
      std::string doc = feed + core::html_escape(link) + "</link></item></channel></rss>";
      auto f = parse_feed(doc, base);
      ASSERT_TRUE(f) << f.error().message;
      ASSERT_EQ(f->entries.size(), 1u);
      EXPECT_EQ(f->entries[0].url, core::resolve_url(base, link)) << base << " + " << link;
    }
  }
}
