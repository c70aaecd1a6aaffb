// Properties that hold for any input (rapidcheck generates the inputs).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cluster/canonical_url.hpp"
#include "cluster/story_clusterer.hpp"
#include "core/time.hpp"

using namespace newsdesk;

namespace {

std::string word_from(int n) {
  static const char* kWords[] = {"navy", "frigate", "contract", "harbour", "drone", "missile", "budget", "senate",
                                 "storm", "coast", "cup", "final", "bank", "rates", "festival", "film"};
  return kWords[static_cast<size_t>(n) % 16];
}

}  // namespace

RC_GTEST_PROP(CanonicalUrlProperty, IsIdempotentForAnyPathAndQuery, (const std::string& path, const std::string& query, int port)) {
  std::string url = "http://Example.COM:" + std::to_string(80 + (port % 3)) + "/" + path + "?" + query + "&utm_source=x#frag";
  std::string once = cluster::canonical_url(url);
  RC_ASSERT(cluster::canonical_url(once) == once);
}

RC_GTEST_PROP(StoryClustererProperty, ArticleIdsDoNotChangeTheStories, (const std::vector<std::vector<int>>& docs)) {
  // The same texts in the same order, numbered two different ways, group the same.
  auto run = [&](core::Id base, core::Id step) {
    cluster::StoryClusterer c(core::ClusterConfig{});
    std::vector<core::Id> stories;
    core::Id next = base;
    for (const auto& words : docs) {
      std::string text;
      for (int w : words) text += word_from(w < 0 ? -w : w) + " ";
      stories.push_back(c.add(cluster::ClusterInput{next, 1, *core::parse_rfc3339("2026-11-29T09:00:00Z"), text, text, "en"}).story_id);
      next += step;
    }
    // Story ids are assigned in order of first appearance: compare the partitions.
    std::vector<size_t> first_seen;
    std::vector<size_t> partition;
    for (core::Id s : stories) {
      auto it = std::find(first_seen.begin(), first_seen.end(), static_cast<size_t>(s));
      if (it == first_seen.end()) {
        first_seen.push_back(static_cast<size_t>(s));
        partition.push_back(first_seen.size() - 1);
      } else {
        partition.push_back(static_cast<size_t>(it - first_seen.begin()));
      }
    }
    return partition;
  };
  RC_ASSERT(run(1, 1) == run(1000003, 7));
}

RC_GTEST_PROP(StoryClustererProperty, ALightEditOfALongTextIsACopy, (int position, int replacement)) {
  std::string original;
  for (int i = 0; i < 120; ++i) original += word_from(i * 7 + i / 3) + std::to_string(i % 11) + " ";
  std::vector<std::string> words;
  size_t start = 0;
  for (size_t i = 0; i <= original.size(); ++i) {
    if (i == original.size() || original[i] == ' ') {
      if (i > start) words.push_back(original.substr(start, i - start));
      start = i + 1;
    }
  }
  words[static_cast<size_t>(position < 0 ? -position : position) % words.size()] = "edited" + std::to_string(replacement);
  std::string edited;
  for (const auto& w : words) edited += w + " ";
  cluster::StoryClusterer c(core::ClusterConfig{});
  auto t = *core::parse_rfc3339("2026-11-29T09:00:00Z");
  c.add(cluster::ClusterInput{1, 1, t, "Wire report", original, "en"});
  auto copy = c.add(cluster::ClusterInput{2, 2, t, "Republished", edited, "en"});
  RC_ASSERT(copy.copy_of.has_value());
}
