// libFuzzer target: any bytes into the extractor must give an Article or a
// clear error, never a crash, a hang or unbounded memory (scripts/fuzz); the
// same for the links read off it and for joining it as an article's part.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "extract/extract.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view html(reinterpret_cast<const char*>(data), size);
  newsdesk::extract::Options options;
  options.max_html_bytes = 1 << 20;
  // extract_page: the article and, from the same parse, the links to its next part and AMP version.
  auto page = newsdesk::extract::extract_page(html, "https://fuzz.example/news/story.html", options);
  if (page) {
    // Joining the page to itself as its own next part exercises the joiner on any HTML it made.
    newsdesk::extract::ArticleParts parts(*page, "https://fuzz.example/news/story.html", 1);
    parts.add(*page, page->links.next_part.empty() ? "https://fuzz.example/news/story.html?page=2" : page->links.next_part);
    // Touch the outputs so that nothing is optimised away.
    volatile size_t sink = parts.article().text.size() + parts.article().html.size() + page->links.amphtml.size();
    (void)sink;
  }
  auto charset_guess = newsdesk::extract::extract(html, "", options, "iso-8859-1");
  (void)charset_guess;
  return 0;
}
