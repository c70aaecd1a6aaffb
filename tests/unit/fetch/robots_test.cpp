// robots.txt per RFC 9309: groups, longest match, allow on ties, wildcards.
#include <gtest/gtest.h>

#include "fetch/robots.hpp"

using newsdesk::fetch::parse_robots;
using newsdesk::fetch::product_token;
using newsdesk::fetch::robots_allow;
using newsdesk::fetch::robots_for_status;

TEST(Robots, OurOwnGroupWinsOverTheStarGroup) {
  auto rules = parse_robots("User-agent: *\nDisallow: /\n\nUser-agent: NewsDesk\nDisallow: /private/\n", "newsdesk");
  EXPECT_TRUE(robots_allow(rules, "/news/1.html"));
  EXPECT_FALSE(robots_allow(rules, "/private/x"));
}

TEST(Robots, TheStarGroupAppliesWhenWeAreNotNamed) {
  auto rules = parse_robots("User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /search\n", "newsdesk");
  EXPECT_TRUE(robots_allow(rules, "/news"));
  EXPECT_FALSE(robots_allow(rules, "/search?q=navy"));
}

TEST(Robots, ConsecutiveAgentLinesShareOneGroupAndGroupsForUsCombine) {
  auto rules = parse_robots(
      "User-agent: a\nUser-agent: newsdesk\nDisallow: /one\n\nUser-agent: newsdesk\nDisallow: /two\n", "newsdesk");
  EXPECT_FALSE(robots_allow(rules, "/one"));
  EXPECT_FALSE(robots_allow(rules, "/two"));
  EXPECT_TRUE(robots_allow(rules, "/three"));
}

TEST(Robots, TheLongestMatchWinsAndAllowWinsATie) {
  auto rules = parse_robots("User-agent: *\nDisallow: /news/\nAllow: /news/public/\nAllow: /x\nDisallow: /x\n", "newsdesk");
  EXPECT_FALSE(robots_allow(rules, "/news/secret"));
  EXPECT_TRUE(robots_allow(rules, "/news/public/a.html"));
  EXPECT_TRUE(robots_allow(rules, "/x"));
}

TEST(Robots, WildcardsAndEndAnchors) {
  auto rules = parse_robots("User-agent: *\nDisallow: /*.pdf$\nDisallow: /fish*.php\n", "newsdesk");
  EXPECT_FALSE(robots_allow(rules, "/files/report.pdf"));
  EXPECT_TRUE(robots_allow(rules, "/files/report.pdf?download=1"));
  EXPECT_FALSE(robots_allow(rules, "/fishheads/catfish.php?id=1"));
  EXPECT_TRUE(robots_allow(rules, "/fish.html"));
}

TEST(Robots, EmptyDisallowCommentsAndJunkLines) {
  auto rules = parse_robots("# hello\nUser-agent: * # everyone\nDisallow:\nthis line is junk\nCrawl-delay: 5\n", "newsdesk");
  EXPECT_TRUE(robots_allow(rules, "/anything"));
  ASSERT_TRUE(rules.crawl_delay_seconds);
  EXPECT_DOUBLE_EQ(*rules.crawl_delay_seconds, 5.0);
}

TEST(Robots, RobotsTxtItselfIsAlwaysAllowed) {
  auto rules = parse_robots("User-agent: *\nDisallow: /\n", "newsdesk");
  EXPECT_FALSE(robots_allow(rules, "/"));
  EXPECT_TRUE(robots_allow(rules, "/robots.txt"));
}

TEST(Robots, StatusDecidesWhenThereIsNoFile) {
  EXPECT_TRUE(robots_allow(robots_for_status(404, "", "newsdesk"), "/a"));    // 4xx: no rules
  EXPECT_FALSE(robots_allow(robots_for_status(503, "", "newsdesk"), "/a"));   // 5xx: disallow all
  EXPECT_FALSE(robots_allow(robots_for_status(0, "", "newsdesk"), "/a"));     // unreachable
  EXPECT_FALSE(robots_allow(robots_for_status(200, "User-agent: *\nDisallow: /a", "newsdesk"), "/a"));
}

TEST(Robots, ProductTokenOfTheUserAgent) {
  EXPECT_EQ(product_token("newsdesk/0.1 (+https://newsdesk.example/bot)"), "newsdesk");
  EXPECT_EQ(product_token("  My-Bot_2 something"), "My-Bot_2");
}
