// Near-verbatim copies (wire text republished with a new headline or a
// trimmed tail) are found through sampled word 4-shingles: a text's sample
// is the same wherever it is republished, so shared samples estimate shared
// text. This is the sampling and the index from a sample to the articles
// that have it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "core/types.hpp"
#include "text/tokens.hpp"

namespace newsdesk::cluster {

constexpr std::uint64_t kShingleSample = 4;  // keep shingles whose hash % 4 == 0
constexpr size_t kMinSharedForCopy = 6;     // sampled shingles two copies must share (a text with fewer has none)
constexpr size_t kArticlesPerShingle = 16;  // a shingle lists its first 16 articles only (see ShingleIndex)

// A sample of the text's word 4-shingles (hash % kShingleSample == 0): the
// same sample for the same text, so shared samples estimate shared text.
// Each is kept once (a phrase the text repeats is one sample), in text
// order. `all` and `seen` are working space: every shingle's hash, and a
// small open-addressed set of the kept ones (cheaper than sorting them).
// A text with fewer than kMinSharedForCopy samples gets none: it can
// neither find an original nor be one.
std::vector<std::uint64_t> sampled_shingles(const text::WordList& words, std::vector<std::uint64_t>& all,
                                            std::vector<std::uint64_t>& seen);

// Sampled shingle -> the articles that have it. Most shingles are one
// article's, so that one is kept in the slot itself (16 bytes); the others
// (wire copies) go to a second map, read only when the slot's top bit says
// there are any. The index is the clusterer's largest structure: a map of
// small vectors (32-byte slots) took three quarters of its memory on the
// synthetic stream.
//
// A shingle lists its first kArticlesPerShingle articles and no more. A wire
// story that a thousand sites republish is found through its first copies
// (a copy joins its original's story, and leaves the index with it), and
// the thousandth copy does not read a thousand entries per shingle: before
// the cap, 2,000 copies of one 600-word text took 7.9 s, the time of each
// growing with the copies before it.
class ShingleIndex {
 public:
  // Lists `article` under `shingle`, unless kArticlesPerShingle are listed already.
  void add(std::uint64_t shingle, core::Id article);
  // Takes `article` off `shingle` (nothing when it is not there).
  void remove(std::uint64_t shingle, core::Id article);
  // Appends the articles that have `shingle` to `out`, in the order they were added.
  void append(std::uint64_t shingle, std::vector<core::Id>& out) const;

 private:
  static constexpr std::uint64_t kMore = std::uint64_t{1} << 63;  // article ids are positive
  absl::flat_hash_map<std::uint64_t, std::uint64_t> first_;         // shingle -> article | kMore
  absl::flat_hash_map<std::uint64_t, std::vector<core::Id>> more_;  // shingle -> the other articles
};

}  // namespace newsdesk::cluster
