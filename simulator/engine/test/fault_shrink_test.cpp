// Delta debugging over fault schedules: to a 1-minimal schedule, weakened, deterministic, bounded.
#include "dclcomms/sim/fault_shrink.hpp"

#include <gtest/gtest.h>

#include "dclcomms/sim/scenario.hpp"
#include "dclcomms/sim/scenario_runner.hpp"

namespace dclcomms::sim {
namespace {

using namespace std::chrono_literals;

FaultKey datagram(std::uint64_t number) { return FaultKey{"a", "b", FaultUnit::datagram, number, 0}; }

// 200 decisions: drops, delays and duplicates over datagrams 1..200.
FaultSchedule noisy_schedule() {
  FaultSchedule schedule;
  for (std::uint64_t n = 1; n <= 200; ++n) {
    FaultDecision decision;
    if (n % 3 == 0)
      decision.drop = "loss";
    else if (n % 3 == 1)
      decision.extra_delay = std::chrono::milliseconds(300 + static_cast<std::int64_t>(n));
    else
      decision.duplicate = true;
    schedule.record(datagram(n), decision);
  }
  return schedule;
}

// "Fails" when datagram 42 is dropped and datagram 100 is delayed by at least 20 ms.
bool needs_two(const FaultSchedule& candidate) {
  return candidate.decision(datagram(42)).drop == "loss" && candidate.decision(datagram(100)).extra_delay >= 20ms;
}

TEST(FaultShrink, FindsTheTwoDecisionsThatMatterAndWeakensTheDelay) {
  const auto result = shrink_fault_schedule(noisy_schedule(), needs_two);
  ASSERT_TRUE(result.reproduced);
  EXPECT_FALSE(result.budget_exhausted);
  EXPECT_EQ(result.decisions_before, 200u);
  ASSERT_EQ(result.minimal.size(), 2u);
  EXPECT_EQ(result.minimal.decision(datagram(42)).drop, "loss");
  EXPECT_EQ(result.minimal.decision(datagram(100)).extra_delay, 40ms) << "400 ms tried as 40 ms (kept) and 4 ms (too small)";
  const auto again = shrink_fault_schedule(noisy_schedule(), needs_two);
  EXPECT_EQ(again.minimal, result.minimal) << "deterministic";
  EXPECT_EQ(again.replays, result.replays);
  EXPECT_LT(result.replays, 120u) << "ddmin, not one replay per subset";
}

TEST(FaultShrink, EveryRemainingDecisionIsNeeded) {
  // Fails with at least 3 drops among the first 30 datagrams: any 3 will do; the result has 3.
  const auto three_drops = [](const FaultSchedule& candidate) {
    std::size_t drops = 0;
    for (const auto& [key, decision] : candidate.decisions()) drops += key.number <= 30 && !decision.drop.empty();
    return drops >= 3;
  };
  const auto result = shrink_fault_schedule(noisy_schedule(), three_drops);
  ASSERT_EQ(result.minimal.size(), 3u);
  for (const auto& [key, decision] : result.minimal.decisions()) {
    FaultSchedule fewer = result.minimal;
    fewer.erase(key);
    EXPECT_FALSE(three_drops(fewer)) << describe_fault(key, decision);
  }
}

TEST(FaultShrink, NotReproducedMeansNothingTried) {
  const auto result = shrink_fault_schedule(noisy_schedule(), [](const FaultSchedule&) { return false; });
  EXPECT_FALSE(result.reproduced);
  EXPECT_EQ(result.replays, 1u);
  EXPECT_EQ(result.minimal, noisy_schedule());
}

TEST(FaultShrink, AFailureWithoutFaultsShrinksToNothing) {
  const auto result = shrink_fault_schedule(noisy_schedule(), [](const FaultSchedule&) { return true; });
  EXPECT_EQ(result.minimal.size(), 0u);
  EXPECT_EQ(result.replays, 2u);
}

TEST(FaultShrink, TheBudgetKeepsTheBestSoFar) {
  ShrinkOptions options;
  options.replays_max = 6;
  std::size_t progress_calls = 0;
  options.progress = [&](std::size_t, std::size_t) { ++progress_calls; };
  const auto result = shrink_fault_schedule(noisy_schedule(), needs_two, options);
  EXPECT_TRUE(result.budget_exhausted);
  EXPECT_EQ(result.replays, 6u);
  EXPECT_EQ(progress_calls, 6u);
  EXPECT_TRUE(needs_two(result.minimal)) << "whatever it returns still fails";
  EXPECT_LT(result.minimal.size(), 200u);
  options.replays_max = 500;
  options.time_left = [] { return false; };
  EXPECT_TRUE(shrink_fault_schedule(noisy_schedule(), needs_two, options).budget_exhausted);
}

TEST(FaultShrink, ARealScenarioShrinksToTheDropsItNeeds) {
  // The "failure": at least two datagrams lost to the weather. Shrunk, the schedule is two drops
  // and nothing else, and replaying it gives exactly two loss drops.
  auto scenario = load_scenario(std::string(DCLCOMMS_SOURCE_DIR) + "/fixtures/scenarios/datagram-weather.json");
  ASSERT_TRUE(scenario.ok());
  FaultSchedule recorded;
  RunOptions record{.seed = scenario->seed};
  record.record_faults = &recorded;
  const auto original = run_scenario(*scenario, record);
  FaultSchedule none;
  RunOptions clean{.seed = scenario->seed};
  clean.replay_faults = &none;
  const auto baseline_drops = run_scenario(*scenario, clean).stats.datagrams_dropped;  // partitions, MTU: not link draws
  ASSERT_GE(original.stats.datagrams_dropped, baseline_drops + 2);
  const auto lost_two = [&](const FaultSchedule& candidate) {
    RunOptions replay{.seed = scenario->seed};
    replay.replay_faults = &candidate;
    return run_scenario(*scenario, replay).stats.datagrams_dropped >= baseline_drops + 2;
  };
  const auto result = shrink_fault_schedule(recorded, lost_two);
  ASSERT_TRUE(result.reproduced);
  ASSERT_EQ(result.minimal.size(), 2u);
  for (const auto& [key, decision] : result.minimal.decisions()) EXPECT_FALSE(decision.drop.empty()) << describe_fault(key, decision);
  EXPECT_GT(result.decisions_before, 50u);
}

TEST(FaultShrink, DescribesEachKindOfFault) {
  EXPECT_EQ(describe_fault(datagram(12), {.drop = "loss"}), "a->b datagram 12: dropped (loss)");
  EXPECT_EQ(describe_fault({"b", "a", FaultUnit::segment, 3, 0}, {.extra_delay = 300ms}), "b->a segment 3: delayed +300.000 ms");
  EXPECT_EQ(describe_fault({"a", "b", FaultUnit::datagram, 7, 1}, {.extra_delay = -1500us, .corrupt_bit = 9}),
            "a->b datagram 7 (duplicate copy): delayed -1.500 ms bit 9 flipped");
  EXPECT_EQ(describe_fault(datagram(8), {.duplicate = true}), "a->b datagram 8: duplicated");
}

}  // namespace
}  // namespace dclcomms::sim
