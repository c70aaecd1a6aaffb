#include <gtest/gtest.h>

#include "core/config.hpp"

using namespace newsdesk::core;

TEST(Config, EmptyTextGivesEveryDefault) {
  auto c = parse_config("", "newsdesk.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->web.port, 8080);
  EXPECT_EQ(c->cluster.window_days, 7);
  EXPECT_FALSE(c->fetch.allow_private_addresses);
  EXPECT_EQ(c->edition.name, "Daily Headlines");
}

TEST(Config, ReadsKnownKeys) {
  auto c = parse_config("[web]\nport = 9090\n[fetch]\nallow_private_addresses = true\n[cluster]\nthreshold = 0.4\n",
                        "x.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->web.port, 9090);
  EXPECT_TRUE(c->fetch.allow_private_addresses);
  EXPECT_DOUBLE_EQ(c->cluster.threshold, 0.4);
}

TEST(Config, UnknownKeyNamesFileLineAndKey) {
  auto c = parse_config("[web]\nport = 9090\nprot = 1\n", "desk.toml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kConfig);
  EXPECT_NE(c.error().message.find("desk.toml:3:"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("web.prot"), std::string::npos);
}

TEST(Config, BadValueIsRefusedWithItsPlace) {
  auto c = parse_config("[web]\nport = \"eighty\"\n", "desk.toml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("desk.toml:2:"), std::string::npos) << c.error().message;
  auto range = parse_config("[cluster]\nwindow_days = 0\n", "desk.toml");
  ASSERT_FALSE(range);
  EXPECT_NE(range.error().message.find("between"), std::string::npos);
}

TEST(Config, UnknownSectionIsRefused) {
  auto c = parse_config("[webb]\nport = 1\n", "desk.toml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("webb.port"), std::string::npos) << c.error().message;
}

TEST(Config, SyntaxErrorNamesTheLine) {
  auto c = parse_config("[web]\nport = = 3\n", "desk.toml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("desk.toml:2:"), std::string::npos) << c.error().message;
}

TEST(Config, MissingFileIsAnError) {
  auto c = load_config("/nonexistent/newsdesk.toml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kIo);
}
