#include "dclcomms/core/manual_runtime.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dclcomms::core {
namespace {

using namespace std::chrono_literals;

TEST(ManualRuntime, RunsCallbacksInTimeThenInsertionOrder) {
  ManualRuntime runtime;
  std::vector<std::string> order;
  runtime.schedule_at(runtime.now() + 2ms, [&] { order.push_back("t2-a"); });
  runtime.schedule_at(runtime.now() + 1ms, [&] { order.push_back("t1"); });
  runtime.schedule_at(runtime.now() + 2ms, [&] { order.push_back("t2-b"); });
  runtime.post([&] { order.push_back("now"); });
  EXPECT_EQ(runtime.run_until_idle(), 4u);
  EXPECT_EQ(order, (std::vector<std::string>{"now", "t1", "t2-a", "t2-b"}));
  EXPECT_EQ(runtime.now(), TimePoint{} + 2ms);
}

TEST(ManualRuntime, AdvanceStopsAtTheLimitAndMovesTheClock) {
  ManualRuntime runtime;
  int fired = 0;
  runtime.schedule_at(runtime.now() + 10ms, [&] { ++fired; });
  EXPECT_EQ(runtime.advance(9ms), 0u);
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(runtime.now(), TimePoint{} + 9ms);
  EXPECT_EQ(runtime.advance(1ms), 1u);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(runtime.pending(), 0u);
}

TEST(ManualRuntime, CancelledCallbacksNeverRun) {
  ManualRuntime runtime;
  bool ran = false;
  const TimerId id = runtime.schedule_at(runtime.now() + 1ms, [&] { ran = true; });
  runtime.cancel(id);
  runtime.cancel(id);       // twice: a no-op
  runtime.cancel(id + 99);  // unknown: a no-op
  runtime.run_until_idle();
  EXPECT_FALSE(ran);
}

TEST(ManualRuntime, CallbacksPostedWhileRunningRunAfterTheCurrentOne) {
  ManualRuntime runtime;
  std::vector<int> order;
  runtime.post([&] {
    runtime.post([&] { order.push_back(2); });
    order.push_back(1);
  });
  runtime.run_ready();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(ManualRuntime, PastDeadlinesFireNowInOrder) {
  ManualRuntime runtime(TimePoint{} + 5ms);
  std::vector<int> order;
  runtime.schedule_at(TimePoint{}, [&] { order.push_back(1); });
  runtime.schedule_at(TimePoint{} + 1ms, [&] { order.push_back(2); });
  runtime.run_ready();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(runtime.now(), TimePoint{} + 5ms);
}

TEST(ManualRuntime, RunUntilIdleIsBoundedAgainstSelfRescheduling) {
  ManualRuntime runtime;
  std::function<void()> again = [&] { runtime.schedule_at(runtime.now() + 1ms, again); };
  runtime.post(again);
  EXPECT_EQ(runtime.run_until_idle(50), 50u);
  EXPECT_EQ(runtime.pending(), 1u);
  EXPECT_EQ(runtime.next_deadline(), TimePoint{} + 50ms);
}

}  // namespace
}  // namespace dclcomms::core
