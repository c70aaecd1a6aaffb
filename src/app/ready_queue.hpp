// The short queue between the sender's composers and its senders. Bounded,
// so memory does not grow with the list; closed when the composers are done
// and nothing is left (nothing more will come), or when the senders are
// (nobody is left to take what comes).
//
// A sender may hand a copy back (no relay would take it from this sender):
// so a copy a sender holds may yet come back, and pop() does not report the
// end while any is held. Otherwise a sender that found the queue empty
// could leave just before another handed its copy back, and the copy would
// stay unsent though a relay was up (seen as a flaky failover test).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace newsdesk::app {

template <class Item>
class ReadyQueue {
 public:
  void open(size_t capacity, size_t composers, size_t senders) {
    std::lock_guard lock(mu_);
    capacity_ = capacity;
    composers_ = composers;
    senders_ = senders;
    held_ = 0;
    items_.clear();
  }
  // False when no sender is left.
  bool push(Item item) {
    std::unique_lock lock(mu_);
    space_.wait(lock, [&] { return items_.size() < capacity_ || senders_ == 0; });
    if (senders_ == 0) return false;
    items_.push_back(std::move(item));
    filled_.notify_one();
    return true;
  }
  // The next copy; the caller holds it until it calls done() or hands it
  // back. Empty when the composers are done, nothing is queued and nothing
  // is held.
  std::optional<Item> pop() {
    std::unique_lock lock(mu_);
    filled_.wait(lock, [&] { return !items_.empty() || (composers_ == 0 && held_ == 0); });
    if (items_.empty()) return std::nullopt;
    Item item = std::move(items_.front());
    items_.pop_front();
    ++held_;
    space_.notify_one();
    return item;
  }
  // A held copy is dealt with (sent, or its outcome recorded).
  void done() {
    std::lock_guard lock(mu_);
    if (--held_ == 0) filled_.notify_all();
  }
  // A held copy the sender could not send: first in line for the others.
  void hand_back(Item item) {
    std::lock_guard lock(mu_);
    items_.push_front(std::move(item));
    --held_;
    filled_.notify_all();
  }
  void composer_done() {
    std::lock_guard lock(mu_);
    if (--composers_ == 0) filled_.notify_all();
  }
  void sender_done() {
    std::lock_guard lock(mu_);
    if (--senders_ == 0) space_.notify_all();
  }
  // Copies composed but never sent (every sender gave up): they stay queued in the ledger.
  size_t leftover() {
    std::lock_guard lock(mu_);
    return items_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable space_, filled_;
  std::deque<Item> items_;
  size_t capacity_ = 1, composers_ = 0, senders_ = 0;
  size_t held_ = 0;  // popped, and neither done nor handed back
};

}  // namespace newsdesk::app
