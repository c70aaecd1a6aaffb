// A folded word's hash -> its term id: the clusterer's first step for every
// word of every article. Open addressing with linear probing, because the
// keys come mixed (text::word_hash): their low bits pick the slot, and a
// lookup reads one cache line where a general hash map reads a control
// byte and then a slot. A key of 0 is kept as 1 (0 marks an empty slot):
// one more collision among 64-bit hashes, as rare as the others.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace newsdesk::cluster {

class WordTermTable {
 public:
  // The word's term (which may be "no term"), or nullptr for a word not seen.
  const std::uint32_t* find(std::uint64_t key) const {
    if (slots_.empty()) return nullptr;
    key = key == 0 ? 1 : key;  // 0 marks an empty slot
    for (size_t i = key & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.key == key) return &slot.term;
      if (slot.key == 0) return nullptr;
    }
  }
  // Adds a word not in the table.
  void insert(std::uint64_t key, std::uint32_t term) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    place(key == 0 ? 1 : key, term);
    ++size_;
  }
  size_t size() const { return size_; }
  void clear() {
    slots_.clear();
    size_ = 0;
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t term = 0;
  };
  void place(std::uint64_t key, std::uint32_t term) {
    size_t i = key & mask_;
    while (slots_[i].key != 0) i = (i + 1) & mask_;
    slots_[i] = {key, term};
  }
  void grow() {
    std::vector<Slot> old(std::max<size_t>(1024, slots_.size() * 2));
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.key != 0) place(slot.key, slot.term);
    }
  }
  std::vector<Slot> slots_;  // a power of two, at most half full
  size_t size_ = 0;
  size_t mask_ = 0;
};

}  // namespace newsdesk::cluster
