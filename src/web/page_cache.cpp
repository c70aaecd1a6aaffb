#include "web/page_cache.hpp"

#include <mutex>

namespace newsdesk::web {

std::shared_ptr<const PreparedResponse> PageCache::lookup(std::string_view path, Time now) {
  {
    std::shared_lock lock(mutex_);  // the common case: a fresh copy, readers side by side
    auto it = pages_.find(path);
    if (it == pages_.end()) return nullptr;
    if (now <= it->second.expires) return it->second.page;
  }
  std::unique_lock lock(mutex_);
  auto it = pages_.find(path);
  if (it == pages_.end()) return nullptr;
  Entry& entry = it->second;
  if (now <= entry.expires) return entry.page;  // renewed meanwhile
  if (now > entry.expires + stale_for_) return nullptr;  // too old to show: everyone renders
  if (!entry.renewing) {
    entry.renewing = true;  // this caller renders it anew
    return nullptr;
  }
  return entry.page;
}

void PageCache::store(const std::string& path, std::shared_ptr<const PreparedResponse> page, Time now) {
  std::unique_lock lock(mutex_);
  if (page->status == 200 || page->status == 404) {
    if (pages_.size() >= max_pages_ && pages_.find(path) == pages_.end()) pages_.clear();  // bounded: story pages are many
    pages_[path] = {std::move(page), now + ttl_, false};
  } else if (auto it = pages_.find(path); it != pages_.end()) {
    it->second.renewing = false;  // it failed: the next reader tries again
  }
}

}  // namespace newsdesk::web
