// Sparse term vectors as the clusterer keeps them: (term id, weight) pairs
// sorted by term id, and the few operations on them that run for every
// article. Sorted by term so that sums over a vector run in one order
// (deterministic), two vectors merge in one pass, and a vector is compared
// with another by reading it whole against weights loaded by id.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace newsdesk::cluster {

using TermId = std::uint32_t;
using Vector = std::vector<std::pair<TermId, float>>;  // sorted by term

// a + b, term by term (both sorted by term).
Vector add_vectors(const Vector& a, const Vector& b);

// Sorts term ids by least-significant-digit radix sort, a byte a pass
// (`buffer` is working space): an article's few hundred terms sort in two
// or three passes over them instead of n log n comparisons, most of them
// mispredicted. Short lists, and ids past 2^24, take std::sort.
void sort_term_ids(std::vector<TermId>& ids, std::vector<TermId>& buffer);

// Puts the first `n` of `v` (by `before`, a total order) in order at its
// front. A heap (std::partial_sort) costs more than sorting a few dozen
// whole, and than a selection before sorting the few.
template <class T, class Before>
void sort_first(std::vector<T>& v, size_t n, Before before) {
  if (n >= v.size() || v.size() <= 64) {
    std::sort(v.begin(), v.end(), before);
  } else {
    std::nth_element(v.begin(), v.begin() + static_cast<long>(n), v.end(), before);
    std::sort(v.begin(), v.begin() + static_cast<long>(n), before);
  }
}

// Σ weight[t] · c over the (t, c) of `terms`: a story's centroid read
// against terms loaded by id (`weight` has a slot for every term id). Four
// sums, not one, so that each gather waits on no add before it (the order
// is fixed: deterministic). Inline: it runs for every story compared.
inline double dot_by_id(const Vector& terms, const std::vector<double>& weight) {
  const double* q = weight.data();
  const auto* p = terms.data();
  const size_t n = terms.size();
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += q[p[i].first] * p[i].second;
    s1 += q[p[i + 1].first] * p[i + 1].second;
    s2 += q[p[i + 2].first] * p[i + 2].second;
    s3 += q[p[i + 3].first] * p[i + 3].second;
  }
  for (; i < n; ++i) s0 += q[p[i].first] * p[i].second;
  return (s0 + s1) + (s2 + s3);
}

}  // namespace newsdesk::cluster
