// The feed parser against the hand-written corpus in tests/fixtures/feeds/
// (README.md there says what each file exercises). One test per behaviour.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "feed/feed.hpp"

#ifndef NEWSDESK_FEED_FIXTURES
#define NEWSDESK_FEED_FIXTURES "tests/fixtures/feeds"
#endif

namespace nd = newsdesk;
namespace core = newsdesk::core;
namespace feed = newsdesk::feed;
using Strings = std::vector<std::string>;

namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(NEWSDESK_FEED_FIXTURES) + "/" + name, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot open fixture " << name << " in " << NEWSDESK_FEED_FIXTURES;
  std::ostringstream out;
  if (in) out << in.rdbuf();
  return out.str();
}

// Parses a fixture that must parse; an error fails the test and yields an empty feed.
feed::Feed parse(const std::string& name, std::string_view base, std::string_view charset = "") {
  auto r = feed::parse_feed(read_fixture(name), base, charset);
  if (!r) ADD_FAILURE() << name << ": " << r.error().message;
  return r ? std::move(*r) : feed::Feed{};
}

std::string iso(const std::optional<core::TimePoint>& t) { return t ? core::format_rfc3339(*t) : "none"; }

int count_warnings(const feed::Feed& f, std::string_view needle) {
  int n = 0;
  for (const auto& w : f.warnings) n += w.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

std::string all_warnings(const feed::Feed& f) {
  std::string s;
  for (const auto& w : f.warnings) s += w + " | ";
  return s;
}

// Entry i, or a failure and an empty entry when the feed has fewer.
const core::FeedEntry& entry(const feed::Feed& f, size_t i) {
  static const core::FeedEntry none;
  if (i < f.entries.size()) return f.entries[i];
  ADD_FAILURE() << "no entry " << i << "; the feed has " << f.entries.size();
  return none;
}

Strings titles(const feed::Feed& f) {
  Strings t;
  for (const auto& e : f.entries) t.push_back(e.title);
  return t;
}

// "url | title | type" per discovered feed.
Strings flat(const std::vector<feed::DiscoveredFeed>& found) {
  Strings out;
  for (const auto& d : found) out.push_back(d.url + " | " + d.title + " | " + d.type);
  return out;
}

// The enclosure with this URL as "type length" ("-" for no length), or "absent".
std::string encl(const core::FeedEntry& e, std::string_view url) {
  for (const auto& x : e.enclosures)
    if (x.url == url) return x.type + " " + (x.length ? std::to_string(*x.length) : "-");
  return "absent";
}

// Published in UTC and the offset written ("0" for none, GMT, UTC or Z): "2026-11-29T13:05:00Z +60".
std::string when(const core::FeedEntry& e) {
  int off = e.published_offset.value_or(0);
  return iso(e.published) + " " + (off < 0 ? "" : "+") + std::to_string(off);
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 99;
    if (n == 99 || (n == 1 && c < 0xC2) || i + n >= s.size() + (n ? 0 : 1)) return false;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

std::vector<nlohmann::json> jsonl(const std::string& out) {
  std::vector<nlohmann::json> lines;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();  // FeedJsonl tests check the final "\n"
    auto j = nlohmann::json::parse(out.substr(start, end - start), nullptr, false);
    if (j.is_discarded()) ADD_FAILURE() << "not JSON: " << out.substr(start, end - start);
    lines.push_back(std::move(j));
    start = end + 1;
  }
  return lines;
}

}  // namespace

TEST(FeedFormat, Rss20ReadsItemTextFields) {
  auto f = parse("rss20_full.xml", "https://fortmeridian.example/feed.xml");
  EXPECT_EQ(f.format, feed::Format::kRss);
  ASSERT_EQ(f.entries.size(), 2u);
  const auto& e = f.entries[0];
  EXPECT_EQ(e.guid, "fmd-2026-1101");
  EXPECT_EQ(e.url, "https://fortmeridian.example/2026/11/29/carrier-strait.html");
  EXPECT_EQ(e.title, "Carrier group “Valiant” enters the strait");
  EXPECT_EQ(e.summary, "<p>Three escorts and a \"supply\" ship.</p>");
  EXPECT_EQ(e.content, "<p>The carrier group <b>Valiant</b> entered the strait at dawn.</p>");
  EXPECT_EQ(e.image, "https://fortmeridian.example/img/valiant.jpg");
  EXPECT_EQ(f.entries[1].summary, "Twelve stations now overlap.");
}

TEST(FeedFormat, Rss091IsReadAsRss) {
  auto f = parse("rss091.xml", "http://oldguard.example/rss.xml");
  EXPECT_EQ(f.format, feed::Format::kRss);
  EXPECT_EQ(f.title, "Old Guard Bulletin");
  EXPECT_EQ(f.link, "http://oldguard.example/");
  EXPECT_EQ(f.language, "en");
  ASSERT_EQ(f.entries.size(), 2u);  // the channel <image> is no item
  EXPECT_EQ(f.entries[0].url, "http://oldguard.example/stories/reserve-drills.html");
  EXPECT_EQ(f.entries[0].summary, "The 4th reserve battalion reports on Monday.");
  EXPECT_EQ(f.entries[1].title, "Armoury open day draws record crowd");
}

TEST(FeedFormat, Rss092IsReadAsRss) {
  auto f = parse("rss092.xml", "http://signalhill.example/rss");
  EXPECT_EQ(f.format, feed::Format::kRss);
  EXPECT_EQ(f.title, "Signal Hill Radio");
  // The description-only item has no link and no id.
  EXPECT_EQ(titles(f), (Strings{"Episode 41: The logistics of an airlift", "Episode 42: Night vision, then and now"}));
  EXPECT_EQ(entry(f, 0).categories, Strings{"Air transport"});
  EXPECT_EQ(count_warnings(f, "dropped"), 1) << all_warnings(f);
}

TEST(FeedFormat, RdfReadsChannelAndDublinCore) {
  auto f = parse("rdf10.xml", "https://southerncross.example/index.rdf");
  EXPECT_EQ(f.format, feed::Format::kRdf);
  EXPECT_EQ(f.title, "Southern Cross Defence Wire");
  EXPECT_EQ(f.link, "https://southerncross.example/");
  EXPECT_EQ(f.language, "en-AU");
  ASSERT_EQ(f.entries.size(), 2u);
  const auto& e = f.entries[0];
  EXPECT_EQ(e.url, "https://southerncross.example/wire/patrol-boats");
  EXPECT_EQ(e.guid, e.url);
  EXPECT_EQ(e.summary, "Two new hulls join the northern squadron.");
  EXPECT_EQ(e.authors, Strings{"Wire Staff"});
  EXPECT_EQ(e.categories, Strings{"Navy"});
  EXPECT_EQ(when(e), "2026-11-29T04:05:00Z +600");
  EXPECT_EQ(iso(f.entries[1].published), "2026-11-28T09:00:00Z");
}

TEST(FeedFormat, AtomReadsFeedAndEntryFields) {
  auto f = parse("atom10.xml", "https://ridgeline.example/atom.xml");
  EXPECT_EQ(f.format, feed::Format::kAtom);
  EXPECT_EQ(f.title, "Ridgeline Defence Review");
  EXPECT_EQ(f.link, "https://ridgeline.example/");
  EXPECT_EQ(f.language, "en-GB");
  ASSERT_EQ(f.entries.size(), 2u);
  const auto& e = f.entries[0];
  EXPECT_EQ(e.guid, "tag:ridgeline.example,2026:howitzer");
  EXPECT_EQ(e.title, "Howitzer trials conclude on the plateau");
  EXPECT_EQ(e.summary, "Six weeks of firing tables, summarised.");
  EXPECT_EQ(e.content, "<p>The trials ended <em>on schedule</em>.</p>");
  EXPECT_EQ(e.authors, Strings{"Iris Tan"});
  EXPECT_EQ(f.entries[1].content, "Engineers laid 120 metres of bridge in forty minutes.");  // type="text"
}

TEST(FeedFormat, JsonFeed10ReadsFeedAndItems) {
  auto f = parse("jsonfeed_10.json", "https://quartermaster.example/feed.json");
  EXPECT_EQ(f.format, feed::Format::kJsonFeed);
  EXPECT_EQ(f.title, "Quartermaster Notes");
  EXPECT_EQ(f.link, "https://quartermaster.example/");
  const auto& e = entry(f, 0);
  EXPECT_EQ(e.guid, "qm-101");
  EXPECT_EQ(e.url, "https://quartermaster.example/2026/11/rations");
  EXPECT_EQ(e.title, "Field rations get a winter menu");
  EXPECT_EQ(e.summary, "Hot meals at minus twenty.");
  EXPECT_EQ(e.content, "The new menu adds three hot dishes.");  // content_text
  EXPECT_EQ(e.authors, Strings{"Pat Okafor"});                // 1.0 "author"
}

TEST(FeedFormat, JsonFeed11ReadsFeedAndItems) {
  auto f = parse("jsonfeed_11.json", "https://signalcorps.example/feed.json");
  EXPECT_EQ(f.format, feed::Format::kJsonFeed);
  EXPECT_EQ(f.title, "Signal Corps Weekly");
  EXPECT_EQ(f.link, "https://signalcorps.example/");
  EXPECT_EQ(f.language, "en-CA");
  ASSERT_EQ(f.entries.size(), 2u);
  const auto& e = f.entries[0];
  EXPECT_EQ(e.guid, "sc-1");
  EXPECT_EQ(e.url, "https://signalcorps.example/articles/mesh");
  EXPECT_EQ(e.summary, "A week on the range.");
  EXPECT_EQ(e.content, "<p>Both systems held up in the rain.</p>");
  EXPECT_EQ(e.authors, (Strings{"Lee Park", "Ola Berg"}));  // 1.1 "authors"
}

TEST(FeedFormat, JsonFeedPrefersContentHtmlAndFallsBackToExternalUrl) {
  auto f = parse("jsonfeed_10.json", "https://quartermaster.example/feed.json");
  const auto& e = entry(f, 1);
  EXPECT_EQ(e.guid, "qm-102");
  EXPECT_EQ(e.url, "https://elsewhere.example/boots-review");
  EXPECT_EQ(e.content, "<p>Worth <b>reading</b>.</p>");
}

TEST(FeedSitemap, UrlsetHasOneEntryPerUrlWithLastmodAsUpdated) {
  auto f = parse("sitemap.xml", "https://bulwark.example/sitemap.xml");
  EXPECT_EQ(f.format, feed::Format::kSitemap);
  ASSERT_EQ(f.entries.size(), 3u);
  EXPECT_EQ(f.entries[0].url, "https://bulwark.example/2026/11/29/air-defence-drill.html");
  EXPECT_EQ(f.entries[0].guid, f.entries[0].url);
  EXPECT_EQ(iso(f.entries[0].updated), "2026-11-29T14:05:00Z");
  EXPECT_EQ(iso(f.entries[0].published), "2026-11-29T14:05:00Z");
  EXPECT_EQ(iso(f.entries[1].updated), "2026-11-28T00:00:00Z");
  EXPECT_EQ(f.entries[2].url, "https://bulwark.example/about.html");
  EXPECT_FALSE(f.entries[2].updated || f.entries[2].published);
}

TEST(FeedSitemap, NewsSitemapReadsTitleDateAndLanguage) {
  auto f = parse("news_sitemap.xml", "https://rampart.example/news-sitemap.xml");
  EXPECT_EQ(f.format, feed::Format::kSitemap);
  EXPECT_EQ(f.language, "en");
  ASSERT_EQ(f.entries.size(), 2u);
  const auto& e = f.entries[0];
  EXPECT_EQ(e.url, "https://rampart.example/2026/11/29/airlift.html");
  EXPECT_EQ(e.title, "Airlift & resupply flights double over the pass");
  EXPECT_EQ(when(e), "2026-11-29T14:05:00Z +60");
  EXPECT_EQ(f.entries[1].title, "Minesweepers clear the harbour approach");
  EXPECT_EQ(iso(f.entries[1].published), "2026-11-29T00:00:00Z");
}

TEST(FeedSitemap, IndexListsItsSitemapsAndHasNoEntries) {
  auto f = parse("sitemap_index.xml", "https://rampart.example/sitemap.xml");
  EXPECT_EQ(f.format, feed::Format::kSitemapIndex);
  EXPECT_TRUE(f.entries.empty());
  EXPECT_EQ(f.sitemaps, (Strings{"https://rampart.example/sitemaps/news.xml", "https://rampart.example/sitemaps/2026-11.xml",
                                 "https://rampart.example/sitemaps/2026-10.xml"}));
}

TEST(FeedChannel, ReadsTitleLinkLanguageAndTtl) {
  auto f = parse("rss20_full.xml", "https://fortmeridian.example/feed.xml");
  EXPECT_EQ(f.title, "Fort Meridian Dispatch");
  EXPECT_EQ(f.link, "https://fortmeridian.example/");
  EXPECT_EQ(f.language, "en-us");
  EXPECT_EQ(f.ttl_minutes, 30);
}

TEST(FeedChannel, SkipHoursAreSortedUniqueAndInRange) {
  auto f = parse("rss20_full.xml", "https://fortmeridian.example/feed.xml");
  EXPECT_EQ(f.skip_hours, (std::vector<int>{6, 12, 23}));  // 6 once; 24 is out of 0-23: ignored
  EXPECT_EQ(f.skip_days, (Strings{"Saturday", "Sunday"}));
}

TEST(FeedChannel, HubAndSelfInEveryFormat) {
  auto rss = parse("rss20_full.xml", "https://fortmeridian.example/feed.xml");  // atom:link in the channel
  EXPECT_EQ(rss.hub + " " + rss.self, "https://hub.fortmeridian.example/ https://fortmeridian.example/feed.xml");
  auto atom = parse("atom10.xml", "https://ridgeline.example/atom.xml");
  EXPECT_EQ(atom.hub + " " + atom.self, "https://hub.ridgeline.example/ https://ridgeline.example/atom.xml");
  auto json = parse("jsonfeed_11.json", "https://signalcorps.example/f");  // hubs[0], feed_url
  EXPECT_EQ(json.hub + " " + json.self, "https://hub.signalcorps.example/ https://signalcorps.example/feed.json");
}

TEST(FeedChannel, NonNumericTtlIsDroppedWithAWarning) {
  auto f = parse("rss_bad_ttl.xml", "https://picket.example/rss");
  EXPECT_FALSE(f.ttl_minutes) << f.ttl_minutes.value_or(-1);
  EXPECT_FALSE(f.warnings.empty());
  EXPECT_EQ(titles(f), Strings{"Sentries rotate at dusk"});
}

TEST(FeedIds, GuidFallsBackToTheLink) {
  auto f = parse("missing_ids.xml", "https://sentinel.example/rss");
  EXPECT_EQ(entry(f, 0).url, "https://sentinel.example/2026/11/29/patrol");
  EXPECT_EQ(entry(f, 0).guid, "https://sentinel.example/2026/11/29/patrol");
}

TEST(FeedIds, EntryWithNeitherLinkNorIdIsDroppedWithAWarning) {
  auto f = parse("missing_ids.xml", "https://sentinel.example/rss");
  EXPECT_EQ(titles(f), (Strings{"Patrol report", "Permalink guid", "Opaque guid", "URL-shaped guid that is not a permalink"}));
  EXPECT_EQ(count_warnings(f, "dropped"), 1) << all_warnings(f);
}

TEST(FeedIds, JsonFeedItemWithNeitherIdNorUrlIsDropped) {
  auto f = parse("jsonfeed_10.json", "https://quartermaster.example/feed.json");
  EXPECT_EQ(titles(f), (Strings{"Field rations get a winter menu", "Elsewhere reviews the new boots"}));
  EXPECT_EQ(count_warnings(f, "dropped"), 1) << all_warnings(f);
}

TEST(FeedIds, PermalinkGuidIsTheUrl) {
  auto f = parse("missing_ids.xml", "https://sentinel.example/rss");
  EXPECT_EQ(entry(f, 1).guid, "https://sentinel.example/2026/11/29/radar");
  EXPECT_EQ(entry(f, 1).url, "https://sentinel.example/2026/11/29/radar");
}

TEST(FeedIds, GuidMarkedNotPermalinkIsNeverTheUrl) {
  auto f = parse("missing_ids.xml", "https://sentinel.example/rss");
  EXPECT_EQ(entry(f, 2).guid, "sentinel-0042");
  EXPECT_EQ(entry(f, 2).url, "");
  EXPECT_EQ(entry(f, 3).guid, "https://sentinel.example/p?id=9");
  EXPECT_EQ(entry(f, 3).url, "");
}

TEST(FeedIds, LaterDuplicateGuidsAreDroppedWithAWarning) {
  auto f = parse("duplicate_guids.xml", "https://briefing.example/rss");
  EXPECT_EQ(titles(f), (Strings{"First version", "Second story", "No guid"}));
  EXPECT_EQ(entry(f, 0).url, "https://briefing.example/s/1");
  EXPECT_EQ(count_warnings(f, "duplicate"), 2) << all_warnings(f);
}

TEST(FeedLinks, RelativeLinksResolveAgainstTheFeedUrl) {
  auto f = parse("rss_relative_links.xml", "https://outpost.example/feeds/main.xml");
  EXPECT_EQ(f.link, "https://outpost.example/");
  ASSERT_EQ(f.entries.size(), 3u);
  EXPECT_EQ(f.entries[0].url, "https://outpost.example/2026/11/drone-squadron.html");
  EXPECT_EQ(f.entries[0].guid, "https://outpost.example/2026/11/drone-squadron.html");
  EXPECT_EQ(f.entries[0].image, "https://cdn.outpost.example/img/drone.jpg");
  EXPECT_EQ(f.entries[1].url, "https://outpost.example/feeds/briefs/b1.html");
  EXPECT_EQ(encl(f.entries[1], "https://outpost.example/feeds/audio/brief-1.mp3"), "audio/mpeg 3000");
  EXPECT_EQ(f.entries[2].url, "https://outpost.example/archive/old-fort.html");
}

TEST(FeedLinks, RssXmlBaseWinsOverTheFeedUrl) {
  auto f = parse("rss_xml_base.xml", "https://feeds.garrison.example/rss");
  EXPECT_EQ(f.link, "https://garrison.example/");
  EXPECT_EQ(entry(f, 0).url, "https://garrison.example/reports/brief-7.html");
  EXPECT_EQ(entry(f, 1).url, "https://other.example/story.html");
}

TEST(FeedLinks, AtomNestedXmlBaseResolves) {
  auto f = parse("atom_xhtml.xml", "https://feeds.harbor.example/atom");
  EXPECT_EQ(f.link, "https://harbor.example/news/");
  EXPECT_EQ(entry(f, 0).url, "https://harbor.example/news/2026/frigate.html");  // entry xml:base="2026/"
  EXPECT_EQ(entry(f, 1).url, "https://harbor.example/about/dry-dock.html");
}

TEST(FeedLinks, AtomUsesTheAlternateLinkNotRelated) {
  auto f = parse("atom10.xml", "https://ridgeline.example/atom.xml");
  EXPECT_EQ(entry(f, 0).url, "https://ridgeline.example/2026/howitzer-trials");
  EXPECT_EQ(entry(f, 1).url, "https://ridgeline.example/2026/bridging");  // link without rel
}

TEST(FeedText, FeedTitleIsPlainText) {
  EXPECT_EQ(parse("html_titles.xml", "https://armoryledger.example/rss").title, "The Armory Ledger");
  EXPECT_EQ(parse("atom_xhtml.xml", "https://harbor.example/atom").title, "Harbor Watch");
}

TEST(FeedText, TitleTagsAreStrippedAndWhitespaceCollapsed) {
  auto f = parse("html_titles.xml", "https://armoryledger.example/rss");
  ASSERT_EQ(f.entries.size(), 6u);
  EXPECT_EQ(f.entries[0].title, "Breaking: Tank columns cross the river");
  EXPECT_EQ(f.entries[4].title, "Sappers rebuild bridge");
  EXPECT_EQ(f.entries[5].title, "Convoy reaches base");
}

TEST(FeedText, EscapedAndDoubleEscapedMarkupInTitlesIsStripped) {
  auto f = parse("html_titles.xml", "https://armoryledger.example/rss");
  EXPECT_EQ(entry(f, 1).title, "Analysis | Budget & procurement");
  EXPECT_EQ(entry(f, 2).title, "Exclusive Radar upgrade");
}

TEST(FeedFormat, AtomWithoutItsNamespaceIsReadAsAtom) {
  auto f = parse("atom_no_namespace.xml", "https://signalhill.example/atom.xml");
  EXPECT_EQ(f.format, feed::Format::kAtom);
  EXPECT_EQ(f.title, "Signal Hill Dispatch");
  ASSERT_EQ(f.entries.size(), 2u) << "the entries are read, not dropped";
  const auto& first = entry(f, 0);
  EXPECT_EQ(first.title, "Relay station reopens");
  EXPECT_EQ(first.url, "https://signalhill.example/a/relay");
  EXPECT_EQ(first.guid, "tag:signalhill.example,2026:relay");
  EXPECT_EQ(first.summary, "The station on the ridge is back on the air.");
  EXPECT_EQ(first.authors, Strings{"Noor Haddad"});
  EXPECT_TRUE(first.updated.has_value());
  const auto& second = entry(f, 1);
  EXPECT_EQ(second.url, "https://signalhill.example/a/antenna");
  EXPECT_EQ(second.authors, Strings{"Dispatch Desk"}) << "the feed's author";
  EXPECT_EQ(second.categories, Strings{"engineering"});
  EXPECT_TRUE(second.published.has_value());
}

TEST(FeedFormat, Atom03IsReadWithItsDatesModesAndLanguage) {
  auto f = parse("atom03.xml", "https://oldbarracks.example/atom.xml");
  EXPECT_EQ(f.format, feed::Format::kAtom);
  EXPECT_EQ(f.title, "Old Barracks <Weblog>") << "escaped HTML whose <Weblog> is no tag";
  EXPECT_EQ(f.link, "https://oldbarracks.example/");
  EXPECT_EQ(f.language, "en-GB") << "xml:lang written with an underscore";
  ASSERT_EQ(f.entries.size(), 2u);
  const auto& roof = entry(f, 0);
  EXPECT_EQ(roof.title, "Drill hall roof repaired");
  EXPECT_EQ(roof.url, "https://oldbarracks.example/2026/03/roof");
  EXPECT_EQ(roof.guid, "tag:oldbarracks.example,2026:roof");
  EXPECT_EQ(iso(roof.published), "2026-03-01T17:30:00Z") << "issued, not created";
  EXPECT_EQ(roof.published_offset, std::optional<int>(60));
  EXPECT_EQ(iso(roof.updated), "2026-03-02T08:15:00Z") << "modified";
  EXPECT_EQ(roof.authors, Strings{"Hal Brenner"});
  EXPECT_EQ(roof.categories, Strings{"buildings"}) << "dc:subject";
  EXPECT_EQ(roof.summary, "The slate roof of the drill hall is whole again.");
  EXPECT_EQ(roof.content, "<p>The <b>slate</b> roof is whole again.</p>") << "mode=\"escaped\"";
  const auto& armoury = entry(f, 1);
  EXPECT_EQ(armoury.title, "Armoury reopens") << "a base64 title, plain text of its HTML";
  EXPECT_EQ(iso(armoury.published), "2026-03-03T07:00:00Z") << "created stands in for issued";
  EXPECT_EQ(armoury.authors, Strings{"Curator's Desk"}) << "the feed's author";
  EXPECT_EQ(armoury.summary, "<p>The armoury reopens on Saturday.</p>") << "base64 across lines";
  EXPECT_EQ(armoury.content, "<p>The armoury <em>reopens</em> on Saturday.</p>") << "the markup content over the text one";
}

TEST(FeedText, AtomTextConstructsAreReadByTheirType) {
  auto f = parse("atom_text_constructs.xml", "https://sonarwatch.example/atom.xml");
  // xhtml: its markup stripped, what it escaped kept as text.
  EXPECT_EQ(f.title, "The <towed-array> review: sonar desk");
  ASSERT_EQ(f.entries.size(), 3u);
  const auto& vector = entry(f, 0);
  EXPECT_EQ(vector.title, "Why std::vector<int> beats a <list> here") << "type=\"text\" is text, angle brackets and all";
  EXPECT_EQ(vector.summary, "Plain text: 5 < 7 & so on");
  EXPECT_EQ(iso(vector.updated), "2026-04-10T08:00:00Z") << "a repeated <updated>: the last one stands";
  const auto& trials = entry(f, 1);
  EXPECT_EQ(trials.title, "Trials of the <towed> array") << "type=\"html\": tags stripped, escaped text kept";
  EXPECT_EQ(trials.summary, "<p>Sonar trials <i>begin</i></p>") << "a binary MIME type is base64";
  EXPECT_EQ(trials.content, "") << "base64 that does not decode is dropped, not shown";
  EXPECT_EQ(entry(f, 2).title, "Type left empty");
}

TEST(FeedText, TitleMarkupLeavesTheRightPlainText) {
  auto f = parse("title_markup_kinds.xml", "https://compilerkeel.example/rss");
  ASSERT_EQ(f.entries.size(), 6u);
  EXPECT_EQ(entry(f, 0).title, "Porting std::vector<int> code to the fire-control computer");
  EXPECT_EQ(entry(f, 1).title, "Mascot retires") << "a quoted '>' in an attribute ends no tag";
  EXPECT_EQ(entry(f, 2).title, "Range test passes") << "script and style contents are not words";
  EXPECT_EQ(entry(f, 3).title, "Budget approved") << "comments, closed or not";
  EXPECT_EQ(entry(f, 4).title, "Range 5 < 7 km & <3 the crew");
  EXPECT_EQ(entry(f, 5).title, "Twice escaped but <unknown> kept");
}

TEST(FeedElements, DublinCoreXhtmlBodyAndFullitemAreRead) {
  auto f = parse("rss_dc_and_body.xml", "https://lighthouses.example/rss");
  EXPECT_EQ(f.title, "Lighthouse Service Bulletin") << "the channel's dc:title";
  ASSERT_EQ(f.entries.size(), 3u);
  const auto& beacon = entry(f, 0);
  EXPECT_EQ(beacon.title, "Beacon at Skerry Point relit");
  EXPECT_EQ(beacon.summary, "The beacon burns again after the storm.");
  EXPECT_EQ(beacon.content, "<p>The beacon <b>burns</b> again.</p>") << "xhtml:body";
  EXPECT_EQ(iso(beacon.published), "2026-05-01T06:00:00Z") << "dcterms:issued";
  EXPECT_EQ(iso(beacon.updated), "2026-05-02T07:30:00Z") << "dcterms:modified";
  const auto& cottage = entry(f, 1);
  EXPECT_EQ(cottage.title, "Keeper's cottage let") << "RSS's title over dc:title";
  EXPECT_EQ(cottage.summary, "RSS's own description wins.");
  EXPECT_EQ(cottage.content, "<p>The cottage is let to the <em>sailing club</em>.</p>") << "<body>";
  const auto& fog = entry(f, 2);
  EXPECT_EQ(fog.content, "<p>The fog signal sounded for an hour.</p>") << "<fullitem>";
  EXPECT_EQ(iso(fog.published), "2026-05-03T10:00:00Z") << "dcterms:created";
}

TEST(FeedFormat, RssWithoutAChannelHasItsItemsRead) {
  auto f = parse("rss_no_channel.xml", "https://quay.example/rss");
  EXPECT_EQ(f.format, feed::Format::kRss);
  EXPECT_EQ(f.title, "Quay Notices");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(entry(f, 0).url, "https://quay.example/n/berth4");
  EXPECT_EQ(entry(f, 0).summary, "Until Friday.");
}

TEST(FeedLinks, RelativeLinksInSummaryAndContentAreResolved) {
  auto f = parse("relative_links.xml", "https://harbourworks.example/feeds/gazette.xml");
  ASSERT_EQ(f.entries.size(), 2u);
  const auto& crane = entry(f, 0);
  EXPECT_EQ(crane.summary,
            "<p>See <a href=\"https://harbourworks.example/news/crane#photos\">the photos</a> and "
            "<img src='https://harbourworks.example/feeds/img/crane.jpg' alt=\"crane\">; "
            "<a href=https://harbourworks.example/about>about us</a>.</p>")
      << "double, single and no quotes; against the document's URL";
  const std::string& c = crane.content;
  EXPECT_NE(c.find("href=\"https://elsewhere.example/x\""), std::string::npos) << c;
  EXPECT_NE(c.find("href=\"#top\""), std::string::npos) << "a fragment stays in the page: " << c;
  EXPECT_NE(c.find("href=\"mailto:desk@harbourworks.example\""), std::string::npos) << c;
  EXPECT_NE(c.find("src=\"data:image/gif;base64,R0lGOD\""), std::string::npos) << c;
  EXPECT_NE(c.find("cite=\"https://harbourworks.example/sources/port-authority\""), std::string::npos) << c;
  EXPECT_NE(c.find("poster=\"https://harbourworks.example/v/crane.jpg\" src=\"https://harbourworks.example/v/crane.mp4\""),
            std::string::npos) << c;
  EXPECT_NE(c.find("title=\"href=/not/a/link\" href=\"https://harbourworks.example/real\""), std::string::npos)
      << "an attribute value that reads like one is not one: " << c;
  EXPECT_EQ(entry(f, 1).summary,
            "<a href=\"https://cdn.harbourworks.example/archive/2026/dredging.html\">Read</a> "
            "<img src=\"https://cdn.harbourworks.example/pics/dredger.jpg\">")
      << "against the item's xml:base";
}

TEST(FeedSafety, InternalDtdEntitiesAreExpandedExternalOnesNever) {
  auto f = parse("dtd_internal_entities.xml", "https://fortnotes.example/rss");
  EXPECT_EQ(f.link, "https://fortnotes.example/");
  ASSERT_EQ(f.entries.size(), 2u);
  const auto& parade = entry(f, 0);
  EXPECT_EQ(parade.title, "Parade of the 3rd & 4th Signal Companies of the North Fort garrison")
      << "nested, and declared after their user";
  EXPECT_EQ(parade.guid, "tag:fortnotes.example,2026:parade");
  EXPECT_EQ(parade.url, "https://fortnotes.example/n/parade");
  EXPECT_EQ(parade.summary, "CDATA keeps &site; as written");
  EXPECT_EQ(entry(f, 1).title, "Leaks nothing: [&secret;]") << "an external entity is never read";
  EXPECT_EQ(count_warnings(f, "'secret' is external"), 1) << all_warnings(f);
}

TEST(FeedEncoding, Cp1252BytesInADocumentDeclaredLatin1AreWindows1252) {
  auto f = parse("latin1_declared_cp1252_bytes.xml", "https://gazette-regiment.example/rss");
  EXPECT_EQ(f.title, "Gazette du Régiment");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(entry(f, 0).title, "“Don’t retreat” – the colonel… for 100€");
  // The bytes Windows-1252 leaves undefined are their C1 code points, as in browsers.
  EXPECT_EQ(entry(f, 0).summary, "Bytes Windows-1252 leaves undefined: [\u0081][\u008d]");
}

TEST(FeedAuthors, AnRssAuthorWrittenWithAnAddressIsTheName) {
  auto f = parse("rss_author_forms.xml", "https://quartermaster.example/rss");
  ASSERT_EQ(f.entries.size(), 5u);
  EXPECT_EQ(entry(f, 0).authors, Strings{"Mara Voss"});   // email (Name)
  EXPECT_EQ(entry(f, 1).authors, Strings{"Ivo Stern"});   // Name (email)
  EXPECT_EQ(entry(f, 2).authors, Strings{"Lena Park"});   // Name <email>
  EXPECT_EQ(entry(f, 3).authors, Strings{"night.desk@quartermaster.example"}) << "only an address: the address";
  // No address: the whole text; dc:author read as author is.
  EXPECT_EQ(entry(f, 4).authors, (Strings{"Jo Ruiz (Reuters)", "Sam Lee"}));
}

TEST(FeedText, EveryNamedReferenceOfHtmlInTitlesIsDecoded) {
  auto f = parse("html_named_entities.xml", "https://courrier-arsenal.example/rss");
  EXPECT_EQ(f.title, "Le Courrier de l’Arsenal");
  ASSERT_EQ(f.entries.size(), 3u);
  // (A title's spaces, the no-break ones too, are one plain space each.)
  EXPECT_EQ(entry(f, 0).title, "Le ministère de la Défense à Toulon : frégates livrées");
  EXPECT_EQ(entry(f, 1).title, "Straßenbau für die Kaserne: 5 Mio. € – Ärger im Landtag");
  // Names of two code points; an unknown name, or one without its semicolon, stays as written.
  EXPECT_EQ(entry(f, 2).title, "Budget § 12 ≠ ≂̸ &unknownname; &eacute without a semicolon");
}

TEST(FeedText, EntitiesInTitlesAreDecoded) {
  auto f = parse("html_titles.xml", "https://armoryledger.example/rss");
  EXPECT_EQ(entry(f, 3).title, "General’s memo — \"Iron Dome\" test");
  auto j = parse("jsonfeed_11.json", "https://signalcorps.example/feed.json");
  EXPECT_EQ(entry(j, 0).title, "Mesh radios & satellite links pass field test");
}

TEST(FeedText, SummaryKeepsItsMarkupTrimmed) {
  auto f = parse("html_titles.xml", "https://armoryledger.example/rss");
  EXPECT_EQ(entry(f, 0).summary, "<p>Kept <b>as is</b></p>");
  EXPECT_EQ(entry(f, 1).summary, "<p>Escaped <i>markup</i></p>");
}

TEST(FeedText, AtomXhtmlContentIsTheInnerMarkupOfTheDiv) {
  auto f = parse("atom_xhtml.xml", "https://harbor.example/atom");
  const auto& c = entry(f, 0).content;
  EXPECT_NE(c.find("frigate</em>"), std::string::npos) << c;
  EXPECT_NE(c.find("41 days</strong>"), std::string::npos) << c;
  EXPECT_EQ(c.find("<div"), std::string::npos) << c;
  EXPECT_EQ(entry(f, 1).summary, "The dock was closed for repairs.");
}

TEST(FeedAuthors, RssCreatorsAndAuthor) {
  auto f = parse("rss20_full.xml", "https://fortmeridian.example/feed.xml");
  EXPECT_EQ(entry(f, 0).authors, (Strings{"Ana Ruiz", "Tom Bell"}));
  EXPECT_EQ(entry(f, 1).authors, Strings{"Mara Quinn"});
}

TEST(FeedAuthors, AtomEntryWithoutAuthorTakesTheFeedAuthor) {
  auto a = parse("atom10.xml", "https://ridgeline.example/atom.xml");
  EXPECT_EQ(entry(a, 1).authors, Strings{"Ridgeline Staff"});
  auto x = parse("atom_xhtml.xml", "https://harbor.example/atom");
  EXPECT_EQ(entry(x, 0).authors, Strings{"Harbor Watch Desk"});
  EXPECT_EQ(entry(x, 1).authors, Strings{"Noor Haddad"});  // its own, not the feed's
}

TEST(FeedCategories, RssCategoryAndDcSubject) {
  auto f = parse("rss20_full.xml", "https://fortmeridian.example/feed.xml");
  EXPECT_EQ(entry(f, 0).categories, (Strings{"Navy", "Strait patrol", "Maritime security"}));
}

TEST(FeedCategories, AtomTermsAndJsonTags) {
  auto a = parse("atom10.xml", "https://ridgeline.example/atom.xml");
  EXPECT_EQ(entry(a, 0).categories, (Strings{"Artillery", "Trials"}));
  auto j = parse("jsonfeed_10.json", "https://quartermaster.example/feed.json");
  EXPECT_EQ(entry(j, 0).categories, (Strings{"logistics", "winter"}));
}

// rss_dates.xml: one item per way of writing a date, in the order below.
TEST(FeedDates, UtcZoneNamesAndNoZoneAreUtc) {
  auto f = parse("rss_dates.xml", "https://timekeeper.example/rss");
  ASSERT_EQ(f.entries.size(), 9u);
  EXPECT_EQ(when(f.entries[0]), "2026-11-29T14:05:00Z +0");  // GMT
  EXPECT_EQ(when(f.entries[3]), "2026-11-29T14:05:00Z +0");  // full month name, GMT
  EXPECT_EQ(when(f.entries[4]), "2026-11-29T14:05:00Z +0");  // dc:date ...Z
  EXPECT_EQ(when(f.entries[6]), "2026-11-29T14:05:00Z +0");  // "2026-11-29 14:05:00", no zone
}

TEST(FeedDates, KeepTheOffsetTheFeedWrote) {
  auto f = parse("rss_dates.xml", "https://timekeeper.example/rss");
  EXPECT_EQ(when(entry(f, 1)), "2026-11-29T13:05:00Z +60");   // no weekday, +0100
  EXPECT_EQ(when(entry(f, 5)), "2026-11-29T12:05:00Z +120");  // .123+02:00
}

TEST(FeedDates, UsZoneNamesAreOffsets) {
  auto f = parse("rss_dates.xml", "https://timekeeper.example/rss");
  EXPECT_EQ(when(entry(f, 2)), "2026-11-29T19:05:00Z -300");  // 14:05 EST, no seconds
  EXPECT_EQ(when(entry(f, 8)), "2026-11-29T14:05:00Z -240");  // 10:05:00 EDT
}

TEST(FeedDates, UnreadableDateKeepsTheEntryAndWarnsWithTheText) {
  auto f = parse("rss_dates.xml", "https://timekeeper.example/rss");
  EXPECT_EQ(entry(f, 7).title, "Unreadable date");
  EXPECT_FALSE(entry(f, 7).published);
  EXPECT_EQ(count_warnings(f, "Tomorrow at noon"), 1) << all_warnings(f);
}

TEST(FeedDates, AtomPublishedAndUpdatedKeepTheirOffsets) {
  auto f = parse("atom10.xml", "https://ridgeline.example/atom.xml");
  EXPECT_EQ(when(entry(f, 0)), "2026-11-29T14:05:00Z -300");
  EXPECT_EQ(iso(entry(f, 0).updated), "2026-11-29T15:00:00Z");
  EXPECT_EQ(entry(f, 0).updated_offset, -300);
}

TEST(FeedDates, PublishedFallsBackToUpdated) {
  auto a = parse("atom10.xml", "https://ridgeline.example/atom.xml");
  EXPECT_EQ(iso(entry(a, 1).updated), "2026-11-28T08:00:00Z");
  EXPECT_EQ(iso(entry(a, 1).published), "2026-11-28T08:00:00Z");
  auto j = parse("jsonfeed_10.json", "https://quartermaster.example/feed.json");
  EXPECT_EQ(iso(entry(j, 1).published), "2026-11-28T09:00:00Z");  // date_modified only
}

TEST(FeedDates, JsonFeedDatesAndOffsets) {
  auto j10 = parse("jsonfeed_10.json", "https://quartermaster.example/feed.json");
  EXPECT_EQ(when(entry(j10, 0)), "2026-11-29T13:05:00Z +60");
  auto j11 = parse("jsonfeed_11.json", "https://signalcorps.example/feed.json");
  EXPECT_EQ(when(entry(j11, 0)), "2026-11-29T13:00:00Z -300");
  EXPECT_EQ(iso(entry(j11, 0).updated), "2026-11-29T10:30:00Z");
  EXPECT_EQ(iso(entry(j11, 1).published), "2026-11-27T12:00:00Z");
}

TEST(FeedMedia, ImageFromEachKindOfMediaElement) {
  auto f = parse("rss_media.xml", "https://lens.example/rss");
  ASSERT_EQ(f.entries.size(), 5u);
  EXPECT_EQ(f.entries[0].image, "https://lens.example/img/1.jpg");        // media:content medium=image
  EXPECT_EQ(f.entries[1].image, "https://lens.example/img/2-thumb.jpg");  // media:thumbnail
  EXPECT_EQ(f.entries[2].image, "https://lens.example/img/3.png");        // image enclosure
  EXPECT_EQ(f.entries[3].image, "");                                      // a video is no image
  EXPECT_EQ(f.entries[4].image, "https://lens.example/img/5.webp");       // media:content image/* type
}

TEST(FeedMedia, MediaContentWithAUrlIsAnEnclosure) {
  auto f = parse("rss_media.xml", "https://lens.example/rss");
  EXPECT_EQ(encl(entry(f, 3), "https://lens.example/video/4.mp4"), "video/mp4 -");
  EXPECT_EQ(encl(entry(f, 2), "https://lens.example/img/3.png"), "image/png 4096");
}

TEST(FeedMedia, RssEnclosuresKeepTypeAndLength) {
  auto f = parse("rss20_full.xml", "https://fortmeridian.example/feed.xml");
  EXPECT_EQ(entry(f, 0).enclosures.size(), 3u);  // two <enclosure> and one media:content
  EXPECT_EQ(encl(entry(f, 0), "https://fortmeridian.example/audio/valiant.mp3"), "audio/mpeg 123456");
  EXPECT_EQ(encl(entry(f, 0), "https://fortmeridian.example/docs/valiant-brief.pdf"), "application/pdf -");
  EXPECT_NE(encl(entry(f, 0), "https://fortmeridian.example/img/valiant.jpg"), "absent");
  EXPECT_EQ(encl(entry(f, 1), "https://fortmeridian.example/video/radar.mp4"), "video/mp4 -");  // length="unknown"
  auto old = parse("rss092.xml", "http://signalhill.example/rss");
  EXPECT_EQ(encl(entry(old, 0), "http://signalhill.example/media/ep41.mp3"), "audio/mpeg 20480000");
}

TEST(FeedMedia, AtomEnclosureLinksAndImage) {
  auto f = parse("atom10.xml", "https://ridgeline.example/atom.xml");
  const auto& e = entry(f, 0);
  EXPECT_EQ(e.enclosures.size(), 2u);
  EXPECT_EQ(encl(e, "https://ridgeline.example/audio/howitzer.mp3"), "audio/mpeg 5000");
  EXPECT_EQ(encl(e, "https://ridgeline.example/img/howitzer.jpg"), "image/jpeg -");
  EXPECT_EQ(e.image, "https://ridgeline.example/img/howitzer.jpg");
}

TEST(FeedMedia, JsonFeedAttachmentsAndImages) {
  auto j11 = parse("jsonfeed_11.json", "https://signalcorps.example/feed.json");
  const auto& e = entry(j11, 0);
  EXPECT_EQ(e.image, "https://signalcorps.example/img/mesh.jpg");
  EXPECT_EQ(e.enclosures.size(), 2u);
  EXPECT_EQ(encl(e, "https://signalcorps.example/audio/mesh.m4a"), "audio/mp4 7340032");
  EXPECT_EQ(encl(e, "https://signalcorps.example/docs/mesh.pdf"), "application/pdf -");
  auto j10 = parse("jsonfeed_10.json", "https://quartermaster.example/feed.json");
  EXPECT_EQ(entry(j10, 0).image, "https://quartermaster.example/img/rations.jpg");       // relative "image"
  EXPECT_EQ(entry(j10, 1).image, "https://quartermaster.example/img/boots-banner.jpg");  // banner_image
  EXPECT_EQ(encl(entry(j10, 0), "https://quartermaster.example/files/menu.pdf"), "application/pdf 48213");
}

TEST(FeedEncoding, DeclaredLatin1BecomesUtf8) {
  auto f = parse("latin1_declared.xml", "https://courrier-defense.example/rss");
  EXPECT_EQ(f.title, "Le Courrier de la Défense");
  EXPECT_EQ(f.language, "fr-FR");
  EXPECT_EQ(titles(f), (Strings{"Défense : la Marine reçoit sa nouvelle frégate à Brest",
                                "« Opération Hiver » : l'armée de Terre déployée"}));
  EXPECT_EQ(entry(f, 0).summary, "L'équipage a embarqué à l'aube ; température : 4 °C.");
}

TEST(FeedEncoding, DeclaredWindows1252BecomesUtf8) {
  auto f = parse("windows1252_declared.xml", "https://frontier.example/rss");
  EXPECT_EQ(titles(f), Strings{"Army’s “Iron Shield” drill — €40m contract for the café supplier"});
}

TEST(FeedEncoding, TheDocumentsDeclarationWinsOverTheHttpCharset) {
  auto f = parse("latin1_declared.xml", "https://courrier-defense.example/rss", "utf-8");
  EXPECT_EQ(entry(f, 0).title, "Défense : la Marine reçoit sa nouvelle frégate à Brest");
}

TEST(FeedEncoding, HttpCharsetDecodesAnUndeclaredDocument) {
  auto f = parse("fr_latin1_undeclared.xml", "https://vigie.example/rss", "iso-8859-1");
  EXPECT_EQ(f.title, "La Vigie des Armées");
  EXPECT_EQ(titles(f), (Strings{"Défense : le ministère dévoile la programmation militaire",
                                "Sécurité : les armées renforcent la surveillance côtière",
                                "Économie de guerre : les industriels accélèrent la cadence"}));
}

TEST(FeedEncoding, UndeclaredLatin1IsDetected) {
  auto f = parse("fr_latin1_undeclared.xml", "https://vigie.example/rss");
  ASSERT_EQ(f.entries.size(), 3u);
  EXPECT_TRUE(valid_utf8(f.title)) << f.title;
  for (const auto& e : f.entries) EXPECT_TRUE(valid_utf8(e.title) && valid_utf8(e.summary)) << e.title;
  EXPECT_EQ(f.entries[0].title, "Défense : le ministère dévoile la programmation militaire");
  EXPECT_EQ(f.entries[2].title, "Économie de guerre : les industriels accélèrent la cadence");
  EXPECT_NE(f.entries[1].summary.find("sémaphores de la façade"), std::string::npos) << f.entries[1].summary;
}

TEST(FeedEncoding, Utf8ByteOrderMarkIsAccepted) {
  auto f = parse("utf8_bom.xml", "https://lakeside.example/rss");
  EXPECT_EQ(f.format, feed::Format::kRss);
  EXPECT_EQ(f.title, "Lakeside Observer");
  EXPECT_EQ(titles(f), Strings{"Ceasefire talks resume in Genève"});
}

TEST(FeedRecovery, TruncatedDocumentKeepsTheItemsBeforeTheCut) {
  auto f = parse("truncated.xml", "https://evening.example/rss");
  ASSERT_GE(f.entries.size(), 3u);
  EXPECT_EQ(f.entries[0].title, "Border post reopens");
  EXPECT_EQ(f.entries[1].title, "Helicopter fleet grounded for checks");
  EXPECT_EQ(f.entries[2].title, "Veterans' parade route announced");
  EXPECT_GE(count_warnings(f, "XML"), 1) << all_warnings(f);
}

TEST(FeedRecovery, BareAmpersandKeepsTheItemsBeforeIt) {
  auto f = parse("bare_ampersand.xml", "https://parade.example/rss");
  ASSERT_GE(f.entries.size(), 2u);
  EXPECT_EQ(f.entries[0].title, "Band rehearses for the anniversary");
  EXPECT_EQ(f.entries[1].title, "Guard of honour selected");
  EXPECT_EQ(f.entries[1].url, "https://parade.example/2");
  EXPECT_GE(count_warnings(f, "XML"), 1) << all_warnings(f);
}

TEST(FeedRecovery, UnclosedTagsKeepTheItemsBeforeThem) {
  auto f = parse("unclosed_tags.xml", "https://barracks.example/rss");
  EXPECT_EQ(entry(f, 0).title, "Mess hall renovated");
  EXPECT_EQ(entry(f, 0).summary, "New tables and a coffee machine.");
  EXPECT_GE(count_warnings(f, "XML"), 1) << all_warnings(f);
}

TEST(FeedRecovery, NothingRecoverableIsAnError) {
  auto r = feed::parse_feed(read_fixture("no_root.xml"), "https://x.example/rss");
  EXPECT_FALSE(r) << "parsed " << r->entries.size() << " entries";
}

TEST(FeedErrors, EmptyBodyIsAnError) {
  ASSERT_TRUE(read_fixture("empty.xml").empty());
  EXPECT_FALSE(feed::parse_feed(read_fixture("empty.xml"), "https://x.example/rss"));
}

TEST(FeedErrors, PlainTextIsAnError) {
  EXPECT_FALSE(feed::parse_feed(read_fixture("plain_text.txt"), "https://x.example/rss"));
}

TEST(FeedErrors, XmlThatIsNoFeedIsAnError) {
  EXPECT_FALSE(feed::parse_feed(read_fixture("not_a_feed.xml"), "https://x.example/rss"));
}

TEST(FeedErrors, HtmlPageIsAnErrorNamingTheFeedsItAdvertises) {
  auto r = feed::parse_feed(read_fixture("html_page_with_feeds.html"), "https://bastion.example/news/index.html");
  ASSERT_FALSE(r);
  const auto& m = r.error().message;
  EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_NE(m.find("HTML"), std::string::npos) << m;
  EXPECT_NE(m.find("https://bastion.example/feeds/all.rss"), std::string::npos) << m;
  EXPECT_NE(m.find("https://bastion.example/news/feeds/defence.atom"), std::string::npos) << m;
  EXPECT_EQ(m.find("https://bastion.example/de/"), std::string::npos) << m;  // a language version, no feed
}

TEST(FeedSafety, ExternalEntitiesAreNeverLoaded) {
  auto r = feed::parse_feed(read_fixture("xxe.xml"), "https://listening.example/rss");
  std::string text = r ? r->title : r.error().message;  // refusing the document is fine
  if (r)
    for (const auto& e : r->entries) text += e.title + e.summary + e.content;
  EXPECT_EQ(text.find("root:"), std::string::npos) << text;
}

TEST(FeedSafety, EntityExpansionBombReturnsQuicklyAndSmall) {
  std::string body = read_fixture("billion_laughs.xml");
  ASSERT_NE(body.find("<!ENTITY lol9"), std::string::npos);
  auto start = std::chrono::steady_clock::now();
  auto r = feed::parse_feed(body, "https://laughs.example/rss");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));  // a guard against a runaway expansion only
  if (!r) return;  // refusing the document is fine
  EXPECT_LT(r->title.size(), 10000u);
  for (const auto& e : r->entries) EXPECT_LT(e.title.size(), 10000u);
  EXPECT_EQ(count_warnings(*r, "none is expanded"), 1) << "a bomb is told apart from a feed's shorthand: " << all_warnings(*r);
}

TEST(FeedDiscovery, RelativeHrefsResolveAgainstThePageUrl) {
  auto found = feed::discover_feeds(read_fixture("html_page_with_feeds.html"), "https://bastion.example/news/index.html");
  EXPECT_EQ(flat(found), (Strings{"https://bastion.example/feeds/all.rss | All news | application/rss+xml",
                                  "https://bastion.example/news/feeds/defence.atom | Defence desk | application/atom+xml"}));
}

TEST(FeedDiscovery, BaseHrefTokensCaseQuotesAndDuplicates) {
  // <base href> wins; rel="alternate feed"; single quotes; unquoted; upper case; the repeat is dropped.
  auto found = feed::discover_feeds(read_fixture("discovery_variants.html"), "https://citadel.example/index.html");
  EXPECT_EQ(flat(found), (Strings{"https://www.citadel.example/en/rss/top.xml | Top stories | application/rss+xml",
                                  "https://www.citadel.example/atom/land.xml | Land forces | application/atom+xml",
                                  "https://www.citadel.example/en/feed.json | JSON edition | application/feed+json",
                                  "https://api.citadel.example/v1/feed.json |  | application/json"}));
}

TEST(FeedDiscovery, StylesheetsAndLanguageVersionsAreNotFeeds) {
  const char* html = R"(<html><head><link rel="stylesheet" type="text/css" href="/a.css">
<link rel="alternate" hreflang="es" type="text/html" href="/es/"><link rel="icon" href="/f.ico"></head></html>)";
  EXPECT_TRUE(feed::discover_feeds(html, "https://x.example/").empty());
}

TEST(FeedSniff, LooksLikeHtmlForHtmlPages) {
  EXPECT_TRUE(feed::looks_like_html(read_fixture("html_page_with_feeds.html")));
  EXPECT_TRUE(feed::looks_like_html(read_fixture("discovery_variants.html")));
  EXPECT_TRUE(feed::looks_like_html("\xEF\xBB\xBF\n  <!DOCTYPE html><html><body>x</body></html>"));
  EXPECT_TRUE(feed::looks_like_html("\r\n\t<HTML lang=\"en\"><BODY>x</BODY></HTML>"));
  EXPECT_TRUE(feed::looks_like_html("<html><head></head></html>"));
}

TEST(FeedSniff, DoesNotLookLikeHtmlForFeeds) {
  for (const char* name : {"rss20_full.xml", "rss091.xml", "rdf10.xml", "atom10.xml", "jsonfeed_11.json",
                           "fr_latin1_undeclared.xml", "utf8_bom.xml", "news_sitemap.xml"})
    EXPECT_FALSE(feed::looks_like_html(read_fixture(name))) << name;
}

TEST(FeedJsonl, FeedLineThenOneLinePerEntry) {
  auto f = parse("rss20_full.xml", "https://fortmeridian.example/feed.xml");
  std::string out = feed::feed_to_jsonl(f);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  auto lines = jsonl(out);
  ASSERT_EQ(lines.size(), 3u) << out;
  const auto& h = lines[0].at("feed");
  EXPECT_EQ(h.at("title").get<std::string>(), "Fort Meridian Dispatch");
  EXPECT_EQ(h.at("link").get<std::string>(), "https://fortmeridian.example/");
  EXPECT_EQ(h.at("format").get<std::string>(), "rss");
  EXPECT_EQ(h.at("language").get<std::string>(), "en-us");
  EXPECT_EQ(h.at("ttl").get<int>(), 30);
  EXPECT_EQ(h.at("hub").get<std::string>(), "https://hub.fortmeridian.example/");
  EXPECT_EQ(h.at("self").get<std::string>(), "https://fortmeridian.example/feed.xml");
}

TEST(FeedJsonl, EntryLineHoldsTheEntryWithTheOffsetTheFeedWrote) {
  auto lines = jsonl(feed::feed_to_jsonl(parse("rss20_full.xml", "https://fortmeridian.example/feed.xml")));
  ASSERT_EQ(lines.size(), 3u);
  const auto& e = lines[1];
  EXPECT_EQ(e.at("id").get<std::string>(), "fmd-2026-1101");
  EXPECT_EQ(e.at("url").get<std::string>(), "https://fortmeridian.example/2026/11/29/carrier-strait.html");
  EXPECT_EQ(e.at("title").get<std::string>(), "Carrier group “Valiant” enters the strait");
  EXPECT_EQ(e.at("summary").get<std::string>(), "<p>Three escorts and a \"supply\" ship.</p>");
  EXPECT_EQ(e.at("content").get<std::string>(), "<p>The carrier group <b>Valiant</b> entered the strait at dawn.</p>");
  EXPECT_EQ(e.at("authors").get<Strings>(), (Strings{"Ana Ruiz", "Tom Bell"}));
  EXPECT_EQ(e.at("published").get<std::string>(), "2026-11-29T15:05:00+01:00");
  EXPECT_EQ(e.at("categories").get<Strings>(), (Strings{"Navy", "Strait patrol", "Maritime security"}));
  EXPECT_EQ(e.at("image").get<std::string>(), "https://fortmeridian.example/img/valiant.jpg");
  Strings encs;
  for (const auto& x : e.at("enclosures"))
    encs.push_back(x.at("url").get<std::string>() + " " + x.at("type").get<std::string>() + " " + x.at("length").dump());
  EXPECT_EQ(encs.size(), 3u);
  EXPECT_NE(std::find(encs.begin(), encs.end(), "https://fortmeridian.example/audio/valiant.mp3 audio/mpeg 123456"),
            encs.end());
}

TEST(FeedJsonl, MissingValuesAreNull) {
  auto lines = jsonl(feed::feed_to_jsonl(parse("rss20_full.xml", "https://fortmeridian.example/feed.xml")));
  ASSERT_EQ(lines.size(), 3u);
  const auto& e = lines[2];
  EXPECT_EQ(e.at("id").get<std::string>(), "https://fortmeridian.example/2026/11/28/radar-coverage.html");
  EXPECT_TRUE(e.at("published").is_null()) << e.dump();
  EXPECT_TRUE(e.at("updated").is_null()) << e.dump();
  ASSERT_EQ(e.at("enclosures").size(), 1u);
  EXPECT_TRUE(e.at("enclosures")[0].at("length").is_null()) << e.dump();
  auto bad = jsonl(feed::feed_to_jsonl(parse("rss_bad_ttl.xml", "https://picket.example/rss")));
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_TRUE(bad[0].at("feed").at("ttl").is_null()) << bad[0].dump();
}
