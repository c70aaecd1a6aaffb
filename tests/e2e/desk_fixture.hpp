// What the site's end-to-end tests start from: a store in a folder of the
// test's own (removed afterwards), and a story with one article from one outlet.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/types.hpp"
#include "store/store.hpp"

namespace desk_fixture {
namespace fs = std::filesystem;

struct TestDir {
  fs::path path;
  explicit TestDir(const std::string& name) : path(fs::temp_directory_path() / fmt::format("newsdesk-{}-{}", name, ::getpid())) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TestDir() { fs::remove_all(path); }
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;
  fs::path db() const { return path / "desk.db"; }
};

// Adds `source`, saves `story` and files `article` from that source under it.
// Returns the article's id (0 after a failure, which fails the test).
inline newsdesk::core::Id seed_story(newsdesk::store::Store& store, const newsdesk::core::Source& source,
                                     const newsdesk::core::Story& story, newsdesk::core::Article article) {
  auto source_id = store.sources().add(source);
  EXPECT_TRUE(source_id);
  EXPECT_TRUE(store.stories().save(story));
  if (!source_id) return 0;
  article.source_id = *source_id;
  auto added = store.articles().add(article);
  EXPECT_TRUE(added);
  if (!added) return 0;
  EXPECT_TRUE(store.articles().assign(added->id, story.id, std::nullopt));
  return added->id;
}

}  // namespace desk_fixture
