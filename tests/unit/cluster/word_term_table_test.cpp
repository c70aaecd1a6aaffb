// The word-hash to term table every word goes through.
#include <cstdint>
#include <unordered_map>

#include <gtest/gtest.h>

#include "cluster/word_term_table.hpp"

using newsdesk::cluster::WordTermTable;

TEST(WordTermTable, FindsWhatWasInsertedAndNothingElse) {
  WordTermTable table;
  EXPECT_EQ(table.find(42), nullptr);  // empty, before any slot exists
  table.insert(42, 7);
  table.insert(0, 9);  // 0 marks empty slots inside: it is stored as 1
  ASSERT_NE(table.find(42), nullptr);
  EXPECT_EQ(*table.find(42), 7u);
  ASSERT_NE(table.find(0), nullptr);
  EXPECT_EQ(*table.find(0), 9u);
  EXPECT_EQ(table.find(43), nullptr);
  EXPECT_EQ(table.size(), 2u);
}

TEST(WordTermTable, KeepsEveryWordAsItGrowsAndForgetsThemWhenCleared) {
  WordTermTable table;
  std::unordered_map<std::uint64_t, std::uint32_t> plain;
  std::uint64_t key = 88172645463325252ULL;
  for (std::uint32_t i = 0; i < 50000; ++i) {
    key ^= key << 13;
    key ^= key >> 7;
    key ^= key << 17;
    // Keys that share their low bits too: they collide on the slot and probe on.
    const std::uint64_t k = i % 4 == 0 ? (static_cast<std::uint64_t>(i) << 32) : key;
    if (plain.count(k) != 0 || k == 0 || k == 1) continue;
    table.insert(k, i);
    plain[k] = i;
  }
  EXPECT_EQ(table.size(), plain.size());
  for (const auto& [k, term] : plain) {
    const std::uint32_t* found = table.find(k);
    ASSERT_NE(found, nullptr) << k;
    EXPECT_EQ(*found, term);
  }
  table.clear();
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.find(plain.begin()->first), nullptr);
}
