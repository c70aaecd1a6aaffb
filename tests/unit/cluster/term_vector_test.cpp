// Sparse term vectors: the sums and sorts every article goes through.
#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "cluster/term_vector.hpp"

using namespace newsdesk;
using cluster::TermId;
using cluster::Vector;

TEST(TermVector, AddingSumsSharedTermsAndKeepsTheOthersInOrder) {
  Vector a = {{1, 0.5f}, {4, 1.0f}, {9, 0.25f}};
  Vector b = {{0, 2.0f}, {4, 0.5f}, {10, 1.0f}};
  Vector sum = cluster::add_vectors(a, b);
  EXPECT_EQ(sum, (Vector{{0, 2.0f}, {1, 0.5f}, {4, 1.5f}, {9, 0.25f}, {10, 1.0f}}));
  EXPECT_EQ(cluster::add_vectors(a, {}), a);
  EXPECT_EQ(cluster::add_vectors({}, b), b);
}

TEST(TermVector, RadixSortAgreesWithStdSortAtEverySize) {
  std::mt19937 random(7);
  std::vector<TermId> buffer;
  // Short lists, two passes (ids < 2^16), three (< 2^24), and the fallback past 2^24.
  for (TermId largest : {TermId{100}, TermId{60000}, TermId{1} << 20, TermId{1} << 30}) {
    for (size_t n : {0u, 1u, 63u, 64u, 65u, 500u, 3000u}) {
      std::vector<TermId> ids(n);
      for (auto& t : ids) t = static_cast<TermId>(random() % largest);
      std::vector<TermId> expected = ids;
      std::sort(expected.begin(), expected.end());
      cluster::sort_term_ids(ids, buffer);
      EXPECT_EQ(ids, expected) << n << " ids below " << largest;
    }
  }
}

TEST(TermVector, DotProductReadsEveryTermAgainstItsLoadedWeight) {
  std::vector<double> weight(50, 0.0);
  weight[3] = 2.0;
  weight[7] = -1.0;
  weight[49] = 0.5;
  // 1 to 9 terms: the four running sums and the tail.
  for (size_t n = 1; n <= 9; ++n) {
    Vector v;
    double expected = 0;
    for (size_t k = 0; k < n; ++k) {
      const TermId t = static_cast<TermId>(k * 6 + 1);  // 1, 7, 13, ... 49
      v.emplace_back(t, static_cast<float>(k + 1));
      expected += weight[t] * static_cast<double>(k + 1);
    }
    EXPECT_DOUBLE_EQ(cluster::dot_by_id(v, weight), expected) << n << " terms";
  }
  EXPECT_EQ(cluster::dot_by_id({}, weight), 0.0);
}

TEST(TermVector, SortFirstPutsTheStrongestInOrderAtTheFront) {
  std::mt19937 random(11);
  for (size_t n : {10u, 64u, 65u, 1000u}) {
    std::vector<int> v(n);
    for (auto& x : v) x = static_cast<int>(random() % 100000);
    std::vector<int> expected = v;
    std::sort(expected.begin(), expected.end(), std::greater<>());
    const size_t first = std::min<size_t>(16, n);
    cluster::sort_first(v, first, std::greater<>());
    EXPECT_TRUE(std::equal(v.begin(), v.begin() + static_cast<long>(first), expected.begin())) << n;
  }
}
