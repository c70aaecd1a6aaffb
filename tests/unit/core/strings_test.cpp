#include <gtest/gtest.h>

#include "core/strings.hpp"

using namespace newsdesk::core;

TEST(Strings, CollapsesWhitespaceIncludingNoBreakSpace) {
  EXPECT_EQ(collapse_whitespace("  a\t\n b\xC2\xA0\xC2\xA0" "c  "), "a b c");
}

TEST(Strings, CollapsesWhitespaceInPlaceLikeACopy) {
  for (std::string s : {std::string("  a\t\n b\xC2\xA0\xC2\xA0" "c  "), std::string("x\xE2\x80\xA8y \xE2\x80\xA9 z"),
                        std::string("already clean"), std::string("   "), std::string(""), std::string("caf\xC3\xA9  au lait")}) {
    std::string copy = collapse_whitespace(s);
    collapse_whitespace_in_place(s);
    EXPECT_EQ(s, copy);
  }
  std::string t = "x\xE2\x80\xA8y \xE2\x80\xA9 z";
  collapse_whitespace_in_place(t);
  EXPECT_EQ(t, "x y z");
}

TEST(Strings, EscapesHtmlSpecialCharactersAndAppends) {
  EXPECT_EQ(html_escape("a<b>&\"c'd"), "a&lt;b&gt;&amp;&quot;c&#39;d");
  std::string out = "x:";
  html_escape_append(out, "plain");
  html_escape_append(out, "<&>");
  EXPECT_EQ(out, "x:plain&lt;&amp;&gt;");
}

TEST(Strings, SanitizeUtf8ReplacesInvalidBytesAndDropsNul) {
  EXPECT_EQ(sanitize_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(sanitize_utf8(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(sanitize_utf8("bad \xFF end"), "bad \xEF\xBF\xBD end");
  // Runs of ASCII around every kind of byte: a NUL at a run's edge, a bad byte
  // first and last, a character cut at the end.
  EXPECT_EQ(sanitize_utf8(std::string("\0ab\0", 4)), "ab");
  EXPECT_EQ(sanitize_utf8("\x80x\xC3"), "\xEF\xBF\xBDx\xEF\xBF\xBD");
  EXPECT_EQ(sanitize_utf8("\x7F\x01 caf\xC3\xA9 \xE2\x80\x99 \xF0\x9F\x93\xB0"), "\x7F\x01 caf\xC3\xA9 \xE2\x80\x99 \xF0\x9F\x93\xB0");
  EXPECT_EQ(sanitize_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}

TEST(Strings, HtmlEscapeCoversAttributeQuotes) {
  EXPECT_EQ(html_escape("<a href=\"x\" title='y'>&</a>"), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(Strings, SlugifyKeepsLettersAndDigits) {
  EXPECT_EQ(slugify("Navy awards $4.2B contract!"), "navy-awards-4-2b-contract");
  EXPECT_EQ(slugify("---"), "");
}

TEST(Strings, SplitKeepsEmptyFields) {
  EXPECT_EQ(split("a,,b", ',').size(), 3u);
}

TEST(Strings, DecodeHtmlEntitiesHandlesDoubleEscaping) {
  EXPECT_EQ(decode_html_entities("M&amp;A &#8211; Q&#x27;s &hellip;"), "M&A \xE2\x80\x93 Q's \xE2\x80\xA6");
  EXPECT_EQ(decode_html_entities("And finally&amp;#8230; done"), "And finally\xE2\x80\xA6 done");
  EXPECT_EQ(decode_html_entities("AT&T &unknown; & more"), "AT&T &unknown; & more");
  // Every named reference of HTML, not only punctuation: escaped French and
  // German headlines, and the names of two code points.
  EXPECT_EQ(decode_html_entities("Caf&eacute; cr&egrave;me &agrave; 5&euro;, Stra&szlig;e&nbsp;&Acirc;"),
            "Caf\xC3\xA9 cr\xC3\xA8me \xC3\xA0 5\xE2\x82\xAC, Stra\xC3\x9F" "e\xC2\xA0\xC3\x82");
  EXPECT_EQ(decode_html_entities("&CounterClockwiseContourIntegral;&NotEqualTilde;"),
            "\xE2\x88\xB3\xE2\x89\x82\xCC\xB8");
  EXPECT_EQ(decode_html_entities("&eacute &Eacute; &EACUTE;"), "&eacute \xC3\x89 &EACUTE;") << "the semicolon, and the case, are part of the name";
}

TEST(Strings, RepairMojibakeRestoresUtf8ReadAsWindows1252) {
  EXPECT_EQ(repair_mojibake("isn\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2t"), "isn\xE2\x80\x99t");  // isnâ€™t
  EXPECT_EQ(repair_mojibake("caf\xC3\x83\xC2\xA9"), "caf\xC3\xA9");                      // cafÃ©
  EXPECT_EQ(repair_mojibake("caf\xC3\xA9 d\xC3\xA9j\xC3\xA0 vu"), "caf\xC3\xA9 d\xC3\xA9j\xC3\xA0 vu")
      << "correct text is left alone";
  EXPECT_EQ(repair_mojibake("\xC3\x82 la carte"), "\xC3\x82 la carte") << "a lone Â is not mojibake";
}

