// libFuzzer target: any bytes as articles' titles and texts must be cut into
// words within their bounds and clustered without a crash, a hang or a
// broken invariant (scripts/fuzz). The tokenizer reads ASCII 16 bytes at a
// time and writes folded words into a buffer of its own: out-of-bounds reads
// and writes there are what ASan is here for.
//
// The input is split at 0x00 bytes into up to 8 articles; in each, the first
// line is the title, the rest the text, and the article's first byte picks
// its language ("" = detect, or a fixed code) and its hour in the stream.
#include <cstddef>
#include <cstdint>
#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/story_clusterer.hpp"
#include "core/time.hpp"
#include "text/tokens.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// Every word lies within the text and its folded form within the buffer,
// in order, and the hash is the folded form's.
void check_words(std::string_view text) {
  const newsdesk::text::WordList list = newsdesk::text::tokenize(text);
  std::uint32_t last_end = 0;
  for (const auto& w : list.words) {
    check(w.begin < w.end && w.end <= text.size() && w.begin >= last_end);
    check(static_cast<size_t>(w.folded_begin) + w.folded_size <= list.folded.size());
    check(w.hash == newsdesk::text::word_hash(list.folded_of(w)));
    last_end = w.end;
  }
  std::vector<std::uint64_t> entities;
  newsdesk::text::entity_hashes(text, list, list.words.size(), entities);
  const auto shingles = newsdesk::text::shingle_hashes(list, 4);
  check(list.words.empty() ? shingles.empty() : shingles.size() == (list.words.size() >= 4 ? list.words.size() - 3 : 1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  newsdesk::cluster::StoryClusterer clusterer(newsdesk::core::ClusterConfig{});
  static const auto kStart = *newsdesk::core::parse_rfc3339("2026-11-29T00:00:00Z");
  static const char* kLanguages[] = {"", "en", "de", "ru", "zh", "xx"};
  size_t from = 0;
  for (newsdesk::core::Id id = 1; id <= 8 && from <= input.size(); ++id) {
    size_t to = input.find('\0', from);
    if (to == std::string_view::npos) to = input.size();
    const std::string_view piece = input.substr(from, to - from);
    from = to + 1;
    check_words(piece);
    newsdesk::cluster::ClusterInput a;
    a.article_id = id;
    a.source_id = id;
    const unsigned char pick = piece.empty() ? 0 : static_cast<unsigned char>(piece[0]);
    a.language = kLanguages[pick % 6];
    a.time = kStart + std::chrono::hours(pick % 48);
    const size_t line = piece.find('\n');
    a.title = std::string(piece.substr(0, line));
    a.text = line == std::string_view::npos ? std::string() : std::string(piece.substr(line + 1));
    const auto assignment = clusterer.add(a);
    check(assignment.story_id != 0);
    check(clusterer.story(assignment.story_id).has_value());
  }
  return 0;
}
