#include <gtest/gtest.h>

#include "core/time.hpp"
#include "text/charset.hpp"
#include "extract/extract.hpp"
#include "extract/html_document.hpp"

using namespace newsdesk;

namespace {

// A page of our own writing, with the furniture real news pages carry.
const char* kPage = R"(<!DOCTYPE html>
<html lang="en-US"><head><meta charset="utf-8">
<title>Coast Guard cutter rescues 12 fishermen | The Test Ledger</title>
<meta property="og:site_name" content="The Test Ledger">
<meta property="og:type" content="article">
<meta property="og:image" content="/img/cutter.jpg">
<link rel="canonical" href="https://ledger.example/2026/11/cutter-rescue?utm_source=x">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage","name":"x"},
{"@type":"NewsArticle","headline":"Coast Guard cutter rescues 12 fishermen off Cape Mira",
"datePublished":"2026-11-29T09:30:00-05:00","author":[{"@type":"Person","name":"Dana Holt"},{"@type":"Person","name":"Ravi Menon"}]}]}</script>
<script>var tracking = "<p>not text</p>";</script><style>p{color:red}</style>
</head><body>
<div class="cookie-banner">We use cookies. Accept all</div>
<nav class="top-nav"><a href="/">Home</a> <a href="/world">World</a> <a href="/defense">Defense</a></nav>
<main><article class="story">
<h1>Coast Guard cutter rescues 12 fishermen off Cape Mira</h1>
<div class="byline">By Dana Holt and Ravi Menon</div>
<div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Post on X</a> <span>1,204 shares</span></div>
<figure><img src="/img/cutter.jpg" alt=""><figcaption>The cutter Vigilant returns to port on Sunday.</figcaption></figure>
<p class="credit">Photo: The cutter Vigilant returns to port on Sunday.</p>
<div class="story-body">
<p>The Coast Guard cutter Vigilant rescued 12 fishermen early on Sunday after their trawler, the Northern Maid, took on water in heavy seas about 40 miles off Cape Mira, officials said.</p>
<p>A helicopter crew from Air Station Mira lowered pumps to the trawler before the cutter arrived, and all 12 crew members were taken aboard the Vigilant within two hours, according to Petty Officer Lena Ortiz.</p>
<div class="newsletter-signup"><h3>Get the morning briefing</h3><p>Sign up for our newsletter and never miss a story from the coast.</p><form><input type="email"></form></div>
<h2>Seas of twelve feet</h2>
<p>Waves of up to twelve feet and winds of 45 knots slowed the rescue, Ortiz said, and the trawler sank shortly after the last man was lifted off, leaving a small fuel sheen that crews are monitoring.</p>
<aside class="support-box"><p>Support our mission: independent journalism needs readers like you. Donate today.</p></aside>
<p>The fishermen were treated for mild hypothermia at Mira General Hospital and released, the hospital said in a statement on Sunday afternoon.</p>
</div>
<div class="related-links"><h3>Related</h3><ul><li><a href="/a">Cutter crews train for winter</a></li><li><a href="/b">Fishing fleet faces new quotas</a></li></ul></div>
<div class="author-bio"><p>Dana Holt covers the coast and the Coast Guard for The Test Ledger and has done so since 2011.</p></div>
</article></main>
<div id="outbrain-widget"><h3>Around the web</h3><p><a href="/s1">You won't believe these 10 ships</a></p><p><a href="/s2">Doctors hate this one trick</a></p></div>
<footer><p>© 2026 The Test Ledger. All rights reserved. 1 Harbor Street.</p></footer>
</body></html>)";

extract::Options options() { return extract::Options{}; }

}  // namespace

TEST(Extract, ReadsMetadataFromJsonLdGraphAndMetaTags) {
  auto a = extract::extract(kPage, "https://ledger.example/2026/11/cutter-rescue", options());
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->title, "Coast Guard cutter rescues 12 fishermen off Cape Mira");
  EXPECT_EQ(a->authors, (std::vector<std::string>{"Dana Holt", "Ravi Menon"}));
  ASSERT_TRUE(a->published);
  EXPECT_EQ(core::format_rfc3339(*a->published), "2026-11-29T14:30:00Z");
  EXPECT_EQ(a->site_name, "The Test Ledger");
  EXPECT_EQ(a->language, "en");
  EXPECT_EQ(a->image_url, "https://ledger.example/img/cutter.jpg");
  EXPECT_EQ(a->image_caption, "The cutter Vigilant returns to port on Sunday.");
  EXPECT_EQ(a->canonical_url, "https://ledger.example/2026/11/cutter-rescue?utm_source=x");
  EXPECT_EQ(a->page_type, core::PageType::kArticle);
}

TEST(Extract, KeepsTheBodyAndLeavesTheFurniture) {
  auto a = extract::extract(kPage, "https://ledger.example/x", options());
  ASSERT_TRUE(a) << a.error().message;
  const std::string& t = a->text;
  EXPECT_NE(t.find("rescued 12 fishermen early on Sunday"), std::string::npos) << t;
  EXPECT_NE(t.find("Seas of twelve feet"), std::string::npos) << t;
  EXPECT_NE(t.find("treated for mild hypothermia"), std::string::npos) << t;
  for (const char* junk : {"cookies", "Share on Facebook", "Sign up for our newsletter", "Support our mission",
                           "Cutter crews train", "Dana Holt covers", "You won't believe", "All rights reserved",
                           "returns to port on Sunday", "not text", "color:red"}) {
    EXPECT_EQ(t.find(junk), std::string::npos) << "kept: " << junk << "\n" << t;
  }
  // Paragraphs stay apart, one per line.
  EXPECT_EQ(std::count(t.begin(), t.end(), '\n'), 4) << t;
}

TEST(Extract, SanitisedHtmlHoldsOnlyAllowedElements) {
  auto a = extract::extract(kPage, "https://ledger.example/x", options());
  ASSERT_TRUE(a);
  EXPECT_NE(a->html.find("<h2>Seas of twelve feet</h2>"), std::string::npos) << a->html;
  EXPECT_NE(a->html.find("<figure><img src=\"https://ledger.example/img/cutter.jpg\""), std::string::npos);
  for (const char* banned : {"<script", "<div", "class=", "<form", "onclick", "<style"}) {
    EXPECT_EQ(a->html.find(banned), std::string::npos) << banned;
  }
}

TEST(Extract, ScriptInjectionInTextComesOutEscaped) {
  std::string page = "<html><body><article><p>Officials said the &lt;script&gt;alert(1)&lt;/script&gt; tag was "
                     "found in a long, long paragraph of text about the fleet, the base and the budget.</p></article></body></html>";
  auto a = extract::extract(page, "http://x.example/a", options());
  ASSERT_TRUE(a);
  EXPECT_EQ(a->html.find("<script"), std::string::npos) << a->html;
  EXPECT_NE(a->html.find("&lt;script&gt;"), std::string::npos) << a->html;
}

TEST(Extract, RecognisesASectionFront) {
  std::string page = "<html><head><meta property=\"og:type\" content=\"website\"><title>Front</title></head><body><ul>";
  for (int i = 0; i < 30; ++i) {
    page += "<li><a href=\"/story-" + std::to_string(i) + "\">Headline number " + std::to_string(i) +
            " about something that happened</a></li>";
  }
  page += "</ul></body></html>";
  auto a = extract::extract(page, "http://x.example/", options());
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->page_type, core::PageType::kIndex);
}

TEST(Extract, EmptyAndBinaryInputAreClearErrors) {
  auto empty = extract::extract("   ", "http://x/", options());
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, core::ErrorCode::kInvalidInput);
  std::string binary(2000, '\0');
  for (size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i % 7);
  EXPECT_FALSE(extract::extract(binary, "http://x/", options()));
}

TEST(Extract, OversizePageIsRefusedByTheLimit) {
  extract::Options small;
  small.max_html_bytes = 1024;
  auto a = extract::extract(std::string(4096, 'a'), "http://x/", small);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, core::ErrorCode::kLimit);
}

TEST(Extract, DeepNestingIsBoundedAndDoesNotCrash) {
  std::string page = "<html><body>";
  for (int i = 0; i < 100000; ++i) page += "<div>";
  page += "<p>Deep text that is long enough to count as a paragraph of an article body.</p>";
  auto a = extract::extract(page, "http://x/", options());
  ASSERT_TRUE(a) << a.error().message;
}

TEST(Extract, InvalidUtf8AndNulBytesComeOutAsValidUtf8) {
  std::string page = "<html><head><meta charset=\"utf-8\"></head><body><article><p>Broken \xFF\xFE bytes and a NUL ";
  page += std::string(1, '\0');
  page += " in a paragraph that is long enough to be kept as the body of the article.</p></article></body></html>";
  auto a = extract::extract(page, "http://x/", options());
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->text.find('\0'), std::string::npos);
  EXPECT_NE(a->text.find("Broken"), std::string::npos);
}

TEST(Extract, Latin1DeclaredByTheServerIsTranscoded) {
  std::string page = "<html><body><article><p>Caf\xE9 owners near the base said the soldiers were regulars at the "
                     "counter every morning of the week.</p></article></body></html>";
  auto a = extract::extract(page, "http://x/", options(), "ISO-8859-1");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_NE(a->text.find("Caf\xC3\xA9"), std::string::npos) << a->text;
}

TEST(Extract, SanitisedHtmlKeepsEmphasisAndHttpLinksOnly) {
  std::string page = "<html><body><article><p>The <em>Vigilant</em> and the <b class=\"x\">Resolute</b> sailed, "
                     "said <a href=\"/people/ortiz\" onclick=\"evil()\">Ortiz</a> in a long enough paragraph "
                     "about <a href=\"javascript:alert(1)\">the fleet</a> and <span style=\"color:red\">more</span>.</p>"
                     "</article></body></html>";
  auto a = extract::extract(page, "https://news.example/story", extract::Options{});
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_NE(a->html.find("<em>Vigilant</em>"), std::string::npos) << a->html;
  EXPECT_NE(a->html.find("<strong>Resolute</strong>"), std::string::npos) << a->html;
  EXPECT_NE(a->html.find("<a href=\"https://news.example/people/ortiz\">Ortiz</a>"), std::string::npos) << a->html;
  EXPECT_EQ(a->html.find("javascript"), std::string::npos) << a->html;
  EXPECT_EQ(a->html.find("onclick"), std::string::npos);
  EXPECT_EQ(a->html.find("style"), std::string::npos);
  EXPECT_NE(a->html.find("the fleet"), std::string::npos) << "the text of a refused link stays";
}

namespace {
std::string body_with(const std::string& head, const std::string& paragraph) {
  return "<html><head>" + head + "</head><body><article><p>" + paragraph +
         " The rest of a paragraph long enough to be the article body of this page.</p></article></body></html>";
}
}  // namespace

TEST(Charset, AMetaDeclarationThatLiesLosesToValidUtf8) {
  auto a = extract::extract(body_with("<meta charset=\"iso-8859-1\">", "Caf\xC3\xA9 cr\xC3\xA8me near the base."),
                            "http://x/", extract::Options{});
  ASSERT_TRUE(a);
  EXPECT_NE(a->text.find("Caf\xC3\xA9 cr\xC3\xA8me"), std::string::npos) << a->text;
}

TEST(Charset, DeclaredUtf8ThatIsNotIsDetected) {
  auto a = extract::extract(body_with("<meta charset=\"utf-8\">", "Caf\xE9 cr\xE8me near the base, d\xE9j\xE0 vu."),
                            "http://x/", extract::Options{});
  ASSERT_TRUE(a);
  EXPECT_NE(a->text.find("Caf\xC3\xA9"), std::string::npos) << a->text;
}

TEST(Charset, MetaDeclaredWindows1252IsTranscoded) {
  auto a = extract::extract(body_with("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">",
                                      "\x93Quoted\x94 words \x96 and a dash."),
                            "http://x/", extract::Options{});
  ASSERT_TRUE(a);
  EXPECT_NE(a->text.find("\xE2\x80\x9CQuoted\xE2\x80\x9D words \xE2\x80\x93 and"), std::string::npos) << a->text;
}

TEST(Charset, DeclaredCharsetIsReadFromTheHead) {
  EXPECT_EQ(text::declared_charset("<meta charset='Shift_JIS'>"), "shift_jis");
  EXPECT_EQ(text::declared_charset("<meta http-equiv=\"content-type\" content=\"text/html; charset=ISO-8859-1\">"),
            "windows-1252");
  EXPECT_EQ(text::declared_charset("<p>no meta</p>"), "");
  EXPECT_TRUE(text::is_valid_utf8("caf\xC3\xA9", true));
  EXPECT_FALSE(text::is_valid_utf8("caf\xE9", false));
  EXPECT_FALSE(text::is_valid_utf8("plain", true));
}

TEST(PageType, LiveblogGalleryAndVideoAreRecognised) {
  auto live = extract::extract(
      "<html><head><script type=\"application/ld+json\">{\"@type\":\"LiveBlogPosting\",\"headline\":\"Live: storm\"}"
      "</script></head><body><article><p>10:02 The storm reached the coast this morning, officials said, and roads "
      "were closed.</p></article></body></html>",
      "http://x/", extract::Options{});
  ASSERT_TRUE(live);
  EXPECT_EQ(live->page_type, core::PageType::kLiveblog);

  std::string gallery = "<html><body><h1>In pictures: the fleet comes home</h1>";
  for (int i = 0; i < 8; ++i) {
    gallery += "<figure><img src=\"/p" + std::to_string(i) + ".jpg\"><figcaption>Sailors greet families.</figcaption></figure>";
  }
  auto g = extract::extract(gallery + "<p>Photos by the staff of the paper, taken on the quay.</p></body></html>",
                            "http://x/", extract::Options{});
  ASSERT_TRUE(g);
  EXPECT_EQ(g->page_type, core::PageType::kGallery);

  auto v = extract::extract("<html><head><meta property=\"og:type\" content=\"video.other\"></head><body><h1>Watch: "
                            "launch</h1><video src=\"/v.mp4\"></video><p>The missile test, seen from the beach.</p>"
                            "</body></html>",
                            "http://x/", extract::Options{});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->page_type, core::PageType::kVideo);
}

TEST(Extract, AFiftyMegabytePageIsHandledWithinTheLimit) {
  std::string page = "<html><body><article>";
  std::string paragraph = "<p>Sailors of the fleet trained in the harbour for the exercise, officials said, "
                          "and the drills went on for days.</p>";
  while (page.size() < 50u * 1024 * 1024) page += paragraph;
  page += "</article></body></html>";
  extract::Options options;
  options.max_html_bytes = 64 * 1024 * 1024;
  auto a = extract::extract(page, "http://x/", options);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_GT(a->text.size(), 100u);
  options.max_html_bytes = 20 * 1024 * 1024;
  auto refused = extract::extract(page, "http://x/", options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kLimit);
}

TEST(Extract, TruncatedPagesAndStrayMarkupGiveBestEffort) {
  auto a = extract::extract("<html><body><article><p>The base commander said the drills would resume on Monday after "
                            "the storm passed, and that all sailors were <b>safe</b> and accounted for<p>And then",
                            "http://x/", extract::Options{});
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_NE(a->text.find("accounted for"), std::string::npos) << a->text;
}

// Found by the fuzzer: "<\240head>" makes libxml2 recover an element whose name is null.
TEST(Extract, AnElementWithoutANameFromBrokenMarkupDoesNotCrash) {
  static const char kPage[] =
      "<html><\240head><meta charset=\"iso-8859-1\">(\0\0\0\0\0\0\0</head><body><p>Caf\351 cr\350me "
      "\223quoted\224</p></body></ht";
  std::string page(kPage, sizeof kPage - 1);
  ASSERT_EQ(page.size(), 98u);
  auto a = extract::extract(page, "https://fuzz.example/", extract::Options{});
  EXPECT_TRUE(a || a.error().code == core::ErrorCode::kInvalidInput);
}

TEST(Metadata, VisibleBylineAndDateWhenThePageHasNoMetadata) {
  auto a = extract::extract(
      "<html><head><title>Storm closes port | Coast Times</title></head><body><div class=\"post-meta\"><span "
      "class=\"author-name\">Posted by<a href=\"/u/ana\">Ana Ruiz</a></span> <span class=\"date\">Dec. 19th, 2025"
      "</span></div><h1>Storm closes port</h1><article><p>The port of Mira closed on Friday as the storm passed, and "
      "ships waited offshore for the wind to drop.</p></article></body></html>",
      "http://x/", extract::Options{});
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->title, "Storm closes port");
  ASSERT_EQ(a->authors.size(), 1u);
  EXPECT_EQ(a->authors[0], "Ana Ruiz");
  ASSERT_TRUE(a->published);
  EXPECT_EQ(core::format_date(*a->published), "2025-12-19");
}

TEST(Metadata, JsonLdAuthorByIdReferenceIsFollowed) {
  auto a = extract::extract(
      "<html><head><script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@graph\":["
      "{\"@type\":\"Article\",\"headline\":\"Q&amp;A &#8211; the fleet\",\"author\":{\"@id\":\"#p1\"},"
      "\"datePublished\":\"2025-06-25T20:57:54-04:00\"},{\"@type\":\"Person\",\"@id\":\"#p1\",\"name\":\"Dana Holt\"}]}"
      "</script></head><body><article><p>A paragraph long enough to be an article body about the fleet and its "
      "sailors at sea.</p></article></body></html>",
      "http://x/", extract::Options{});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->title, "Q&A \xE2\x80\x93 the fleet");
  ASSERT_EQ(a->authors.size(), 1u);
  EXPECT_EQ(a->authors[0], "Dana Holt");
  ASSERT_TRUE(a->published_offset);
  EXPECT_EQ(*a->published_offset, -240);
}

TEST(Metadata, DateFromTheCanonicalAddressAsALastResort) {
  auto a = extract::extract("<html><head><link rel=\"canonical\" href=\"https://blog.example/2025-12-17-release\">"
                            "</head><body><article><p>Our release notes for the winter, with all the changes we made "
                            "to the engine this month.</p></article></body></html>",
                            "", extract::Options{});
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->published);
  EXPECT_EQ(core::format_date(*a->published), "2025-12-17");
}

TEST(ScriptBodies, AreEmptiedButJsonLdAndTheRestStay) {
  std::string page = "<html><head><SCRIPT>var a = '<p>not text</p>';</SCRIPT><style>p{}</style>"
                     "<script type=\"application/ld+json\">{\"headline\":\"kept\"}</script></head>"
                     "<body><p>Text stays.</p><script src=x></script><scripted>x</scripted></body></html>";
  std::string lean = extract::without_script_bodies(page);
  EXPECT_EQ(lean.find("not text"), std::string::npos) << lean;
  EXPECT_EQ(lean.find("p{}"), std::string::npos);
  EXPECT_NE(lean.find("{\"headline\":\"kept\"}"), std::string::npos);
  EXPECT_NE(lean.find("<p>Text stays.</p>"), std::string::npos);
  EXPECT_NE(lean.find("<scripted>x</scripted>"), std::string::npos) << "only whole tag names";
  EXPECT_EQ(extract::without_script_bodies("<script>never closed"), "<script>never closed");
}

TEST(ScriptBodies, InlineSvgIsEmptiedAndASelfClosedOneSwallowsNothing) {
  std::string page = "<body><p>Before <svg viewBox=\"0 0 9 9\"><path d=\"M0 0L9 9\"/><text>icon</text></svg> after.</p>"
                     "<svg class=\"x\"/><p>Text stays.</p><svgfoo>y</svgfoo></body>";
  std::string lean = extract::without_script_bodies(page);
  EXPECT_EQ(lean.find("M0 0L9 9"), std::string::npos) << lean;
  EXPECT_EQ(lean.find("icon"), std::string::npos) << lean;
  EXPECT_NE(lean.find(" after.</p>"), std::string::npos) << lean;
  EXPECT_NE(lean.find("<p>Text stays.</p>"), std::string::npos) << lean;
  EXPECT_NE(lean.find("<svgfoo>y</svgfoo>"), std::string::npos) << "only whole tag names";
}

// Found by the fuzzer: CLD2's DetectLanguage read out of bounds on text that is
// valid UTF-8 but not "interchange valid" (here from a mis-declared page).
TEST(Extract, TextCld2CannotReadGetsNoLanguageInsteadOfACrash) {
  static const char kPage[] =
      "\x3c\x68\x74\x6d\x6c\x3e\x3c\x68\x65\x61\x3c\x72\x6d\x64\x3e\x63\x22\xe8\x6d\x3c\x68\x74"
      "\x6d\x6c\x3e\x2b\x3c\x68\x65\x61\x64\x3e\x3c\x6d\x65\x3c\x64\x69\x76\x20\x63\x6c\x61\x73"
      "\x3c\x21\x2d\x2d\x73\x3d\x22\x73\x74\x6f\x72\x79\x2d\x62\x6f\x64\x79\x22\x3e\xb4\xb4\xb4"
      "\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4"
      "\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4"
      "\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xfe\xff\xff\xff\xff\xff"
      "\xff\xf4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\xb4\x6f\x74\x65\x79\x3c\x68\x74"
      "\x6d\x68\x34\x3c\x68\x65\x61\x70\x65\x72\x64\x3e\x3c\x46\x6d\x65\x74\x61\x20\x63\x68\x61"
      "\x74\x79\x3d\x22\x6f\x72";
  std::string page(kPage, sizeof kPage - 1);
  ASSERT_EQ(page.size(), 182u);
  auto a = extract::extract(page, "https://fuzz.example/", extract::Options{});
  EXPECT_TRUE(a || a.error().code == core::ErrorCode::kInvalidInput);
}
