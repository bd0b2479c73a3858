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

TEST(EventQueueDeathTest, BoundIsAsserted) {
  EventQueue queue(2);
  queue.schedule(at_ns(1), [] {});
  queue.schedule(at_ns(1), [] {});
  EXPECT_DEATH(queue.schedule(at_ns(1), [] {}), "pending");
}

}  // namespace
}  // namespace dclcomms::sim
