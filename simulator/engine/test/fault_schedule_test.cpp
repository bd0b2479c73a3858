// Fault schedules: a run's link decisions recorded as explicit faults replay to the same trace;
// a decision left out is no fault; the JSON form round-trips and refuses malformed files clearly.
#include "dclcomms/sim/fault_schedule.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "dclcomms/sim/scenario.hpp"
#include "dclcomms/sim/scenario_runner.hpp"

namespace dclcomms::sim {
namespace {

std::string source_dir() {
  const char* dir = std::getenv("DCLCOMMS_SOURCE_DIR");
  return dir ? dir : DCLCOMMS_SOURCE_DIR;
}

Scenario fixture(const std::string& name) {
  auto scenario = load_scenario(source_dir() + "/fixtures/scenarios/" + name + ".json");
  EXPECT_TRUE(scenario.ok()) << name;
  return std::move(scenario).value();
}

struct Recorded {
  RunResult run;
  FaultSchedule schedule;
};

Recorded record(const Scenario& scenario, std::uint64_t seed) {
  Recorded out;
  RunOptions options{.seed = seed};
  options.record_faults = &out.schedule;
  out.run = run_scenario(scenario, options);
  return out;
}

RunResult replay(const Scenario& scenario, std::uint64_t seed, const FaultSchedule& schedule) {
  RunOptions options{.seed = seed};
  options.replay_faults = &schedule;
  return run_scenario(scenario, options);
}

class FixtureSchedules : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureSchedules, ReplayingTheRecordedScheduleGivesTheSameTrace) {
  const Scenario scenario = fixture(GetParam());
  const auto recorded = record(scenario, scenario.seed);
  EXPECT_EQ(recorded.run.digest, run_scenario(scenario, RunOptions{.seed = scenario.seed}).digest) << "recording changes nothing";
  EXPECT_GT(recorded.schedule.size(), 0u) << "every fixture has faulty weather";
  const auto replayed = replay(scenario, scenario.seed, recorded.schedule);
  EXPECT_EQ(replayed.digest, recorded.run.digest);
  EXPECT_EQ(replayed.events, recorded.run.events);
  const auto parsed = FaultSchedule::from_json(recorded.schedule.to_json());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, recorded.schedule) << "the JSON form round-trips";
  FaultSchedule again;
  RunOptions options{.seed = scenario.seed};
  options.replay_faults = &*parsed;
  options.record_faults = &again;
  EXPECT_EQ(run_scenario(scenario, options).digest, recorded.run.digest);
  EXPECT_EQ(again, recorded.schedule) << "a replay records exactly the schedule it replays";
}

INSTANTIATE_TEST_SUITE_P(All, FixtureSchedules, ::testing::Values("datagram-weather", "stream-partition", "crash-pause"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

TEST(FaultSchedule, AnEmptyScheduleIsAFaultFreeNetwork) {
  const Scenario scenario = fixture("datagram-weather");
  const auto recorded = record(scenario, scenario.seed);
  ASSERT_GT(recorded.run.stats.datagrams_dropped, 0u);
  FaultSchedule none;
  FaultSchedule seen;
  RunOptions options{.seed = scenario.seed};
  options.replay_faults = &none;
  options.record_faults = &seen;
  const auto clean = run_scenario(scenario, options);
  EXPECT_NE(clean.digest, recorded.run.digest);
  EXPECT_EQ(seen.size(), 0u) << "no decision was a fault";
  EXPECT_LT(clean.stats.datagrams_dropped, recorded.run.stats.datagrams_dropped);
}

TEST(FaultSchedule, RemovingADecisionRemovesThatFaultOnly) {
  const Scenario scenario = fixture("datagram-weather");
  const auto recorded = record(scenario, scenario.seed);
  // The first drop of the run: without it that datagram is delivered.
  const FaultKey* first_drop = nullptr;
  for (const auto& [key, decision] : recorded.schedule.decisions()) {
    if (!decision.drop.empty()) {
      first_drop = &key;
      break;
    }
  }
  ASSERT_NE(first_drop, nullptr);
  FaultSchedule fewer = recorded.schedule;
  fewer.erase(*first_drop);
  const auto a = replay(scenario, scenario.seed, fewer);
  const auto b = replay(scenario, scenario.seed, fewer);
  EXPECT_EQ(a.digest, b.digest) << "a schedule replays deterministically";
  EXPECT_NE(a.digest, recorded.run.digest);
  EXPECT_EQ(a.stats.datagrams_dropped + 1, recorded.run.stats.datagrams_dropped);
}

RC_GTEST_PROP(FaultScheduleProperties, AnySeedReplaysToItsOwnTrace, ()) {
  static const Scenario scenario = fixture("datagram-weather");
  const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
  const auto recorded = record(scenario, seed);
  RC_ASSERT(replay(scenario, seed, recorded.schedule).digest == recorded.run.digest);
}

TEST(FaultScheduleJson, MalformedFilesAreRefusedNamingTheEntry) {
  const std::string head = R"({"format":"dclcomms-fault-schedule","version":1,"faults":[)";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"[1,2]", "not a JSON object"},
      {"{\"format\":\"x\",\"version\":1,\"faults\":[]}", "\"format\" must be \"dclcomms-fault-schedule\""},
      {R"({"format":"dclcomms-fault-schedule","version":2,"faults":[]})", "\"version\" must be 1"},
      {head + R"({"from":"a","to":"b","datagram":1,"drop":"loss","zap":1}]})", "faults[0]: unknown field \"zap\""},
      {head + R"({"from":"a","to":"b","datagram":0,"drop":"loss"}]})", "faults[0]: the number must be an integer >= 1"},
      {head + R"({"from":"a","to":"a","datagram":1,"drop":"loss"}]})", "faults[0]: \"from\" and \"to\" are the same host"},
      {head + R"({"from":"a","to":"b","datagram":1,"segment":1,"drop":"loss"}]})",
       "faults[0]: exactly one of \"datagram\" and \"segment\" must give the number"},
      {head + R"({"from":"a","to":"b","segment":1,"corrupt_bit":3}]})",
       "faults[0]: \"corrupt_bit\" must be a bit index, and only for datagrams"},
      {head + R"({"from":"a","to":"b","datagram":1,"drop":"gone"}]})", "faults[0]: \"drop\" is \"loss\" or \"burst_loss\""},
      {head + R"({"from":"a","to":"b","datagram":1,"drop":"loss","extra_delay_ns":5}]})", "faults[0]: a dropped packet has no other fault"},
      {head + R"({"from":"a","to":"b","datagram":1}]})", "faults[0]: no fault given (drop, duplicate, extra_delay_ns or corrupt_bit)"},
      {head + R"({"from":"a","to":"b","datagram":1,"duplicate":true},{"from":"a","to":"b","datagram":1,"drop":"loss"}]})",
       "faults[1]: a second entry for a->b datagram 1 copy 0"},
  };
  for (const auto& [text, message] : cases) {
    const auto parsed = FaultSchedule::from_json(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().message, message) << text;
  }
}

TEST(FaultScheduleJson, OneDecisionPerLineInKeyOrder) {
  FaultSchedule schedule;
  schedule.record({"b", "a", FaultUnit::segment, 3, 0}, {.drop = "loss"});
  schedule.record({"a", "b", FaultUnit::datagram, 7, 1}, {.extra_delay = std::chrono::milliseconds(300), .corrupt_bit = 12});
  schedule.record({"a", "b", FaultUnit::datagram, 7, 0}, {.duplicate = true});
  schedule.record({"a", "b", FaultUnit::datagram, 8, 0}, {});
  EXPECT_EQ(schedule.size(), 3u) << "no fault, no entry";
  EXPECT_EQ(schedule.to_json(),
            "{\"format\":\"dclcomms-fault-schedule\",\"version\":1,\"faults\":[\n"
            "  {\"from\":\"a\",\"to\":\"b\",\"datagram\":7,\"duplicate\":true},\n"
            "  {\"from\":\"a\",\"to\":\"b\",\"datagram\":7,\"copy\":1,\"extra_delay_ns\":300000000,\"corrupt_bit\":12},\n"
            "  {\"from\":\"b\",\"to\":\"a\",\"segment\":3,\"drop\":\"loss\"}\n"
            "]}\n");
}

}  // namespace
}  // namespace dclcomms::sim
