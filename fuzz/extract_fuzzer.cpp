// libFuzzer target: any bytes into the extractor must give an Article or a
// clear error, never a crash, a hang or unbounded memory (scripts/fuzz).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "extract/extract.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view html(reinterpret_cast<const char*>(data), size);
  newsdesk::extract::Options options;
  options.max_html_bytes = 1 << 20;
  auto article = newsdesk::extract::extract(html, "https://fuzz.example/news/story.html", options);
  if (article) {
    // Touch the outputs so that nothing is optimised away.
    volatile size_t sink = article->text.size() + article->html.size() + article->title.size();
    (void)sink;
  }
  auto charset_guess = newsdesk::extract::extract(html, "", options, "iso-8859-1");
  (void)charset_guess;
  return 0;
}
