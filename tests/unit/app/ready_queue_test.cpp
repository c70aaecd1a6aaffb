// The queue between the sender's composers and senders: a copy handed back
// by one sender reaches another, and the end comes only when no copy is
// queued or held.
#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "app/ready_queue.hpp"

using newsdesk::app::ReadyQueue;

// A sender that found the queue empty while another still held a copy
// waits: the holder may hand it back (no relay would take it from that
// sender), and then it must go out through this one. Before, the waiting
// sender left at once and the copy stayed unsent.
TEST(ReadyQueue, ACopyHandedBackReachesASenderThatWasAboutToLeave) {
  ReadyQueue<int> queue;
  queue.open(4, 1, 2);
  ASSERT_TRUE(queue.push(7));
  queue.composer_done();
  std::optional<int> held = queue.pop();  // the first sender takes it
  ASSERT_EQ(held, 7);
  auto other = std::async(std::launch::async, [&] { return queue.pop(); });  // the second finds nothing queued
  // Let the second sender reach the queue first (were it to leave, it would have by now).
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  queue.hand_back(*held);
  EXPECT_EQ(other.get(), 7);
  queue.done();
  EXPECT_EQ(queue.pop(), std::nullopt);  // nothing queued, nothing held: the end
  EXPECT_EQ(queue.leftover(), 0u);
}

TEST(ReadyQueue, TheEndComesWhenTheLastHeldCopyIsDone) {
  ReadyQueue<int> queue;
  queue.open(4, 1, 2);
  ASSERT_TRUE(queue.push(1));
  queue.composer_done();
  ASSERT_EQ(queue.pop(), 1);
  auto other = std::async(std::launch::async, [&] { return queue.pop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  queue.done();  // sent: nothing can come back
  EXPECT_EQ(other.get(), std::nullopt);
}

TEST(ReadyQueue, CopiesNobodyCanSendAreLeftOver) {
  ReadyQueue<int> queue;
  queue.open(4, 1, 1);
  ASSERT_TRUE(queue.push(1));
  ASSERT_TRUE(queue.push(2));
  ASSERT_EQ(queue.pop(), 1);
  queue.hand_back(1);  // every relay is down
  queue.sender_done();
  EXPECT_FALSE(queue.push(3));  // no sender left to take it
  EXPECT_EQ(queue.leftover(), 2u);
}
