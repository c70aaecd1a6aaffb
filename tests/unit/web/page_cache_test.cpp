// The site's page cache on a clock the test drives: fresh copies, one
// renderer when a copy runs out while the others get the old one, a failed
// render handing the turn on, and copies too old to show.
#include <gtest/gtest.h>

#include "web/page_cache.hpp"

using namespace newsdesk::web;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

std::shared_ptr<const PreparedResponse> page(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.body = body;
  return prepare(std::move(r));
}

}  // namespace

TEST(PageCache, OneRendererWhenACopyRunsOutTheOthersGetTheOldCopy) {
  PageCache cache(seconds(2), seconds(30));
  const PageCache::Time t0{};
  EXPECT_EQ(cache.lookup("/", t0), nullptr) << "nothing kept yet";
  cache.store("/", page(200, "v1"), t0);
  ASSERT_NE(cache.lookup("/", t0 + milliseconds(1999)), nullptr);
  EXPECT_EQ(cache.lookup("/", t0 + seconds(1))->body, "v1");
  // Ran out: the first reader renders, the next ones get v1 meanwhile.
  EXPECT_EQ(cache.lookup("/", t0 + seconds(3)), nullptr);
  ASSERT_NE(cache.lookup("/", t0 + seconds(3)), nullptr);
  EXPECT_EQ(cache.lookup("/", t0 + seconds(4))->body, "v1");
  cache.store("/", page(200, "v2"), t0 + seconds(5));
  EXPECT_EQ(cache.lookup("/", t0 + seconds(6))->body, "v2");
  // Other paths are their own.
  EXPECT_EQ(cache.lookup("/story/1", t0 + seconds(6)), nullptr);
}

TEST(PageCache, AFailedRenderHandsTheTurnOnAndTooOldACopyIsNotShown) {
  PageCache cache(seconds(2), seconds(30));
  const PageCache::Time t0{};
  cache.store("/story/7", page(200, "v1"), t0);
  EXPECT_EQ(cache.lookup("/story/7", t0 + seconds(3)), nullptr);  // the renderer
  cache.store("/story/7", page(500, "store error"), t0 + seconds(3));  // its render failed: not kept
  EXPECT_EQ(cache.lookup("/story/7", t0 + seconds(4)), nullptr) << "the next reader renders";
  EXPECT_EQ(cache.lookup("/story/7", t0 + seconds(4))->body, "v1") << "and the rest still get the old copy";
  // 30 s past its time nobody gets it any more: each renders (the page may have changed for good).
  EXPECT_EQ(cache.lookup("/story/7", t0 + seconds(33)), nullptr);
  EXPECT_EQ(cache.lookup("/story/7", t0 + seconds(33)), nullptr);
  // A 404 is kept like a page (a missing story asked for again and again); a 500 never is.
  cache.store("/story/404", page(404, "not found"), t0);
  EXPECT_EQ(cache.lookup("/story/404", t0 + seconds(1))->status, 404);
  cache.store("/story/500", page(500, "error"), t0);
  EXPECT_EQ(cache.lookup("/story/500", t0 + seconds(1)), nullptr);
}

TEST(PageCache, StaysBoundedInPages) {
  PageCache cache(seconds(2), seconds(30), 3);
  const PageCache::Time t0{};
  for (int i = 0; i < 10; ++i) cache.store("/story/" + std::to_string(i), page(200, "x"), t0);
  int kept = 0;
  for (int i = 0; i < 10; ++i) kept += cache.lookup("/story/" + std::to_string(i), t0) != nullptr ? 1 : 0;
  EXPECT_LE(kept, 3);
  EXPECT_NE(cache.lookup("/story/9", t0), nullptr) << "the newest page is kept";
}
