#include "cluster/term_vector.hpp"

#include <array>

namespace newsdesk::cluster {

Vector add_vectors(const Vector& a, const Vector& b) {
  Vector out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].first < b[j].first)) {
      out.push_back(a[i++]);
    } else if (i == a.size() || b[j].first < a[i].first) {
      out.push_back(b[j++]);
    } else {
      out.emplace_back(a[i].first, a[i].second + b[j].second);
      ++i;
      ++j;
    }
  }
  return out;
}

void sort_term_ids(std::vector<TermId>& ids, std::vector<TermId>& buffer) {
  if (ids.size() < 64) {
    std::sort(ids.begin(), ids.end());
    return;
  }
  const TermId largest = *std::max_element(ids.begin(), ids.end());
  if (largest >= (TermId{1} << 24)) {
    std::sort(ids.begin(), ids.end());
    return;
  }
  const int passes = largest < (TermId{1} << 16) ? 2 : 3;
  buffer.resize(ids.size());
  for (int pass = 0; pass < passes; ++pass) {
    const int shift = 8 * pass;
    std::array<std::uint32_t, 256> start{};
    for (TermId t : ids) ++start[(t >> shift) & 0xFF];
    std::uint32_t sum = 0;
    for (auto& c : start) {
      const std::uint32_t n = c;
      c = sum;
      sum += n;
    }
    for (TermId t : ids) buffer[start[(t >> shift) & 0xFF]++] = t;
    ids.swap(buffer);
  }
}

}  // namespace newsdesk::cluster
