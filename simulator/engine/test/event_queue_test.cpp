#include "dclcomms/sim/event_queue.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace dclcomms::sim {
namespace {

core::TimePoint at_ns(std::int64_t ns) { return core::time_point_from_ns(ns); }

TEST(EventQueue, OrdersByTimeThenInsertion) {
  EventQueue queue(100);
  std::vector<int> order;
  queue.schedule(at_ns(20), [&] { order.push_back(3); });
  queue.schedule(at_ns(10), [&] { order.push_back(1); });
  queue.schedule(at_ns(10), [&] { order.push_back(2); });
  queue.schedule(at_ns(20), [&] { order.push_back(4); });
  while (!queue.empty()) queue.pop().action();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
}

TEST(EventQueue, CancelRemovesOnlyThatEvent) {
  EventQueue queue(100);
  std::vector<int> order;
  queue.schedule(at_ns(1), [&] { order.push_back(1); });
  const EventId doomed = queue.schedule(at_ns(2), [&] { order.push_back(2); });
  queue.schedule(at_ns(3), [&] { order.push_back(3); });
  queue.cancel(doomed);
  queue.cancel(doomed);  // twice is a no-op
  queue.cancel(999);     // unknown is a no-op
  EXPECT_EQ(queue.pending(), 2U);
  EXPECT_EQ(queue.next_time(), at_ns(1));
  while (!queue.empty()) queue.pop().action();
  EXPECT_EQ(order, (std::vector<int>{1, 3}));
}

TEST(EventQueue, CancelAfterRunIsNoop) {
  EventQueue queue(100);
  const EventId id = queue.schedule(at_ns(1), [] {});
  queue.pop().action();
  queue.cancel(id);
  EXPECT_EQ(queue.pending(), 0U);
  EXPECT_EQ(queue.next_time(), core::TimePoint::max());
}

// Events scheduled for the time just popped take the FIFO lane; the order stays (time, insertion)
// across the lane and the heap, with cancellations in either.
TEST(EventQueue, SameTimeLaneKeepsTheOrder) {
  EventQueue queue(100);
  std::vector<int> order;
  queue.schedule(at_ns(10), [&] { order.push_back(1); });
  queue.schedule(at_ns(10), [&] { order.push_back(2); });
  queue.schedule(at_ns(20), [&] { order.push_back(7); });
  queue.pop().action();                                                            // 1; now at 10
  const EventId doomed = queue.schedule(at_ns(10), [&] { order.push_back(-1); });  // lane
  queue.schedule(at_ns(5), [&] { order.push_back(0); });                           // heap, earlier than the lane
  queue.schedule(at_ns(10), [&] { order.push_back(3); });                          // lane, after 2 (heap, same time)
  queue.cancel(doomed);
  EXPECT_EQ(queue.pending(), 4U);
  EXPECT_EQ(queue.next_time(), at_ns(5));
  queue.pop().action();                                    // 0; now at 5
  queue.schedule(at_ns(5), [&] { order.push_back(-2); });  // heap: the lane holds time 10
  queue.pop().action();                                    // -2
  queue.pop().action();                                    // 2 (heap, seq 2)
  queue.schedule(at_ns(10), [&] { order.push_back(4); });  // lane again, after 3
  while (!queue.empty()) queue.pop().action();
  EXPECT_EQ(order, (std::vector<int>{1, 0, -2, 2, 3, 4, 7}));
  EXPECT_EQ(queue.next_time(), core::TimePoint::max());
}

TEST(EventQueueDeathTest, BoundIsAsserted) {
  EventQueue queue(2);
  queue.schedule(at_ns(1), [] {});
  queue.schedule(at_ns(1), [] {});
  EXPECT_DEATH(queue.schedule(at_ns(1), [] {}), "pending");
}

}  // namespace
}  // namespace dclcomms::sim
