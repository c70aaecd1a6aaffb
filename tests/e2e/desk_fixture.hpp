// What the site's end-to-end tests start from: the store backends every test
// that keeps a desk runs on, and a story with one article from one outlet.
//
// A test that keeps a desk is value-parameterised over the backends and opens
// a fresh desk (test_support::ScratchDatabase: a temporary SQLite file, or a
// database of its own on the tests' PostgreSQL server) in the test body:
//
//   class Api : public ::testing::TestWithParam<std::string> {};
//   INSTANTIATE_TEST_SUITE_P(Backends, Api, desk_fixture::backends(), test_support::BackendName());
//   TEST_P(Api, ...) {
//     auto desk = test_support::ScratchDatabase::create(GetParam());
//     ASSERT_TRUE(desk) << desk.error().message;
//     auto store = store::open_store((*desk)->location());
//     ...
//     config.store.set_location((*desk)->location());  // for what opens a store of its own
//
// Without a reachable PostgreSQL server the postgresql variant fails; it never skips.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "core/types.hpp"
#include "store/store.hpp"
#include "test_store.hpp"

namespace desk_fixture {

// "sqlite" and "postgresql", for INSTANTIATE_TEST_SUITE_P (named by test_support::BackendName).
inline auto backends() { return ::testing::ValuesIn(newsdesk::test_support::store_backends()); }

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
