// libFuzzer target: any bytes as a feed, an OPML file or a page to discover
// feeds in must give a result or a clear error, never a crash, a hang or
// unbounded memory (scripts/fuzz).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "feed/feed.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  // The first byte picks the charset the "HTTP header" claims.
  static constexpr std::string_view kCharsets[] = {"", "utf-8", "iso-8859-1", "windows-1251", "shift_jis", "bogus"};
  std::string_view charset = size > 0 ? kCharsets[data[0] % 6] : "";
  auto feed = newsdesk::feed::parse_feed(body, "https://fuzz.example/feeds/main.xml", charset);
  if (feed) {
    volatile size_t sink = newsdesk::feed::feed_to_jsonl(*feed).size();
    (void)sink;
  }
  auto opml = newsdesk::feed::parse_opml(body);
  (void)opml;
  auto found = newsdesk::feed::discover_feeds(body, "https://fuzz.example/");
  (void)found;
  return 0;
}
