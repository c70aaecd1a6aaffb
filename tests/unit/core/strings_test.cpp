#include <gtest/gtest.h>

#include "core/strings.hpp"

using namespace newsdesk::core;

TEST(Strings, CollapsesWhitespaceIncludingNoBreakSpace) {
  EXPECT_EQ(collapse_whitespace("  a\t\n b\xC2\xA0\xC2\xA0" "c  "), "a b c");
}

TEST(Strings, SanitizeUtf8ReplacesInvalidBytesAndDropsNul) {
  EXPECT_EQ(sanitize_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(sanitize_utf8(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(sanitize_utf8("bad \xFF end"), "bad \xEF\xBF\xBD end");
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
