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

TEST(Config, BeatsAreReadWithTheirTermsAndCheckedForTheirPlace) {
  auto c = parse_config(R"([rank]
beat = "energy"

[beats.energy]
description = "Oil, gas and power"
terms = { "pipeline" = 3, "oil price" = 2.5, "football" = -2 }
exclude = ["horoscope"]
rules = { "\\bNS-\\d\\b" = 3 }
sources = ["Energy Daily"]
languages = ["en", "fr"]
)", "desk.toml");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->beats.size(), 1u);
  const auto& b = c->beats[0];
  EXPECT_EQ(b.name, "energy");
  EXPECT_EQ(b.terms.size(), 3u);
  EXPECT_EQ(b.rules.size(), 1u);
  EXPECT_EQ(b.languages, (std::vector<std::string>{"en", "fr"}));
  EXPECT_EQ(c->rank.beat, "energy");

  auto bad_weight = parse_config("[beats.energy]\nterms = { \"oil\" = \"lots\" }\n", "desk.toml");
  ASSERT_FALSE(bad_weight);
  EXPECT_NE(bad_weight.error().message.find("desk.toml:2:"), std::string::npos) << bad_weight.error().message;
  EXPECT_NE(bad_weight.error().message.find("beats.energy.terms.oil"), std::string::npos) << bad_weight.error().message;
  auto unknown_key = parse_config("[beats.energy]\nterm = { \"oil\" = 1 }\n", "desk.toml");
  ASSERT_FALSE(unknown_key);
  EXPECT_NE(unknown_key.error().message.find("beats.energy.term"), std::string::npos);
  auto unknown_beat = parse_config("[rank]\nbeat = \"gardening\"\n", "desk.toml");
  ASSERT_FALSE(unknown_beat);
  EXPECT_NE(unknown_beat.error().message.find("gardening"), std::string::npos);
}

TEST(Config, FurtherEditionsHaveTheirOwnBeatSectionsAndTimes) {
  auto c = parse_config(R"([beats.energy]
terms = { "pipeline" = 3 }

[edition]
stories = 8
sections = ["Top stories", "Developing", "From our newsroom"]

[editions.energy-brief]
name = "Energy Brief"
beat = "energy"
stories = 5
send_time = "07:15"
time_zone = "Europe/Paris"
)", "desk.toml");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->editions.size(), 1u);
  auto base = for_edition(*c, "");
  ASSERT_TRUE(base);
  EXPECT_EQ(base->edition.stories, 8);
  EXPECT_EQ(base->rank.beat, "military");
  EXPECT_EQ(base->edition.sections[1], "Developing");
  auto brief = for_edition(*c, "energy-brief");
  ASSERT_TRUE(brief) << brief.error().message;
  EXPECT_EQ(brief->edition.name, "Energy Brief");
  EXPECT_EQ(brief->edition.stories, 5);
  EXPECT_EQ(brief->edition.send_time, "07:15");
  EXPECT_EQ(brief->edition.time_zone, "Europe/Paris");
  EXPECT_EQ(brief->edition.sections, base->edition.sections);  // inherited from [edition]
  EXPECT_EQ(brief->rank.beat, "energy");
  auto missing = for_edition(*c, "sports");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("energy-brief"), std::string::npos);

  auto bad_beat = parse_config("[editions.x]\nbeat = \"gardening\"\n", "desk.toml");
  ASSERT_FALSE(bad_beat);
  EXPECT_NE(bad_beat.error().message.find("editions.x.beat"), std::string::npos) << bad_beat.error().message;
  auto bad_key = parse_config("[editions.x]\nstorys = 3\n", "desk.toml");
  ASSERT_FALSE(bad_key);
  EXPECT_NE(bad_key.error().message.find("desk.toml:2:"), std::string::npos) << bad_key.error().message;
}

TEST(Config, TheStoreIsAFileOrAUrlAndDbSaysWhichByItsForm) {
  auto c = parse_config("[store]\nurl = \"postgresql://desk@db.internal:5432/newsdesk\"\n", "desk.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->store.location(), "postgresql://desk@db.internal:5432/newsdesk");
  auto bad = parse_config("[store]\nurl = \"mysql://desk@db/newsdesk\"\n", "desk.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("desk.toml:2:"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("store.url"), std::string::npos) << bad.error().message;
  StoreConfig store;
  EXPECT_EQ(store.location(), "newsdesk.db");
  store.set_location("postgres://desk@127.0.0.1/n");
  EXPECT_EQ(store.location(), "postgres://desk@127.0.0.1/n");
  store.set_location("other.db");  // a path: the file, and no URL any more
  EXPECT_EQ(store.location(), "other.db");
  store.set_location("sqlite:third.db");
  EXPECT_EQ(store.location(), "sqlite:third.db");
}

TEST(Config, FollowPagesIsOnByDefaultAndRefusesWhatIsNotACountOfPages) {
  auto defaults = parse_config("", "desk.toml");
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->extract.follow_pages, 5);
  auto off = parse_config("[extract]\nfollow_pages = 0\n", "desk.toml");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(off->extract.follow_pages, 0);
  for (const char* bad : {"follow_pages = -1\n", "follow_pages = 51\n", "follow_pages = \"5\"\n", "follow_pages = true\n"}) {
    auto c = parse_config(std::string("[extract]\n") + bad, "desk.toml");
    ASSERT_FALSE(c) << bad;
    EXPECT_NE(c.error().message.find("desk.toml:2:"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("extract.follow_pages"), std::string::npos) << c.error().message;
  }
}
