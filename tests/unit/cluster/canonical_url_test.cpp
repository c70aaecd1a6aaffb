#include <gtest/gtest.h>

#include "cluster/canonical_url.hpp"

using newsdesk::cluster::canonical_url;

TEST(CanonicalUrl, DropsTrackingDefaultPortAndFragment) {
  EXPECT_EQ(canonical_url("HTTP://News.Example.COM:80/a/b?utm_source=rss&id=7&fbclid=zz&b=2#top"),
            "http://news.example.com/a/b?b=2&id=7");
  EXPECT_EQ(canonical_url("https://x.example:443"), "https://x.example/");
  EXPECT_EQ(canonical_url("https://x.example:8443/p?gclid=1&mc_cid=2&mc_eid=3"), "https://x.example:8443/p");
}

TEST(CanonicalUrl, IsIdempotent) {
  for (const char* u : {"http://a.example/x?b=1&a=2&utm_medium=feed", "https://b.example/", "not a url",
                        "http://[::1]:8080/p?z=1#f"}) {
    std::string once = canonical_url(u);
    EXPECT_EQ(canonical_url(once), once) << u;
  }
}

TEST(CanonicalUrl, LeavesNonHttpAlone) {
  EXPECT_EQ(canonical_url("  mailto:x@example.com "), "mailto:x@example.com");
}
