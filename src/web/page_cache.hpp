// Rendered public pages kept for a moment: the same bytes for every reader,
// so a busy page costs one render per `ttl`. When a copy runs out, the first
// reader to ask renders it anew while the others still get the old copy (for
// at most `stale_for` past its time), so readers never all go to the store at
// once. Thread-safe; the time is the caller's, so tests can drive it.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "web/http_server.hpp"

namespace newsdesk::web {

class PageCache {
 public:
  using Time = std::chrono::steady_clock::time_point;
  PageCache(std::chrono::seconds ttl, std::chrono::seconds stale_for, size_t max_pages = 2000)
      : ttl_(ttl), stale_for_(stale_for), max_pages_(max_pages) {}

  // The copy to answer with, or nullptr: then the caller renders the page
  // and gives the result to `store` (or `failed`). A caller that gets nullptr
  // for an expired page is its one renderer until then.
  std::shared_ptr<const PreparedResponse> lookup(std::string_view path, Time now);
  // Keeps a 200 or 404 page for `ttl` from `now`; anything else only ends the renewal.
  void store(const std::string& path, std::shared_ptr<const PreparedResponse> page, Time now);

 private:
  struct Entry {
    std::shared_ptr<const PreparedResponse> page;
    Time expires;
    bool renewing = false;
  };
  std::chrono::seconds ttl_, stale_for_;
  size_t max_pages_;
  std::shared_mutex mutex_;
  std::map<std::string, Entry, std::less<>> pages_;
};

}  // namespace newsdesk::web
