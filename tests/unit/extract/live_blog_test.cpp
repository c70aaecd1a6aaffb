// Live blogs: entries with their own times and headings, in the page's order.
// Every page here is of our own writing.
#include <gtest/gtest.h>

#include <string>

#include "extract/extract.hpp"

using namespace newsdesk;

namespace {

core::Article read(const std::string& page) {
  auto a = extract::extract(page, "https://calder.example/live/storm", extract::Options{});
  EXPECT_TRUE(a) << (a ? "" : a.error().message);
  return a ? *a : core::Article{};
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const char* kHead =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Live: storm Edda reaches the coast</title>";

// Three entries, newest first, as live blogs show them; times at -05:00.
std::string dom_live_blog(const std::string& entry_tag, const std::string& heading_prefix = "",
                          const std::string& heading_suffix = "") {
  struct Entry {
    const char* time;
    const char* heading;
    const char* text;
  };
  const Entry entries[] = {
      {"2026-03-02T11:40:00-05:00", "Ferries resume to the outer islands",
       "The first ferry left the fish quay at half past eleven, the harbour board said, with a dozen cars aboard."},
      {"2026-03-02T10:15:00-05:00", "Power back in the old town",
       "Crews restored power to about four thousand homes in the old town, the grid company said on its feed."},
      {"2026-03-02T09:05:00-05:00", "Schools stay closed",
       "The council has closed all schools for the day; pupils are asked to check the council site tomorrow."},
  };
  std::string page = std::string(kHead) + "</head><body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>"
                     "<main><h1>Live: storm Edda reaches the coast</h1><div class=\"live-feed\">";
  std::string close = entry_tag.substr(0, entry_tag.find(' '));
  for (const auto& e : entries) {
    page += "<" + entry_tag + "><header><time datetime=\"" + e.time + "\">" + std::string(e.time).substr(11, 5) +
            "</time><h2>" + heading_prefix + e.heading + heading_suffix + "</h2></header><p>" + e.text +
            "</p><div class=\"share-tools\"><a href=\"#\">Share this update</a></div></" + close + ">";
  }
  return page + "</div></main><footer><p>The Calder Tide, 1 Quay Street.</p></footer></body></html>";
}

}  // namespace

TEST(LiveBlog, DomEntriesWithTimesAndHeadingsKeepThePageOrder) {
  auto a = read(dom_live_blog("article class=\"live-post\""));
  EXPECT_EQ(a.page_type, core::PageType::kLiveblog);
  EXPECT_EQ(a.text,
            "2026-03-02 16:40 UTC — Ferries resume to the outer islands\n"
            "The first ferry left the fish quay at half past eleven, the harbour board said, with a dozen cars aboard.\n"
            "2026-03-02 15:15 UTC — Power back in the old town\n"
            "Crews restored power to about four thousand homes in the old town, the grid company said on its feed.\n"
            "2026-03-02 14:05 UTC — Schools stay closed\n"
            "The council has closed all schools for the day; pupils are asked to check the council site tomorrow.");
  EXPECT_TRUE(has(a.html, "<h2><time datetime=\"2026-03-02T16:40:00Z\">2026-03-02 16:40 UTC</time> — Ferries resume "
                          "to the outer islands</h2>"))
      << a.html;
  EXPECT_FALSE(has(a.text, "Share this update"));
}

TEST(LiveBlog, EntriesNamedByTheirClassCountAsWellAsArticles) {
  auto a = read(dom_live_blog("div class=\"update-card\""));
  EXPECT_EQ(a.page_type, core::PageType::kLiveblog);
  EXPECT_TRUE(has(a.text, "2026-03-02 15:15 UTC — Power back in the old town")) << a.text;
}

TEST(LiveBlog, AHeadingThatLinksToTheEntryItselfIsStillAnEntry) {
  auto a = read(dom_live_blog("article class=\"live-post\"", "<a href=\"#post-1\">", "</a>"));
  EXPECT_EQ(a.page_type, core::PageType::kLiveblog);
}

TEST(LiveBlog, TeasersLinkingToOtherPagesAreAnIndexNotALiveBlog) {
  auto a = read(dom_live_blog("article class=\"card\"", "<a href=\"/news/other-story\">", "</a>"));
  EXPECT_NE(a.page_type, core::PageType::kLiveblog);
  EXPECT_FALSE(has(a.text, "UTC —")) << a.text;
}

TEST(LiveBlog, PlainHeadedTeasersWithReadMoreLinksAreNoLiveBlog) {
  std::string page = std::string(kHead) + "</head><body><main><h1>Latest from the coast</h1><div class=\"posts\">";
  for (int i = 0; i < 4; ++i) {
    page += "<article class=\"post\"><h2>Harbour notes, week " + std::to_string(i) + "</h2><time datetime=\"2026-03-0" +
            std::to_string(i + 1) + "T09:00:00Z\">March</time><p>What the harbour board decided this week, and what "
            "it means for the ferries.</p><a href=\"/notes/week-" + std::to_string(i) + "\">Read more</a></article>";
  }
  auto a = read(page + "</div></main></body></html>");
  EXPECT_NE(a.page_type, core::PageType::kLiveblog);
  EXPECT_FALSE(has(a.text, "UTC —")) << a.text;
}

TEST(LiveBlog, DatedCommentsWithHeadingsAreNoLiveBlog) {
  std::string page = std::string(kHead) + "</head><body><article><h1>Live: storm Edda reaches the coast</h1>"
                     "<p>The storm reached the coast on Monday morning with winds of ninety kilometres an hour, and "
                     "the harbour board closed the ferry pier until further notice, its chair said.</p>"
                     "<p>Crews worked through the night to clear fallen trees from the coast road, which reopened "
                     "shortly after dawn, the council said in a statement on its website.</p></article>"
                     "<section id=\"comments\">";
  for (int i = 0; i < 3; ++i) {
    page += "<article class=\"post\"><time datetime=\"2026-03-02T1" + std::to_string(i) +
            ":00:00Z\">now</time><h4>reader" + std::to_string(i) +
            "</h4><p>Our street lost power for six hours and nobody came until the evening.</p></article>";
  }
  auto a = read(page + "</section></body></html>");
  EXPECT_NE(a.page_type, core::PageType::kLiveblog);
  EXPECT_FALSE(has(a.text, "UTC —")) << a.text;
  EXPECT_TRUE(has(a.text, "Crews worked through the night")) << a.text;
}

TEST(LiveBlog, JsonLdLiveBlogUpdatesKeepTheirOrderTimesAndHeadlines) {
  std::string ld =
      "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"LiveBlogPosting\","
      "\"headline\":\"Live: storm Edda reaches the coast\",\"coverageStartTime\":\"2026-03-02T08:00:00Z\","
      "\"liveBlogUpdate\":["
      "{\"@type\":\"BlogPosting\",\"headline\":\"Ferries resume\",\"datePublished\":\"2026-03-02T16:40:00Z\","
      "\"articleBody\":\"The first ferry left the fish quay at half past eleven.\\nIt carried a dozen cars.\"},"
      "{\"@type\":\"BlogPosting\",\"headline\":\"Power back in the old town\",\"datePublished\":\"2026-03-02T"
      "15:15:00+00:00\",\"articleBody\":\"<p>Crews restored power to <b>four thousand</b> homes.</p>\"},"
      "{\"@type\":\"BlogPosting\",\"datePublished\":\"2026-03-02T14:05:00Z\","
      "\"articleBody\":\"Schools stay closed for the day.\"}]}</script>";
  // The DOM holds only a script-rendered placeholder.
  auto a = read(std::string(kHead) + ld + "</head><body><div id=\"live-root\">Loading updates</div></body></html>");
  EXPECT_EQ(a.page_type, core::PageType::kLiveblog);
  EXPECT_EQ(a.text,
            "2026-03-02 16:40 UTC — Ferries resume\n"
            "The first ferry left the fish quay at half past eleven.\n"
            "It carried a dozen cars.\n"
            "2026-03-02 15:15 UTC — Power back in the old town\n"
            "Crews restored power to four thousand homes.\n"
            "2026-03-02 14:05 UTC\n"
            "Schools stay closed for the day.");
  EXPECT_TRUE(has(a.html, "<strong>four thousand</strong>")) << a.html;
  EXPECT_TRUE(has(a.html, "<h2><time datetime=\"2026-03-02T14:05:00Z\">2026-03-02 14:05 UTC</time></h2>")) << a.html;
}

TEST(LiveBlog, AFewJsonLdUpdatesDoNotReplaceALongerDomBody) {
  std::string ld =
      "<script type=\"application/ld+json\">{\"@type\":\"LiveBlogPosting\",\"liveBlogUpdate\":[{\"headline\":"
      "\"Ferries resume\",\"datePublished\":\"2026-03-02T16:40:00Z\",\"articleBody\":\"The first ferry left.\"}]}"
      "</script>";
  std::string body;
  for (int i = 0; i < 6; ++i) {
    body += "<p>Update " + std::to_string(i) + ": crews worked through the night to clear fallen trees from the "
            "coast road, which reopened shortly after dawn, the council said.</p>";
  }
  auto a = read(std::string(kHead) + ld + "</head><body><article>" + body + "</article></body></html>");
  EXPECT_EQ(a.page_type, core::PageType::kLiveblog);  // the schema type still says so
  EXPECT_TRUE(has(a.text, "Update 5: crews worked")) << a.text;
  EXPECT_FALSE(has(a.text, "The first ferry left.")) << a.text;
}
