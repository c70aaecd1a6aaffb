#include "cluster/shingles.hpp"

namespace newsdesk::cluster {

std::vector<std::uint64_t> sampled_shingles(const text::WordList& words, std::vector<std::uint64_t>& all,
                                            std::vector<std::uint64_t>& seen) {
  text::shingle_hashes(words, 4, all);
  size_t sampled = 0;
  for (std::uint64_t h : all) {  // compacted in place, without a branch on the sample
    all[sampled] = h;
    sampled += h % kShingleSample == 0 ? 1 : 0;
  }
  if (sampled < kMinSharedForCopy) return {};
  static_assert(kShingleSample % 4 == 0, "a sampled hash's two low bits are 0: the set below relies on it");
  size_t slots = 64;
  while (slots < 2 * sampled) slots *= 2;
  seen.assign(slots, 0);  // 0: an empty slot
  std::vector<std::uint64_t> out;
  out.reserve(sampled);
  for (size_t k = 0; k < sampled; ++k) {
    const std::uint64_t h = all[k];
    const std::uint64_t mark = h | 1;  // a sampled hash's low bits are 0, so its mark is never 0 and is its own
    size_t i = (h >> 2) & (slots - 1);
    while (seen[i] != 0 && seen[i] != mark) i = (i + 1) & (slots - 1);
    if (seen[i] == mark) continue;
    seen[i] = mark;
    out.push_back(h);
  }
  if (out.size() < kMinSharedForCopy) return {};
  return out;
}

void ShingleIndex::add(std::uint64_t shingle, core::Id article) {
  auto [slot, fresh] = first_.try_emplace(shingle, static_cast<std::uint64_t>(article));
  if (fresh) return;
  std::vector<core::Id>& more = more_[shingle];
  if (more.size() + 1 >= kArticlesPerShingle) return;
  slot->second |= kMore;
  more.push_back(article);
}

void ShingleIndex::remove(std::uint64_t shingle, core::Id article) {
  auto slot = first_.find(shingle);
  if (slot == first_.end()) return;
  const bool has_more = (slot->second & kMore) != 0;
  if (static_cast<core::Id>(slot->second & ~kMore) == article) {
    if (!has_more) {
      first_.erase(slot);
      return;
    }
    auto rest = more_.find(shingle);  // the next article moves into the slot
    slot->second = static_cast<std::uint64_t>(rest->second.front()) | (rest->second.size() > 1 ? kMore : 0);
    rest->second.erase(rest->second.begin());
    if (rest->second.empty()) more_.erase(rest);
    return;
  }
  if (!has_more) return;
  auto rest = more_.find(shingle);
  std::erase(rest->second, article);
  if (rest->second.empty()) {
    more_.erase(rest);
    slot->second &= ~kMore;
  }
}

void ShingleIndex::append(std::uint64_t shingle, std::vector<core::Id>& out) const {
  auto slot = first_.find(shingle);
  if (slot == first_.end()) return;
  out.push_back(static_cast<core::Id>(slot->second & ~kMore));
  if ((slot->second & kMore) == 0) return;
  const auto& rest = more_.at(shingle);
  out.insert(out.end(), rest.begin(), rest.end());
}

}  // namespace newsdesk::cluster
