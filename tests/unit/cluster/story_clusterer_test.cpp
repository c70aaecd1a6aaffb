#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>

#include "cluster/story_clusterer.hpp"
#include "core/time.hpp"

using namespace newsdesk;
using cluster::ClusterInput;

namespace {

core::TimePoint at(const char* iso) { return *core::parse_rfc3339(iso); }

const std::string kWire =
    "The Navy on Tuesday awarded a $4.2 billion contract to Corran Marine Systems to build six Guardian-class "
    "frigates at its shipyard in Port Alder, the Pentagon said in a statement.\n"
    "The fixed-price award covers detailed design and construction of the first six ships, with options for four "
    "more, and is the largest shipbuilding contract the yard has won in two decades.\n"
    "Corran beat Tidewell Shipbuilding after a two-year competition. Tidewell has ten days to file a protest with "
    "the Government Accountability Office, and a company spokesman said it was reviewing the decision.\n"
    "The first frigate is due to be delivered in 2031 and will be based at Kessel Bay, officials said.";

ClusterInput article(core::Id id, core::Id source, const char* time, std::string title, std::string text) {
  return ClusterInput{id, source, at(time), std::move(title), std::move(text), "en"};
}

}  // namespace

TEST(StoryClusterer, WireCopyWithANewHeadlineAndTrimmedTailIsACopy) {
  cluster::StoryClusterer c(core::ClusterConfig{});
  auto first = c.add(article(1, 1, "2026-11-29T09:00:00Z", "Navy awards frigate contract to Corran", kWire));
  std::string trimmed = kWire.substr(0, kWire.rfind('\n'));
  auto copy = c.add(article(2, 2, "2026-11-29T09:30:00Z", "Port Alder yard wins $4.2B frigate deal",
                            "From our wire service.\n" + trimmed));
  EXPECT_TRUE(first.new_story);
  EXPECT_FALSE(copy.new_story);
  EXPECT_EQ(copy.story_id, first.story_id);
  ASSERT_TRUE(copy.copy_of);
  EXPECT_EQ(*copy.copy_of, 1);
}

TEST(StoryClusterer, IndependentReportOfTheSameEventJoinsWithoutBeingACopy) {
  cluster::StoryClusterer c(core::ClusterConfig{});
  auto first = c.add(article(1, 1, "2026-11-29T09:00:00Z", "Navy awards frigate contract to Corran", kWire));
  auto other = c.add(article(2, 3, "2026-11-29T12:00:00Z", "Corran Marine wins Guardian frigate award",
                             "Corran Marine Systems will build six Guardian-class frigates for the Navy under a "
                             "$4.2 billion contract announced by the Pentagon, ending a two-year competition with "
                             "Tidewell Shipbuilding.\nThe Port Alder shipyard expects to hire 1,500 workers. The "
                             "first ship is to be based at Kessel Bay from 2031."));
  EXPECT_EQ(other.story_id, first.story_id);
  EXPECT_FALSE(other.copy_of);
}

TEST(StoryClusterer, UnrelatedEventsStayApart) {
  cluster::StoryClusterer c(core::ClusterConfig{});
  auto a = c.add(article(1, 1, "2026-11-29T09:00:00Z", "Navy awards frigate contract to Corran", kWire));
  auto b = c.add(article(2, 2, "2026-11-29T10:00:00Z", "Mariners win the national cup in extra time",
                         "The Kessel Bay Mariners won the national cup final 3-2 after extra time on Sunday, with a "
                         "late header from Declan Hurst settling a tense match in front of 40,000 fans.\nIt is the "
                         "club's first cup in 27 years."));
  auto s = c.add(article(3, 3, "2026-11-29T11:00:00Z", "Central bank raises rates to 4.75%",
                         "The central bank raised its main interest rate by a quarter point to 4.75% and said "
                         "inflation was still too high, sending the currency lower."));
  EXPECT_NE(a.story_id, b.story_id);
  EXPECT_NE(b.story_id, s.story_id);
  EXPECT_NE(a.story_id, s.story_id);
  EXPECT_EQ(c.live_stories(), 3u);
}

TEST(StoryClusterer, ArticlesOutsideTheWindowStartNewStories) {
  core::ClusterConfig config;
  config.window_days = 2;
  cluster::StoryClusterer c(config);
  auto a = c.add(article(1, 1, "2026-11-01T09:00:00Z", "Navy awards frigate contract to Corran", kWire));
  auto b = c.add(article(2, 2, "2026-11-20T09:00:00Z", "Navy awards frigate contract to Corran", kWire + "\nMore."));
  EXPECT_NE(a.story_id, b.story_id);
  EXPECT_FALSE(c.story(a.story_id)) << "the idle story should be closed";
}

TEST(StoryClusterer, SameStreamGivesSameStoriesWhateverTheArticleIds) {
  std::vector<std::pair<std::string, std::string>> docs = {
      {"Navy awards frigate contract to Corran", kWire},
      {"Mariners win the cup", "The Kessel Bay Mariners won the national cup final 3-2 after extra time."},
      {"Corran wins frigates", "Corran Marine Systems will build six Guardian-class frigates for the Navy at Port Alder."},
      {"Cup joy in Kessel Bay", "Fans of the Kessel Bay Mariners celebrated the cup final win after extra time."}};
  auto run = [&](core::Id id_base) {
    cluster::StoryClusterer c(core::ClusterConfig{});
    std::vector<core::Id> stories;
    for (size_t i = 0; i < docs.size(); ++i) {
      stories.push_back(c.add(article(id_base + static_cast<core::Id>(i) * 7, 1, "2026-11-29T09:00:00Z",
                                      docs[i].first, docs[i].second)).story_id);
    }
    return stories;
  };
  EXPECT_EQ(run(1), run(1));
  EXPECT_EQ(run(1), run(1000));
}

TEST(StoryClusterer, EmptyTextAndMissingTimeAreHandled) {
  cluster::StoryClusterer c(core::ClusterConfig{});
  auto a = c.add(ClusterInput{1, 1, std::nullopt, "", "", ""});
  auto b = c.add(ClusterInput{2, 1, std::nullopt, "Headline only about the Navy frigates", "", "en"});
  EXPECT_TRUE(a.new_story);
  EXPECT_GT(b.story_id, 0);
}

TEST(StoryClusterer, ReplayedStoriesCanBeJoined) {
  cluster::StoryClusterer c(core::ClusterConfig{}, 1);
  c.add_known(article(10, 1, "2026-11-29T09:00:00Z", "Navy awards frigate contract to Corran", kWire), 42, std::nullopt);
  auto next = c.add(article(11, 2, "2026-11-29T10:00:00Z", "Frigate award for Corran", kWire));
  EXPECT_EQ(next.story_id, 42);
  auto fresh = c.add(article(12, 2, "2026-11-29T10:00:00Z", "Cup final", "The Mariners won the cup final in extra time."));
  EXPECT_EQ(fresh.story_id, 43) << "new ids continue after the replayed ones";
}

TEST(StoryClusterer, HeadlinesAloneJoinWhenTheyShareTheStory) {
  cluster::StoryClusterer c(core::ClusterConfig{});
  auto a = c.add(ClusterInput{1, 1, at("2026-11-29T09:00:00Z"), "Navy awards Corran $4.2 billion frigate contract", "", "en"});
  auto b = c.add(ClusterInput{2, 2, at("2026-11-29T09:10:00Z"), "Corran wins Navy frigate contract worth $4.2 billion", "", "en"});
  auto x = c.add(ClusterInput{3, 3, at("2026-11-29T09:20:00Z"), "Mariners win national cup final in extra time", "", "en"});
  EXPECT_EQ(a.story_id, b.story_id);
  EXPECT_NE(a.story_id, x.story_id);
}

TEST(StoryClusterer, StoriesThatConvergeAreMergedIntoTheOlder) {
  core::ClusterConfig config;
  config.threshold = 0.45;       // strict joining: the first two reports start apart
  config.merge_threshold = 0.2;  // and a bridging report brings them together
  cluster::StoryClusterer c(config);
  auto first = c.add(article(1, 1, "2026-11-29T08:00:00Z", "Drones shot down over Kessel Bay naval port",
                             "Air defenses at the naval port of Kessel Bay shot down a swarm of drones overnight, "
                             "the Navy said, and a warehouse was damaged."));
  auto second = c.add(article(2, 2, "2026-11-29T09:00:00Z", "Freighter seized after attack on US naval base",
                              "Investigators seized a cargo freighter suspected of launching the drones that attacked "
                              "the naval station, officials said."));
  ASSERT_NE(first.story_id, second.story_id);
  auto bridge = c.add(article(3, 3, "2026-11-29T10:00:00Z", "Drones that hit Kessel Bay naval port came from freighter",
                              "The swarm of drones shot down over the naval port of Kessel Bay was launched from a "
                              "cargo freighter, investigators said after the ship was seized, and a warehouse was damaged."));
  ASSERT_FALSE(bridge.merged.empty());
  EXPECT_EQ(bridge.story_id, first.story_id) << "the older story survives";
  EXPECT_EQ(bridge.merged.front().second, first.story_id);
  EXPECT_EQ(c.live_stories(), 1u);
}

TEST(StoryClusterer, AnAbsurdDateDoesNotCloseTheLiveStories) {
  cluster::StoryClusterer c(core::ClusterConfig{});
  auto a = c.add(article(1, 1, "2026-11-29T09:00:00Z", "Navy awards frigate contract to Corran", kWire));
  auto odd = c.add(article(2, 2, "2099-01-01T00:00:00Z", "Cup final", "The Mariners won the national cup final."));
  EXPECT_FALSE(odd.note.empty());
  EXPECT_NE(odd.note.find("2099"), std::string::npos) << odd.note;
  auto b = c.add(article(3, 3, "2026-11-29T10:00:00Z", "Corran wins frigate award", kWire + "\nMore detail."));
  EXPECT_EQ(b.story_id, a.story_id) << "the frigate story is still live";
  EXPECT_TRUE(a.note.empty());
}

TEST(StoryClusterer, AFiveMegabyteArticleIsReadInPart) {
  cluster::StoryClusterer c(core::ClusterConfig{});
  std::string huge;
  while (huge.size() < 5u * 1024 * 1024) huge += "Sailors of the fleet trained in the harbour for the exercise. ";
  auto a = c.add(article(1, 1, "2026-11-29T09:00:00Z", "Fleet exercise", huge));
  EXPECT_TRUE(a.new_story);
}

// A stream brings new numbers and names for ever. The term dictionary stays
// bounded (past max_terms, terms that no live story holds are forgotten), and
// a story that lives through the compaction keeps finding its articles.
TEST(StoryClusterer, TheTermDictionaryStaysBoundedOverALongStream) {
  core::ClusterConfig config;
  config.window_days = 2;
  config.max_terms = 3000;
  cluster::StoryClusterer c(config);
  const core::TimePoint start = at("2026-10-01T00:00:00Z");
  core::Id id = 1;
  size_t most = 0;
  std::vector<core::Id> trial_stories;  // the long-running story, one article a day
  for (int day = 0; day < 20; ++day) {
    for (int k = 0; k < 20; ++k, ++id) {
      // Thirty codes never seen before: thirty new terms an article.
      std::string text = "Port log entries filed today list these cargo codes:";
      for (int n = 0; n < 30; ++n) text += " lot" + std::to_string(id * 100 + n);
      ClusterInput a{id, id, start + std::chrono::hours(24 * day + k), "Port log " + std::to_string(id), text, "en"};
      c.add(a);
      most = std::max(most, c.known_terms());
    }
    // Told anew each day (no copy of the day before): it must be found by its terms.
    static const char* kTested[] = {"radar", "engines", "helicopter deck", "sonar", "steering", "guns"};
    ClusterInput trial{id, 900, start + std::chrono::hours(24 * day + 21),
                       "Frigate Resolute sea trials off Kessel Bay, day " + std::to_string(day + 1),
                       std::string("Resolute tested its ") + kTested[day % 6] + " off Kessel Bay.",
                       "en"};
    auto placed = c.add(trial);
    EXPECT_FALSE(placed.copy_of) << "day " << day;
    trial_stories.push_back(placed.story_id);
    ++id;
  }
  EXPECT_LT(most, 5000u) << "without compaction it would hold over 12,000 terms";
  EXPECT_EQ(std::count(trial_stories.begin(), trial_stories.end(), trial_stories.front()),
            static_cast<long>(trial_stories.size()))
      << "the trials story lived through every compaction";
}

TEST(StoryClusterer, AStorySharingOneWordIsNotComparedWhenAnotherSharesTwo) {
  cluster::StoryClusterer c(core::ClusterConfig{});
  auto frigates = c.add(article(1, 1, "2026-11-29T09:00:00Z", "Navy awards frigate contract to Corran", kWire));
  auto recall = c.add(article(2, 2, "2026-11-29T09:10:00Z", "Quorn recall", ""));
  // One word with the two-word story, two with the long one: the short
  // story's cosine is the higher, but a lone shared word is weak evidence
  // when another story shares more.
  auto row = c.add(article(3, 3, "2026-11-29T09:20:00Z", "Quorn frigate contract row", ""));
  EXPECT_TRUE(frigates.new_story);
  EXPECT_TRUE(recall.new_story);
  EXPECT_NE(row.story_id, recall.story_id);
  // With no story sharing two words, one shared word is enough to be compared.
  auto again = c.add(article(4, 4, "2026-11-29T09:30:00Z", "Quorn recall widens", ""));
  EXPECT_EQ(again.story_id, recall.story_id);
}

// A passage two articles of different stories both carry (an outlet's
// standing paragraph) is indexed under both. When the older story closes,
// the newer article must still be found through that passage: a copy of it
// is a copy only if its shared shingles still lead to it.
TEST(StoryClusterer, ACopyIsFoundThroughAPassageAClosedStoryAlsoHad) {
  const std::string standing =
      "This report is part of our coverage that is free for every reader, and it is paid for by the people who "
      "give what they can each month so that all of it stays open to anyone who wants to read it, wherever they "
      "are and whatever they are able to give us in return for the work.";
  const std::string harbour =
      "Harbour pilots at Port Alder walked out at dawn over a new shift roster, leaving twelve container ships "
      "waiting at anchor outside the breakwater.\nThe pilots' guild said talks with the port authority had "
      "collapsed late on Sunday and that no vessel would be brought in until the roster was withdrawn.";
  core::ClusterConfig config;
  config.window_days = 2;
  cluster::StoryClusterer c(config);
  auto frigates = c.add(article(1, 1, "2026-11-01T00:00:00Z", "Navy awards frigate contract to Corran", kWire + "\n" + standing));
  auto pilots = c.add(article(2, 2, "2026-11-02T12:00:00Z", "Port Alder pilots strike over rosters", harbour + "\n" + standing));
  ASSERT_NE(pilots.story_id, frigates.story_id);
  ASSERT_FALSE(pilots.copy_of) << "a shared standing paragraph alone does not make a copy";
  auto copy = c.add(article(3, 3, "2026-11-03T06:00:00Z", "Pilots' strike idles Port Alder", harbour + "\n" + standing));
  EXPECT_FALSE(c.story(frigates.story_id)) << "the frigate story has been idle past the window";
  ASSERT_TRUE(copy.copy_of);
  EXPECT_EQ(*copy.copy_of, 2);
  EXPECT_EQ(copy.story_id, pilots.story_id);
}

// Outlets write in many languages and scripts, some with no spaces between
// words: two reports of one event join, and a report of another event stays
// apart, in each (Chinese and Japanese did not join before their words were
// cut by a dictionary).
TEST(StoryClusterer, ReportsInManyLanguagesAndScriptsJoinTheirEvent) {
  struct Case {
    const char* language;
    std::array<std::pair<const char*, const char*>, 3> reports;  // two of one event, then another event
  };
  const Case cases[] = {
      {"zh",
       {{{"海军在南海举行大规模联合演习",
          "海军今天在南海举行大规模联合演习，出动了十二艘驱逐舰和四艘护卫舰。演习持续三天，重点训练防空和反潜作战。"
          "国防部发言人表示，这次演习是年度训练计划的一部分，不针对任何国家。\n多名军事专家认为，此次演习规模为近年来最大。"},
         {"南海联合演习开始 驱逐舰编队参加防空训练",
          "据国防部消息，海军联合演习于周六在南海开始，驱逐舰和护卫舰编队参加了防空和反潜训练。"
          "国防部发言人说，演习不针对任何国家，是年度训练计划的一部分。\n专家指出，这是近年来规模最大的一次海上演习。"},
         {"央行宣布下调存款准备金率",
          "中国人民银行周五宣布，将下调金融机构存款准备金率零点五个百分点，以支持实体经济发展。"
          "分析人士认为，此举将释放约一万亿元长期资金。\n股市在消息公布后小幅上涨。"}}}},
      {"ja",
       {{{"海上自衛隊、日本海で大規模演習を開始",
          "海上自衛隊は二十九日、日本海で護衛艦十隻が参加する大規模な演習を開始した。演習は三日間続き、"
          "対空戦闘と対潜水艦戦の訓練を行う。防衛省の報道官は、演習は年間訓練計画の一環であり、特定の国を対象としたものではないと述べた。"},
         {"護衛艦十隻が日本海で演習　対潜水艦戦を訓練",
          "防衛省によると、海上自衛隊の護衛艦十隻が日本海で演習を始めた。対空戦闘や対潜水艦戦の訓練を三日間にわたって実施する。"
          "報道官は特定の国を想定したものではないと説明した。"},
         {"日銀、政策金利を据え置き",
          "日本銀行は金融政策決定会合で、政策金利を現行水準に据え置くことを決めた。総裁は記者会見で、物価の動向を注視すると述べた。"
          "円相場は小幅に下落した。"}}}},
      {"th",
       {{{"กองทัพเรือเริ่มซ้อมรบใหญ่ในอ่าวไทย",
          "กองทัพเรือไทยเริ่มการซ้อมรบขนาดใหญ่ในอ่าวไทย โดยมีเรือรบสิบลำเข้าร่วม การซ้อมรบจะใช้เวลาสามวัน "
          "เน้นการป้องกันภัยทางอากาศและการปราบเรือดำน้ำ โฆษกกองทัพเรือกล่าวว่าการซ้อมรบเป็นส่วนหนึ่งของแผนการฝึกประจำปี"},
         {"เรือรบสิบลำร่วมซ้อมรบในอ่าวไทย",
          "โฆษกกองทัพเรือเปิดเผยว่า เรือรบสิบลำเข้าร่วมการซ้อมรบในอ่าวไทย เพื่อฝึกการป้องกันภัยทางอากาศและการปราบเรือดำน้ำ "
          "การซ้อมรบเป็นส่วนหนึ่งของแผนการฝึกประจำปี"},
         {"ธนาคารแห่งประเทศไทยคงอัตราดอกเบี้ยนโยบาย",
          "คณะกรรมการนโยบายการเงินมีมติคงอัตราดอกเบี้ยนโยบายไว้ที่ระดับเดิม "
          "ผู้ว่าการธนาคารกล่าวว่าเศรษฐกิจยังคงฟื้นตัวอย่างต่อเนื่อง ค่าเงินบาทอ่อนค่าลงเล็กน้อย"}}}},
      {"ru",
       {{{"ВМС начали масштабные учения в Балтийском море",
          "Военно-морской флот начал в субботу масштабные учения в Балтийском море с участием двенадцати кораблей. Учения продлятся три дня и будут посвящены противовоздушной и противолодочной обороне. Представитель министерства обороны заявил, что учения являются частью ежегодного плана подготовки и не направлены против какой-либо страны."},
         {"Двенадцать кораблей участвуют в учениях на Балтике",
          "По данным министерства обороны, двенадцать кораблей военно-морского флота приступили к учениям в Балтийском море. В течение трёх дней экипажи отработают противовоздушную и противолодочную оборону. Представитель министерства подчеркнул, что учения не направлены против других стран."},
         {"Центробанк сохранил ключевую ставку",
          "Совет директоров Центрального банка принял решение сохранить ключевую ставку на прежнем уровне. Глава банка заявила на пресс-конференции, что инфляция замедляется. Рубль незначительно ослаб после объявления."}}}},
      {"ar",
       {{{"البحرية تبدأ مناورات واسعة في البحر الأحمر",
          "بدأت القوات البحرية يوم السبت مناورات عسكرية واسعة في البحر الأحمر بمشاركة اثنتي عشرة سفينة حربية. وتستمر المناورات ثلاثة أيام وتركز على الدفاع الجوي ومكافحة الغواصات. وقال المتحدث باسم وزارة الدفاع إن المناورات جزء من خطة التدريب السنوية ولا تستهدف أي دولة."},
         {"اثنتا عشرة سفينة حربية تشارك في مناورات البحر الأحمر",
          "أعلنت وزارة الدفاع أن اثنتي عشرة سفينة حربية بدأت مناورات في البحر الأحمر للتدريب على الدفاع الجوي ومكافحة الغواصات لمدة ثلاثة أيام. وأكد المتحدث أن المناورات لا تستهدف أي دولة وأنها جزء من خطة التدريب السنوية."},
         {"البنك المركزي يثبت أسعار الفائدة",
          "قرر البنك المركزي الإبقاء على أسعار الفائدة دون تغيير في اجتماعه الدوري. وقال محافظ البنك إن التضخم بدأ في التراجع. وتراجعت العملة المحلية بشكل طفيف بعد الإعلان."}}}},
      {"fr",
       {{{"La marine lance de grandes manœuvres en Méditerranée",
          "La marine nationale a lancé samedi de grandes manœuvres en Méditerranée avec la participation de douze navires de guerre. L'exercice durera trois jours et portera sur la défense aérienne et la lutte anti-sous-marine. Le porte-parole du ministère des Armées a déclaré que ces manœuvres font partie du programme annuel d'entraînement et ne visent aucun pays."},
         {"Douze navires de guerre en exercice en Méditerranée",
          "Selon le ministère des Armées, douze navires de la marine nationale ont commencé un exercice en Méditerranée. Pendant trois jours, les équipages s'entraîneront à la défense aérienne et à la lutte anti-sous-marine. Le porte-parole a souligné que l'exercice ne vise aucun pays."},
         {"La Banque centrale maintient ses taux",
          "Le conseil des gouverneurs de la Banque centrale a décidé de maintenir ses taux directeurs inchangés. La présidente a indiqué en conférence de presse que l'inflation ralentit. L'euro a légèrement reculé après l'annonce."}}}},
      {"hi",
       {{{"नौसेना ने अरब सागर में बड़ा युद्धाभ्यास शुरू किया",
          "नौसेना ने शनिवार को अरब सागर में बारह युद्धपोतों के साथ बड़ा युद्धाभ्यास शुरू किया। यह अभ्यास तीन दिन चलेगा और इसमें हवाई रक्षा और पनडुब्बी रोधी युद्ध का प्रशिक्षण होगा। रक्षा मंत्रालय के प्रवक्ता ने कहा कि यह अभ्यास वार्षिक प्रशिक्षण योजना का हिस्सा है और किसी देश के खिलाफ नहीं है।"},
         {"अरब सागर में बारह युद्धपोतों का युद्धाभ्यास",
          "रक्षा मंत्रालय के अनुसार बारह युद्धपोतों ने अरब सागर में युद्धाभ्यास शुरू कर दिया है। तीन दिन तक हवाई रक्षा और पनडुब्बी रोधी युद्ध का अभ्यास किया जाएगा। प्रवक्ता ने कहा कि यह अभ्यास किसी देश के खिलाफ नहीं है।"},
         {"रिज़र्व बैंक ने ब्याज दरें स्थिर रखीं",
          "भारतीय रिज़र्व बैंक की मौद्रिक नीति समिति ने रेपो दर को अपरिवर्तित रखने का फैसला किया। गवर्नर ने कहा कि महंगाई में कमी आ रही है। घोषणा के बाद रुपया थोड़ा कमजोर हुआ।"}}}},
  };
  for (const Case& k : cases) {
    cluster::StoryClusterer c(core::ClusterConfig{});
    std::vector<cluster::Assignment> got;
    core::Id id = 1;
    for (const auto& [title, text] : k.reports) {
      // The language is detected, as for an article whose feed names none.
      got.push_back(c.add(ClusterInput{id, id, at("2026-11-29T09:00:00Z"), title, text, ""}));
      ++id;
    }
    EXPECT_EQ(got[1].story_id, got[0].story_id) << k.language << ": the second report joins the first";
    EXPECT_FALSE(got[1].copy_of.has_value()) << k.language << ": rewritten, not copied";
    EXPECT_NE(got[2].story_id, got[0].story_id) << k.language << ": another event";
  }
}

namespace {

// Reports in one language, in stream order: `event` names what each reports.
struct Report {
  const char* event;
  const char* title;
  const char* text;
};

// An English stream of `count` short reports on as many different matters,
// in which a few reports in another language then arrive.
void add_english_stream(cluster::StoryClusterer& c, core::Id& id, int count) {
  const char* places[] = {"Alder", "Brightwater", "Corran", "Dunmore", "Eastfield", "Fenwick", "Glenhaven", "Harrow"};
  const char* matters[] = {"council budget", "bridge repairs", "school closures", "water prices", "bus routes",
                           "harbour dredging", "library hours", "parking fines", "flood defences", "hospital wing"};
  for (int k = 0; k < count; ++k) {
    const std::string place = places[k % 8], matter = matters[(k / 8) % 10];
    const std::string title = place + " votes on " + matter + " plan " + std::to_string(k);
    const std::string text = "Officials in " + place + " said the " + matter + " plan number " + std::to_string(k) +
                             " would be put to a vote after a month of public meetings.\nResidents have until the end of the "
                             "week to send their comments to the office of the mayor.";
    c.add(ClusterInput{id, id, at("2026-11-29T08:00:00Z"), title, text, "en"});
    ++id;
  }
}

// Every two reports of one event share a story; reports of different events do not.
void expect_stories_by_event(cluster::StoryClusterer& c, core::Id& id, const std::vector<Report>& reports,
                             const char* language) {
  std::vector<core::Id> story;
  for (const Report& r : reports) {
    story.push_back(c.add(ClusterInput{id, id, at("2026-11-29T09:00:00Z"), r.title, r.text, language}).story_id);
    ++id;
  }
  for (size_t i = 0; i < reports.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const bool same_event = std::string_view(reports[i].event) == reports[j].event;
      EXPECT_EQ(story[i] == story[j], same_event)
          << language << ": \"" << reports[i].title << "\" and \"" << reports[j].title << "\"";
    }
  }
}

}  // namespace

// An English desk that also reads a few outlets in other languages: the
// function words of those ("les", "dans"; "yang", "dengan") are in every
// report of theirs and rare in the stream as a whole. Weighed as rare, they
// made every two French reports here one story. French has a stopword list;
// Indonesian has none, and its words are weighed by how rare they are among
// Indonesian reports.
TEST(StoryClusterer, ReportsInALanguageFewOfTheStreamsUseJoinByEventNotByTheirFunctionWords) {
  const std::vector<Report> french = {
      {"navy", "La marine lance de grandes manœuvres en Méditerranée",
       "La marine nationale a lancé samedi de grandes manœuvres en Méditerranée avec la participation de douze navires "
       "de guerre. L'exercice durera trois jours et portera sur la défense aérienne et la lutte anti-sous-marine. Le "
       "porte-parole du ministère des Armées a déclaré que ces manœuvres font partie du programme annuel "
       "d'entraînement et ne visent aucun pays."},
      {"bank", "La Banque centrale maintient ses taux",
       "Le conseil des gouverneurs de la Banque centrale a décidé de maintenir ses taux directeurs inchangés. La "
       "présidente a indiqué en conférence de presse que l'inflation ralentit. L'euro a légèrement reculé après "
       "l'annonce, et les marchés attendent la prochaine réunion du conseil en juin."},
      {"strike", "Grève à la SNCF : un train sur deux supprimé mardi",
       "La direction de la SNCF prévoit un train sur deux en moyenne mardi, en raison d'une grève des cheminots contre "
       "la réforme des retraites. Les syndicats appellent à une mobilisation de plusieurs jours. Les voyageurs sont "
       "invités à reporter leurs déplacements et à consulter les horaires sur le site de la compagnie."},
      {"fire", "Incendie dans le Var : 800 hectares brûlés, des habitants évacués",
       "Un incendie a parcouru 800 hectares de forêt dans le Var dans la nuit de dimanche à lundi. Plus de 500 pompiers "
       "sont mobilisés et plusieurs centaines d'habitants ont été évacués par précaution. Le vent violent complique la "
       "lutte contre les flammes, selon la préfecture."},
      {"football", "Le PSG s'impose face à Lyon au Parc des Princes",
       "Le Paris Saint-Germain a battu l'Olympique lyonnais trois buts à un dimanche soir au Parc des Princes. "
       "L'attaquant parisien a inscrit un doublé en seconde période. Avec cette victoire, le club de la capitale "
       "conforte sa place en tête du championnat, avec huit points d'avance sur son dauphin."},
      {"navy", "Douze navires de guerre en exercice en Méditerranée",
       "Selon le ministère des Armées, douze navires de la marine nationale ont commencé un exercice en Méditerranée. "
       "Pendant trois jours, les équipages s'entraîneront à la défense aérienne et à la lutte anti-sous-marine. Le "
       "porte-parole a souligné que l'exercice ne vise aucun pays."},
      {"senate", "Le Sénat adopte le budget de la Sécurité sociale",
       "Le Sénat a adopté mardi en première lecture le projet de loi de financement de la Sécurité sociale, après "
       "plusieurs jours de débats. Les sénateurs ont modifié plusieurs articles sur les franchises médicales. Le texte "
       "doit maintenant être examiné par une commission mixte paritaire."},
      {"strike", "SNCF : trafic très perturbé mardi en raison de la grève",
       "Le trafic sera très perturbé mardi sur le réseau de la SNCF, avec en moyenne un train sur deux, à cause de la "
       "grève des cheminots opposés à la réforme des retraites. Les syndicats n'excluent pas de prolonger le "
       "mouvement. La compagnie conseille aux voyageurs de reporter leurs trajets."},
      {"quake", "Un séisme de magnitude 5 ressenti dans les Pyrénées",
       "Un séisme de magnitude 5 a été ressenti lundi matin dans les Pyrénées, sans faire de victimes. Des habitants "
       "ont signalé des fissures dans quelques maisons. Le réseau national de surveillance sismique a localisé "
       "l'épicentre à une dizaine de kilomètres de profondeur."},
      {"fire", "Var : l'incendie a détruit 800 hectares, des centaines d'évacués",
       "Les flammes ont ravagé 800 hectares de forêt dans le Var. Plus de 500 pompiers luttent toujours contre "
       "l'incendie, attisé par un vent violent. Plusieurs centaines d'habitants ont été évacués par précaution, a "
       "indiqué la préfecture lundi matin."},
  };
  const std::vector<Report> indonesian = {
      {"flood", "Banjir rendam ribuan rumah di Jakarta Timur",
       "Banjir merendam ribuan rumah di Jakarta Timur pada hari Minggu setelah hujan deras turun sepanjang malam. Badan "
       "Penanggulangan Bencana mengatakan lebih dari tiga ribu warga telah dievakuasi ke tempat pengungsian. "
       "Ketinggian air di beberapa kawasan mencapai satu setengah meter, dan petugas masih memompa air dari "
       "jalan-jalan utama."},
      {"rates", "Bank Indonesia pertahankan suku bunga acuan",
       "Bank Indonesia memutuskan untuk mempertahankan suku bunga acuan pada level yang sama dalam rapat dewan "
       "gubernur yang berakhir pada hari Kamis. Gubernur bank sentral mengatakan bahwa inflasi masih terkendali dan "
       "nilai tukar rupiah cukup stabil. Para ekonom sudah memperkirakan keputusan ini."},
      {"football", "Persija kalahkan Persib dua gol tanpa balas",
       "Persija Jakarta mengalahkan Persib Bandung dengan skor dua gol tanpa balas dalam pertandingan yang digelar di "
       "Stadion Utama pada Sabtu malam. Kedua gol dicetak pada babak kedua oleh penyerang asal Brasil. Dengan "
       "kemenangan ini, Persija naik ke posisi ketiga klasemen sementara."},
      {"volcano", "Gunung Merapi kembali luncurkan awan panas",
       "Gunung Merapi kembali meluncurkan awan panas guguran sejauh dua kilometer ke arah barat daya pada Senin pagi. "
       "Badan geologi meminta warga untuk tidak beraktivitas di dalam radius tiga kilometer dari puncak. Status gunung "
       "tetap pada level siaga."},
      {"flood", "Ribuan warga Jakarta Timur mengungsi akibat banjir",
       "Lebih dari tiga ribu warga Jakarta Timur mengungsi karena banjir yang merendam ribuan rumah sejak Minggu pagi. "
       "Hujan deras sepanjang malam membuat sungai meluap, kata Badan Penanggulangan Bencana. Di beberapa kawasan, "
       "ketinggian air mencapai satu setengah meter."},
      {"fuel", "Pemerintah naikkan harga bahan bakar bersubsidi",
       "Pemerintah mengumumkan kenaikan harga bahan bakar bersubsidi yang mulai berlaku pada hari Sabtu. Menteri "
       "energi mengatakan bahwa beban subsidi dalam anggaran negara sudah terlalu besar. Sejumlah serikat buruh "
       "menyatakan akan menggelar unjuk rasa untuk menolak kebijakan ini."},
      {"volcano", "Merapi luncurkan awan panas sejauh dua kilometer",
       "Awan panas guguran meluncur dari Gunung Merapi sejauh dua kilometer ke arah barat daya, Senin pagi. Badan "
       "geologi mengimbau warga menjauhi radius tiga kilometer dari puncak, sementara status gunung masih siaga."},
  };
  for (const auto& [language, reports] : {std::pair{"fr", &french}, std::pair{"id", &indonesian}}) {
    cluster::StoryClusterer c(core::ClusterConfig{});
    core::Id id = 1;
    add_english_stream(c, id, 150);
    expect_stories_by_event(c, id, *reports, language);
  }
}

// Feeds and pages name their language in more than one way ("fr", "fr-CA",
// "FR"): one language, one set of stories. A code that is no language
// ("??", a sentence) reads as English instead of making a language of its own.
TEST(StoryClusterer, LanguageCodesOfOneLanguageShareItsStories) {
  const char* title = "La marine lance de grandes manœuvres en Méditerranée";
  const char* text =
      "La marine nationale a lancé samedi de grandes manœuvres en Méditerranée avec la participation de douze navires "
      "de guerre. L'exercice durera trois jours et portera sur la défense aérienne et la lutte anti-sous-marine.";
  const char* retold =
      "Selon le ministère des Armées, douze navires de la marine nationale ont commencé samedi de grandes manœuvres en "
      "Méditerranée. Pendant trois jours, les équipages s'entraîneront à la défense aérienne et à la lutte "
      "anti-sous-marine.";
  cluster::StoryClusterer c(core::ClusterConfig{});
  auto first = c.add(ClusterInput{1, 1, at("2026-11-29T09:00:00Z"), title, text, "fr"});
  auto canadian = c.add(ClusterInput{2, 2, at("2026-11-29T09:30:00Z"), "Douze navires en manœuvres en Méditerranée", retold, "fr-CA"});
  auto shouted = c.add(ClusterInput{3, 3, at("2026-11-29T10:00:00Z"), "Manœuvres navales en Méditerranée", retold, "FR"});
  EXPECT_EQ(canadian.story_id, first.story_id);
  EXPECT_EQ(shouted.story_id, first.story_id);

  auto english = c.add(article(4, 4, "2026-11-29T10:00:00Z", "Navy awards frigate contract to Corran", kWire));
  auto odd = c.add(ClusterInput{5, 5, at("2026-11-29T10:30:00Z"), "Corran Marine wins Guardian frigate award",
                                "Corran Marine Systems will build six Guardian-class frigates for the Navy under a "
                                "$4.2 billion contract announced by the Pentagon, ending a two-year competition with "
                                "Tidewell Shipbuilding.",
                                "not a language"});
  EXPECT_EQ(odd.story_id, english.story_id);
  EXPECT_FALSE(odd.copy_of.has_value());
}

// A wire story that hundreds of sites republish: every republication is a
// copy of the first, though the index lists only a story's first copies.
TEST(StoryClusterer, HundredsOfCopiesAreAllCopiesOfTheFirst) {
  cluster::StoryClusterer c(core::ClusterConfig{});
  auto first = c.add(article(1, 1, "2026-11-29T09:00:00Z", "Navy awards frigate contract to Corran", kWire));
  for (core::Id id = 2; id <= 300; ++id) {
    auto copy = c.add(article(id, id, "2026-11-29T10:00:00Z", "Frigate deal for Port Alder " + std::to_string(id), kWire));
    ASSERT_TRUE(copy.copy_of.has_value()) << id;
    EXPECT_EQ(copy.story_id, first.story_id);
  }
  EXPECT_EQ(c.live_stories(), 1u);
}

// A story is headed by the member headline in the words its coverage uses,
// not by whatever its first article was titled (here a dateline), and the
// headline does not change for one that says the same.
TEST(StoryClusterer, AStoryIsHeadedByTheHeadlineThatSaysBestWhatItIsAbout) {
  const std::string report =
      "Corran Marine Systems will build six Guardian-class frigates for the Navy under a $4.2 billion contract "
      "announced by the Pentagon, ending a two-year competition with Tidewell Shipbuilding.\nThe Port Alder shipyard "
      "expects to hire 1,500 workers. The first ship is to be based at Kessel Bay from 2031.";
  cluster::StoryClusterer c(core::ClusterConfig{});
  auto first = c.add(article(1, 1, "2026-11-29T09:00:00Z", "Friday, November 27, 2026", kWire));
  ASSERT_EQ(c.story(first.story_id)->headline, "Friday, November 27, 2026");  // nothing better yet
  auto second = c.add(article(2, 2, "2026-11-29T10:00:00Z", "Corran Marine wins $4.2 billion Navy frigate contract", report));
  ASSERT_EQ(second.story_id, first.story_id);
  EXPECT_EQ(c.story(first.story_id)->headline, "Corran Marine wins $4.2 billion Navy frigate contract");
  auto third = c.add(article(3, 3, "2026-11-29T11:00:00Z", "Navy frigate contract, $4.2 billion, won by Corran Marine", report));
  ASSERT_EQ(third.story_id, first.story_id);
  EXPECT_EQ(c.story(first.story_id)->headline, "Corran Marine wins $4.2 billion Navy frigate contract");
}

// A headline the feed cut off is the story's only when no whole one comes close.
TEST(StoryClusterer, AHeadlineCutOffIsNotTheStorysWhenAWholeOneSaysAsMuch) {
  const std::string report =
      "Corran Marine Systems will build six Guardian-class frigates for the Navy under a $4.2 billion contract "
      "announced by the Pentagon, ending a two-year competition with Tidewell Shipbuilding.";
  cluster::StoryClusterer c(core::ClusterConfig{});
  auto first = c.add(article(1, 1, "2026-11-29T09:00:00Z", "Corran Marine wins Navy frigate contract after two-year  ...", kWire));
  auto second = c.add(article(2, 2, "2026-11-29T10:00:00Z", "Corran Marine wins Navy frigate contract after two years", report));
  ASSERT_EQ(second.story_id, first.story_id);
  EXPECT_EQ(c.story(first.story_id)->headline, "Corran Marine wins Navy frigate contract after two years");
}
