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

// The rule for a source's feed and site URLs: the normalised URL, or the
// problem in words.
std::string feed_url_problem(std::string_view url) {
  auto r = normalize_feed_url(url);
  if (r) return "accepted as " + *r;
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput) << url;
  return r.error().message;
}

TEST(FeedUrl, AcceptsHttpAndHttpsUrlsInTheirNormalisedForm) {
  EXPECT_EQ(normalize_feed_url("https://a.example/feed.xml").value_or(""), "https://a.example/feed.xml");
  EXPECT_EQ(normalize_feed_url("  http://a.example/rss?x=1#top \n").value_or(""), "http://a.example/rss?x=1#top");
  EXPECT_EQ(normalize_feed_url("HTTPS://News.Example.ORG").value_or(""), "https://news.example.org/");
  EXPECT_EQ(normalize_feed_url("http://127.0.0.1:8080/feed").value_or(""), "http://127.0.0.1:8080/feed");
  EXPECT_EQ(normalize_feed_url("http://[::1]:8080/feed").value_or(""), "http://[::1]:8080/feed");
  EXPECT_EQ(normalize_feed_url("http://user:secret@a.example/private.xml").value_or(""),
            "http://user:secret@a.example/private.xml");
  EXPECT_EQ(normalize_feed_url("http://a.example./feed").value_or(""), "http://a.example./feed");
  // Non-ASCII path and query bytes are percent-encoded, existing escapes kept.
  EXPECT_EQ(normalize_feed_url("https://a.example/caf\xC3\xA9/feed?tag=%20x").value_or(""),
            "https://a.example/caf%c3%a9/feed?tag=%20x");
}

TEST(FeedUrl, StoresAnInternationalisedHostInItsIdnaForm) {
  EXPECT_EQ(normalize_feed_url("http://b\xC3\xBC" "cher.example/feed").value_or(""), "http://xn--bcher-kva.example/feed");
  EXPECT_EQ(normalize_feed_url("https://B\xC3\xBC" "cher.Example/feed").value_or(""), "https://xn--bcher-kva.example/feed");
  EXPECT_EQ(normalize_feed_url("http://xn--bcher-kva.example/feed").value_or(""), "http://xn--bcher-kva.example/feed");
  // IDNA 2008 (non-transitional): the sharp s is kept, not mapped to "ss".
  EXPECT_EQ(normalize_feed_url("http://stra\xC3\x9F" "e.de/").value_or(""), "http://xn--strae-oqa.de/");
}

TEST(FeedUrl, NamesWhatIsWrong) {
  EXPECT_EQ(feed_url_problem(""), "empty (an absolute http(s) URL is needed)");
  EXPECT_EQ(feed_url_problem("   "), "empty (an absolute http(s) URL is needed)");
  EXPECT_EQ(feed_url_problem("not a url"), "no scheme (an absolute http(s) URL is needed)");
  EXPECT_EQ(feed_url_problem("a.example/feed"), "no scheme (an absolute http(s) URL is needed)");
  EXPECT_EQ(feed_url_problem("/feed.xml"), "no scheme (an absolute http(s) URL is needed)");
  EXPECT_EQ(feed_url_problem("a.example:8080/feed"), "no scheme (an absolute http(s) URL is needed)");
  EXPECT_EQ(feed_url_problem("localhost:8080/feed"), "no scheme (an absolute http(s) URL is needed)");
  EXPECT_EQ(feed_url_problem("ftp://example.org/feed"), "scheme 'ftp' is not http or https");
  EXPECT_EQ(feed_url_problem("feed://example.org/rss"), "scheme 'feed' is not http or https");
  EXPECT_EQ(feed_url_problem("javascript:alert(1)"), "scheme 'javascript' is not http or https");
  EXPECT_EQ(feed_url_problem("file:///etc/passwd"), "scheme 'file' is not http or https");
  EXPECT_EQ(feed_url_problem("https://"), "no host");
  EXPECT_EQ(feed_url_problem("http:///feed"), "no host");
  EXPECT_EQ(feed_url_problem("http://user@/feed"), "no host");
  EXPECT_EQ(feed_url_problem("http://:8080/feed"), "no host");
  EXPECT_EQ(feed_url_problem("http:a.example/feed"), "no host ('//' and a host must follow 'http:')");
  EXPECT_EQ(feed_url_problem("https://a.example/my feed"), "contains a space or control character (write a space as %20)");
  EXPECT_EQ(feed_url_problem("http://a..example/feed"), "host 'a..example' has an empty label");
  EXPECT_EQ(feed_url_problem("http://" + std::string(64, 'a') + ".example/"),
            "host '" + std::string(64, 'a') + ".example' has a label longer than 63 characters");
  EXPECT_EQ(feed_url_problem("http://a.example:99999/feed"), "the port is not a number from 0 to 65535");
  EXPECT_EQ(feed_url_problem("http://[::1/feed"), "host '[::1' is not a valid IPv6 address");
  EXPECT_EQ(feed_url_problem("http://a\"b.example/"), "host 'a\"b.example' is not a valid host name");
  // Hyphens in the third and fourth places are reserved for ACE prefixes (IDNA 2008).
  EXPECT_EQ(feed_url_problem("http://b\xC3\xBC--cher.example/"),
            "host 'b\xC3\xBC--cher.example' is not a valid internationalised domain name (IDNA)");
}
