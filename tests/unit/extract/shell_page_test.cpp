// Shell pages: the article kept outside the DOM (JSON-LD articleBody, a
// <noscript> copy, embedded application state). Every page here is of our
// own writing.
#include <gtest/gtest.h>

#include <string>

#include "core/strings.hpp"
#include "extract/extract.hpp"
#include "extract/html_document.hpp"

using namespace newsdesk;

namespace {

// Four paragraphs of a made-up story, ~250 characters each.
const char* kPara1 =
    "The harbour board of Port Calder voted on Tuesday evening to close the old ferry pier for repairs, "
    "after divers found that three of its oak piles had rotted through below the waterline, the board's "
    "chair, Miriam Oduya, told a packed meeting at the town hall.";
const char* kPara2 =
    "Ferries to the outer islands will sail from the fish quay instead from Monday, the board said, and "
    "the timetable will stay as it is, although passengers with cars were asked to arrive half an hour "
    "earlier than usual while the quay's single ramp is shared with the trawlers.";
const char* kPara3 =
    "Engineers expect the work to take eleven weeks and to cost about 2.4 million, most of it from a "
    "regional fund for coastal infrastructure that the town applied to last spring, according to papers "
    "the board published ahead of the vote.";
const char* kPara4 =
    "Shopkeepers near the pier said they feared a quiet summer, but several welcomed the decision, saying "
    "the planks had been creaking underfoot for years and that a pier that lasted another century was worth "
    "a season of detours for the island visitors.";

std::string head(const std::string& extra = "") {
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Port Calder closes its ferry pier"
         "</title>" + extra + "</head>";
}

// JSON string contents (our paragraphs hold no quotes or backslashes).
std::string json_string(const std::string& s) { return "\"" + s + "\""; }

core::Article read(const std::string& page) {
  auto a = extract::extract(page, "https://calder.example/news/ferry-pier", extract::Options{});
  EXPECT_TRUE(a) << (a ? "" : a.error().message);
  return a ? *a : core::Article{};
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(ShellPage, JsonLdArticleBodyIsTheArticleOfAnEmptyAppShell) {
  std::string ld = "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@graph\":["
                   "{\"@type\":\"WebSite\",\"name\":\"The Calder Tide\"},"
                   "{\"@type\":\"NewsArticle\",\"headline\":\"Port Calder closes its ferry pier\",\"articleBody\":" +
                   json_string(std::string(kPara1) + "\\n" + kPara2 + "\\n\\n" + kPara3) + "}]}</script>";
  auto a = read(head(ld) + "<body><div id=\"root\"></div><script src=\"/app.js\"></script></body></html>");
  EXPECT_EQ(a.text, std::string(kPara1) + "\n" + kPara2 + "\n" + kPara3);
  EXPECT_TRUE(has(a.html, "<p>" + core::html_escape(kPara2) + "</p>")) << a.html;
  EXPECT_EQ(a.page_type, core::PageType::kArticle);
}

TEST(ShellPage, JsonLdArticleBodyInAnArrayIsReadAsSanitisedHtml) {
  std::string body = std::string("<p>") + kPara1 + " <em>Quoted</em> <a href='/board'>board</a>.</p>" +
                     "<p onclick='steal()'>" + kPara2 + "</p><script>steal()<\\/script><p>" + kPara3 + "</p>";
  std::string ld = "<script type=\"application/ld+json\">[{\"@type\":\"Organization\",\"name\":\"Tide\"},"
                   "{\"@type\":\"Report\",\"headline\":\"Port Calder closes its ferry pier\",\"articleBody\":" +
                   json_string(body) + "}]</script>";
  auto a = read(head(ld) + "<body><div id=\"app\"></div></body></html>");
  EXPECT_TRUE(has(a.text, kPara1)) << a.text;
  EXPECT_TRUE(has(a.text, kPara3)) << a.text;
  EXPECT_TRUE(has(a.html, "<em>Quoted</em>")) << a.html;
  EXPECT_TRUE(has(a.html, "<a href=\"https://calder.example/board\">board</a>")) << a.html;
  EXPECT_FALSE(has(a.html, "onclick")) << a.html;
  EXPECT_FALSE(has(a.html + a.text, "steal")) << a.html;
}

TEST(ShellPage, JsonLdArticleBodyReplacesATeaserButNotAFullDomBody) {
  std::string ld = "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"articleBody\":" +
                   json_string(std::string(kPara1) + "\\n" + kPara2 + "\\n" + kPara3 + "\\n" + kPara4) + "}</script>";
  auto teaser = read(head(ld) + "<body><article><p>" + kPara1 +
                     "</p><div class=\"paywall\"><p>Subscribe to keep reading.</p></div></article></body></html>");
  EXPECT_TRUE(has(teaser.text, kPara4)) << teaser.text;

  // The DOM has the whole article, with a link the JSON-LD copy lacks: it stays.
  auto full = read(head(ld) + "<body><article><p>" + kPara1 + "</p><p>" + kPara2 + "</p><p>" + kPara3 +
                   " <a href=\"/fund\">The fund</a>.</p><p>" + kPara4 + "</p></article></body></html>");
  EXPECT_TRUE(has(full.html, "<a href=\"https://calder.example/fund\">The fund</a>")) << full.html;
}

TEST(ShellPage, NoscriptCopyIsTheArticleOfAScriptShell) {
  std::string page = head() + "<body><div id=\"app\"><div class=\"spinner\">Loading</div></div><noscript>"
                     "<div class=\"article\"><h1>Port Calder closes its ferry pier</h1><p>" + kPara1 +
                     "</p><h2>Ferries move to the fish quay</h2><p>" + kPara2 + "</p><p>" + kPara3 +
                     "</p></div></noscript><script src=\"/bundle.js\"></script></body></html>";
  auto a = read(page);
  EXPECT_EQ(a.text, std::string(kPara1) + "\nFerries move to the fish quay\n" + kPara2 + "\n" + kPara3);
  EXPECT_TRUE(has(a.html, "<h2>Ferries move to the fish quay</h2>")) << a.html;
}

TEST(ShellPage, NoscriptCopyInTheHeadIsReadToo) {
  // Wherever the parser puts a <noscript>'s content, the raw copy is what is read.
  std::string page = head("<noscript><p>" + std::string(kPara1) + "</p><p>" + kPara2 + "</p></noscript>") +
                     "<body><div id=\"app\"></div></body></html>";
  auto a = read(page);
  EXPECT_EQ(a.text, std::string(kPara1) + "\n" + kPara2);
}

TEST(ShellPage, NextDataParagraphBlocksReplaceATeaser) {
  const std::string kSplit = "Ferries to the outer islands will sail from the fish quay";
  ASSERT_EQ(std::string(kPara2).rfind(kSplit, 0), 0u);
  std::string blob =
      "{\"props\":{\"pageProps\":{\"article\":{\"title\":\"Port Calder closes its ferry pier\",\"blocks\":["
      "{\"type\":\"paragraph\",\"children\":[{\"text\":" + json_string(kPara1) + "}]},"
      "{\"type\":\"image\",\"src\":\"/pier.jpg\"},"
      "{\"type\":\"heading\",\"children\":[{\"text\":\"Ferries move to the fish quay\"}]},"
      "{\"type\":\"paragraph\",\"children\":[{\"text\":\"Ferries to the outer islands will sail from the \"},"
      "{\"type\":\"link\",\"text\":\"fish quay\"},{\"text\":" + json_string(std::string(kPara2).substr(kSplit.size())) +
      "}]},"
      "{\"type\":\"paragraph\",\"children\":[{\"text\":" + json_string(kPara3) + "}]},"
      "{\"type\":\"paragraph\",\"children\":[{\"text\":" + json_string(kPara4) + "}]}]},"
      "\"relatedArticles\":[{\"title\":\"Island bus timetable\",\"body\":" +
      json_string(std::string(kPara4) + kPara4 + kPara4 + kPara4 + kPara4) + "}]}},\"page\":\"/news/[slug]\"}";
  std::string page = head() + "<body><article><h1>Port Calder closes its ferry pier</h1><p>" + kPara1 +
                     "</p><div class=\"paywall\">Subscribe to read the full story.</div></article>"
                     "<script id=\"__NEXT_DATA__\" type=\"application/json\">" + blob + "</script></body></html>";
  auto a = read(page);
  EXPECT_EQ(a.text, std::string(kPara1) + "\nFerries move to the fish quay\n" + kPara2 + "\n" + kPara3 + "\n" + kPara4);
  EXPECT_TRUE(has(a.html, "<h2>Ferries move to the fish quay</h2>")) << a.html;
}

TEST(ShellPage, InitialStateWithAnHtmlBodyStringIsSanitised) {
  std::string body = std::string("<p>") + kPara1 + "</p><p>" + kPara2 + " <a href=\\\"/timetable\\\">Timetable</a>"
                     "</p><script>steal()<\\/script><p onclick=\\\"steal()\\\">" + kPara3 + "</p>"
                     "<iframe src=\\\"https://ads.example/\\\"></iframe>";
  std::string page = head() + "<body><div id=\"root\"></div><script>\n  window.__INITIAL_STATE__ = "
                     "{\"user\":null,\"story\":{\"headline\":\"Port Calder closes its ferry pier\",\"bodyHtml\":" +
                     json_string(body) + "}};\n  window.__ENV__ = {\"api\":\"/v2\"};\n</script></body></html>";
  auto a = read(page);
  EXPECT_EQ(a.text, std::string(kPara1) + "\n" + kPara2 + " Timetable\n" + kPara3);
  EXPECT_TRUE(has(a.html, "<a href=\"https://calder.example/timetable\">Timetable</a>")) << a.html;
  EXPECT_FALSE(has(a.html, "onclick")) << a.html;
  EXPECT_FALSE(has(a.html + a.text, "steal")) << a.html;
  EXPECT_FALSE(has(a.html, "iframe")) << a.html;
}

TEST(ShellPage, AStateBlobOfCommentsDoesNotReplaceAGoodDomBody) {
  std::string dom = std::string("<article><p>") + kPara1 + "</p><p>" + kPara2 + "</p><p>" + kPara3 + "</p></article>";
  std::string posts;
  for (int i = 0; i < 8; ++i) {
    posts += std::string(i ? "," : "") + "{\"author\":\"reader" + std::to_string(i) + "\",\"text\":" +
             json_string(std::string("I have crossed on that ferry every week for twenty years and I think ") + kPara4) + "}";
  }
  std::string related = "[{\"headline\":\"Lighthouse reopens\",\"content\":" +
                        json_string(std::string(kPara4) + " " + kPara4 + " " + kPara4 + " " + kPara4) + "}]";
  std::string with_state = head() + "<body>" + dom + "<script>window.__PRELOADED_STATE__ = {\"thread\":{\"posts\":[" +
                           posts + "]},\"more\":" + related + "};</script></body></html>";
  auto plain = read(head() + "<body>" + dom + "</body></html>");
  auto a = read(with_state);
  EXPECT_EQ(a.text, plain.text);
  EXPECT_EQ(a.text, std::string(kPara1) + "\n" + kPara2 + "\n" + kPara3);
  // The state holds the article too (so it is read): the longer comments are still not it.
  std::string both = head() + "<body>" + dom + "<script>window.__PRELOADED_STATE__ = {\"story\":{\"body\":" +
                     json_string(std::string(kPara1) + "\\n" + kPara2 + "\\n" + kPara3) + "},\"thread\":{\"posts\":[" +
                     posts + "]}};</script></body></html>";
  EXPECT_EQ(read(both).text, plain.text);
}

TEST(ShellPage, BadJsonInAStateBlobCostsNothing) {
  // A teaser whose opening words are in the blob, so that the blob is read: broken JSON leaves the DOM body.
  std::string teaser = std::string("<article><p>") + kPara1 + "</p></article>";
  for (const std::string& blob :
       {std::string("{\"story\":{\"body\":") + json_string(std::string(kPara1) + kPara2 + kPara3) + ",\"x\":undefined}}",
        std::string("{\"story\":{\"body\":\"") + kPara1 + kPara2 + kPara3,  // never closed
        std::string("{\"story\":{\"body\":") + json_string(std::string(kPara1) + kPara2 + kPara3) + ",}}"}) {
    auto a = read(head() + "<body>" + teaser + "<script id=\"__NEXT_DATA__\" type=\"application/json\">" + blob +
                  "</script></body></html>");
    EXPECT_EQ(a.text, kPara1) << blob;
    auto b = read(head() + "<body>" + teaser + "<script>window.__INITIAL_STATE__ = " + blob + "</script></body></html>");
    EXPECT_EQ(b.text, kPara1) << blob;
  }
  // An empty shell with a broken blob is an empty article, not an error.
  auto empty = read(head() + "<body><div id=\"root\"></div><script>window.__APOLLO_STATE__ = {\"Story:1\":{\"body\":\"" +
                    kPara1 + kPara2 + "\"</script></body></html>");
  EXPECT_EQ(empty.text, "");
}

TEST(ScriptBodies, NoteStateBlobsAndLargeNoscripts) {
  std::string big(600, 'x');
  std::string page = "<html><head><script>window.__FRE={env:\"small\"}</script>"
                     "<script>var note = \"__INITIAL_STATE__ is set below\"; var x = {\"a\":\"" + big + "\"}</script>"
                     "<script id=\"__NEXT_DATA__\" type=\"application/json\"> {\"props\":\"" + big + "\"}</script>"
                     "<script>window.__PRELOADED_STATE__={\"s\":\"" + big + "\"};run()</script>"
                     "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"x\":\"" + big + "\"}</script>"
                     "</head><body><noscript><img src=\"/pixel.gif\"></noscript><NOSCRIPT><p>" + big +
                     "</p></NOSCRIPT><p>Text</p></body></html>";
  extract::OffDomSources off_dom;
  std::string lean = extract::without_script_bodies(page, &off_dom);
  ASSERT_EQ(off_dom.state_blobs.size(), 2u);
  EXPECT_EQ(off_dom.state_blobs[0], "{\"props\":\"" + big + "\"}");
  EXPECT_EQ(off_dom.state_blobs[1], "{\"s\":\"" + big + "\"};run()");
  ASSERT_EQ(off_dom.noscripts.size(), 1u);
  EXPECT_EQ(off_dom.noscripts[0], "<p>" + big + "</p>");
  EXPECT_EQ(lean, extract::without_script_bodies(page)) << "noting changes nothing in the lean page";
}
