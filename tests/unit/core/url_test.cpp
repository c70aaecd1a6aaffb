#include <gtest/gtest.h>

#include "core/url.hpp"

using namespace newsdesk::core;

TEST(Url, ResolvesRelativeReferences) {
  EXPECT_EQ(resolve_url("http://example.com/news/feed.xml", "2026/story.html"), "http://example.com/news/2026/story.html");
  EXPECT_EQ(resolve_url("http://example.com/news/feed.xml", "/top"), "http://example.com/top");
  EXPECT_EQ(resolve_url("http://example.com/a", "https://other.org/x"), "https://other.org/x");
  EXPECT_EQ(resolve_url("http://example.com/a", ""), "");
}

TEST(Url, ParsesOnlyHttpUrls) {
  EXPECT_TRUE(is_http_url("https://example.com/"));
  EXPECT_FALSE(is_http_url("javascript:alert(1)"));
  EXPECT_FALSE(is_http_url("ftp://example.com/file"));
  EXPECT_FALSE(is_http_url("/relative"));
  auto p = parse_http_url("HTTP://Example.COM:80/a?b=1#f");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host, "example.com");
  EXPECT_EQ(p->port, "");
  EXPECT_EQ(p->query, "b=1");
  EXPECT_EQ(p->fragment, "f");
}
