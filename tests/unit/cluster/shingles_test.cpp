// The shingle sample and the index that finds near-verbatim copies.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cluster/shingles.hpp"
#include "text/tokens.hpp"

using namespace newsdesk;
using cluster::ShingleIndex;

namespace {

std::vector<std::uint64_t> sample(const std::string& text) {
  std::vector<std::uint64_t> all, seen;
  return cluster::sampled_shingles(text::tokenize(text), all, seen);
}

std::string long_text(int words, int salt) {
  std::string s;
  for (int i = 0; i < words; ++i) s += "w" + std::to_string((i * 7919 + salt) % 100003) + " ";
  return s;
}

std::vector<core::Id> articles_with(const ShingleIndex& index, std::uint64_t shingle) {
  std::vector<core::Id> out;
  index.append(shingle, out);
  return out;
}

}  // namespace

TEST(SampledShingles, TheSameTextGivesTheSameSampleWhereverItIsPrinted) {
  const std::string body = long_text(300, 1);
  auto alone = sample(body);
  auto framed = sample("Breaking: " + body + " Copyright 2026, all rights reserved.");
  ASSERT_GE(alone.size(), cluster::kMinSharedForCopy);
  // Every sample of the text alone is in the framed text's sample.
  for (std::uint64_t h : alone) EXPECT_NE(std::find(framed.begin(), framed.end(), h), framed.end());
  // About one shingle in kShingleSample is kept.
  EXPECT_GT(alone.size(), 297 / cluster::kShingleSample / 2);
  EXPECT_LT(alone.size(), 297 / cluster::kShingleSample * 2);
  for (std::uint64_t h : alone) EXPECT_EQ(h % cluster::kShingleSample, 0u);
}

TEST(SampledShingles, APhraseRepeatedIsSampledOnce) {
  const std::string body = long_text(200, 2);
  auto once = sample(body);
  auto twice = sample(body + body);
  // The second copy adds only the shingles that straddle the seam.
  EXPECT_LE(twice.size(), once.size() + 3);
  std::vector<std::uint64_t> sorted = twice;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
}

TEST(SampledShingles, ATextTooShortToBeACopyHasNone) {
  EXPECT_TRUE(sample("Navy orders four frigates").empty());
  EXPECT_TRUE(sample("").empty());
  EXPECT_FALSE(sample(long_text(200, 3)).empty());
}

TEST(ShingleIndex, ListsTheArticlesOfAShingleInTheOrderAdded) {
  ShingleIndex index;
  index.add(40, 7);
  index.add(40, 9);
  index.add(40, 3);
  index.add(44, 9);
  EXPECT_EQ(articles_with(index, 40), (std::vector<core::Id>{7, 9, 3}));
  EXPECT_EQ(articles_with(index, 44), (std::vector<core::Id>{9}));
  EXPECT_TRUE(articles_with(index, 48).empty());
}

TEST(ShingleIndex, TheNextArticleTakesTheSlotWhenTheFirstLeaves) {
  ShingleIndex index;
  index.add(40, 7);
  index.add(40, 9);
  index.add(40, 3);
  index.remove(40, 7);
  EXPECT_EQ(articles_with(index, 40), (std::vector<core::Id>{9, 3}));
  index.remove(40, 3);
  EXPECT_EQ(articles_with(index, 40), (std::vector<core::Id>{9}));
  index.add(40, 5);  // the slot still knows it is not alone
  EXPECT_EQ(articles_with(index, 40), (std::vector<core::Id>{9, 5}));
  index.remove(40, 9);
  index.remove(40, 5);
  EXPECT_TRUE(articles_with(index, 40).empty());
}

TEST(ShingleIndex, RemovingWhatIsNotThereChangesNothing) {
  ShingleIndex index;
  index.remove(40, 7);
  index.add(40, 7);
  index.remove(40, 8);
  index.remove(44, 7);
  EXPECT_EQ(articles_with(index, 40), (std::vector<core::Id>{7}));
}

TEST(ShingleIndex, AgreesWithAPlainMapOverManyAddsAndRemoves) {
  ShingleIndex index;
  std::map<std::uint64_t, std::vector<core::Id>> plain;
  std::uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int step = 0; step < 20000; ++step) {
    const std::uint64_t shingle = (next() % 50) * 4;
    const core::Id article = static_cast<core::Id>(1 + next() % 30);  // more than a shingle lists
    auto& list = plain[shingle];
    if (next() % 3 != 0) {
      if (std::find(list.begin(), list.end(), article) != list.end()) continue;  // an article adds a shingle once
      index.add(shingle, article);
      if (list.size() < cluster::kArticlesPerShingle) list.push_back(article);
    } else {
      index.remove(shingle, article);
      std::erase(list, article);
    }
  }
  for (const auto& [shingle, list] : plain) EXPECT_EQ(articles_with(index, shingle), list) << "shingle " << shingle;
}

TEST(ShingleIndex, AShingleListsItsFirstArticlesOnly) {
  ShingleIndex index;
  for (core::Id a = 1; a <= 100; ++a) index.add(8, a);
  std::vector<core::Id> first;
  for (core::Id a = 1; a <= static_cast<core::Id>(cluster::kArticlesPerShingle); ++a) first.push_back(a);
  EXPECT_EQ(articles_with(index, 8), first);
  // One of them leaves (its story closed): the next article to come is listed.
  index.remove(8, 3);
  index.remove(8, 50);  // never listed: nothing happens
  index.add(8, 101);
  std::erase(first, 3);
  first.push_back(101);
  EXPECT_EQ(articles_with(index, 8), first);
}
