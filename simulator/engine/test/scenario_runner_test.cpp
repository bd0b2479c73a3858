// run_scenario: faults happen when scheduled and workloads behave as host software.
#include "dclcomms/sim/scenario_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "dclcomms/sim/trace_file.hpp"

namespace dclcomms::sim {
namespace {

struct Line {
  std::int64_t t_ns;
  std::string kind, carrier, from, to, detail;
};

std::vector<Line> run_lines(std::string_view json_text, std::uint64_t seed) {
  auto scenario = parse_scenario(json_text);
  EXPECT_TRUE(scenario.ok()) << (scenario.ok() ? "" : scenario.error().message);
  MemoryTraceSink sink;
  run_scenario(*scenario, RunOptions{seed, &sink, {}});
  std::vector<Line> lines;
  for (const std::string& text : sink.lines) {
    const auto j = nlohmann::json::parse(text);
    lines.push_back(Line{j["t_ns"], j["kind"], j["carrier"], j["from"], j["to"], j["detail"]});
  }
  return lines;
}

constexpr std::int64_t ms = 1'000'000;

TEST(ScenarioRunner, PartitionsBlockAndHealAsScheduled) {
  const auto lines = run_lines(R"({"duration_ms": 3000,
    "nodes": [{"name": "a"}, {"name": "b"}],
    "default_link": {"latency_us": 10000},
    "faults": [{"at_ms": 1000, "action": "partition", "a": ["a"], "b": ["b"]},
               {"at_ms": 2000, "action": "heal"}],
    "workloads": [{"kind": "periodic", "from": "a", "to": "b", "bytes": 50, "rate_hz": 100},
                  {"kind": "periodic", "from": "b", "to": "a", "bytes": 50, "rate_hz": 100}]})",
                               3);
  int delivered_before = 0;
  int delivered_after = 0;
  int partitioned_drops = 0;
  for (const Line& line : lines) {
    if (line.kind == "deliver") {
      EXPECT_FALSE(line.t_ns >= 1000 * ms && line.t_ns < 2000 * ms) << "delivered during the partition";
      (line.t_ns < 1000 * ms ? delivered_before : delivered_after)++;
    }
    if (line.kind == "drop" && line.detail == "partitioned") {
      EXPECT_GE(line.t_ns, 1000 * ms);
      EXPECT_LT(line.t_ns, 2000 * ms);
      ++partitioned_drops;
    }
  }
  EXPECT_GT(delivered_before, 150);
  EXPECT_GT(delivered_after, 150);
  EXPECT_GT(partitioned_drops, 150);
}

TEST(ScenarioRunner, HoldAndReleaseFromTheSchedule) {
  const auto lines = run_lines(R"({"duration_ms": 1000,
    "nodes": [{"name": "a"}, {"name": "b"}],
    "default_link": {"latency_us": 1000},
    "faults": [{"at_ms": 200, "action": "hold", "from": "a", "to": "b"},
               {"at_ms": 500, "action": "release", "from": "a", "to": "b"}],
    "workloads": [{"kind": "periodic", "from": "a", "to": "b", "bytes": 20, "rate_hz": 100}]})",
                               8);
  int delivered_at_release = 0;
  for (const Line& line : lines) {
    if (line.kind != "deliver") continue;
    EXPECT_FALSE(line.t_ns > 201 * ms && line.t_ns < 500 * ms);
    if (line.t_ns == 500 * ms) ++delivered_at_release;
  }
  EXPECT_GE(delivered_at_release, 29);
}

TEST(ScenarioRunner, CrashStopsWorkloadAndRestartRearmsIt) {
  const auto lines = run_lines(R"({"duration_ms": 3000,
    "nodes": [{"name": "a"}, {"name": "b"}],
    "default_link": {"latency_us": 1000},
    "faults": [{"at_ms": 1000, "action": "crash", "host": "a"},
               {"at_ms": 2000, "action": "restart", "host": "a"}],
    "workloads": [{"kind": "periodic", "from": "a", "to": "b", "bytes": 50, "rate_hz": 10}]})",
                               4);
  int sends_down = 0;
  int sends_after = 0;
  for (const Line& line : lines) {
    if (line.kind != "send") continue;
    if (line.t_ns >= 1000 * ms && line.t_ns < 2000 * ms) ++sends_down;
    if (line.t_ns >= 2000 * ms) ++sends_after;
  }
  EXPECT_EQ(sends_down, 0);
  EXPECT_GE(sends_after, 9);
}

TEST(ScenarioRunner, RequestResponseOverStreamsReportsRoundTrips) {
  const auto lines = run_lines(R"({"duration_ms": 2000,
    "nodes": [{"name": "client", "clock_skew_us": 777777}, {"name": "server"}],
    "default_link": {"latency_us": 25000},
    "workloads": [{"kind": "request_response", "client": "client", "server": "server",
                   "request_bytes": 100, "response_bytes": 100, "rate_hz": 10, "carrier": "stream"}]})",
                               5);
  int round_trips = 0;
  for (const Line& line : lines) {
    if (line.kind == "app" && line.detail.rfind("rtt ", 0) == 0) {
      ++round_trips;
      // Same host clock at both ends of the measurement: skew cancels, RTT is 2 x 25 ms.
      EXPECT_NE(line.detail.find("rtt_ns=50000000"), std::string::npos) << line.detail;
    }
  }
  EXPECT_GE(round_trips, 18);
}

TEST(ScenarioRunner, StreamToCrashedPeerIsResetNotSilentlyLost) {
  const auto lines = run_lines(R"({"duration_ms": 2000,
    "nodes": [{"name": "a"}, {"name": "b"}],
    "default_link": {"latency_us": 5000},
    "faults": [{"at_ms": 500, "action": "crash", "host": "b"}],
    "workloads": [{"kind": "periodic", "from": "a", "to": "b", "bytes": 50, "rate_hz": 10, "carrier": "stream"}]})",
                               6);
  int resets = 0;
  for (const Line& line : lines) {
    if (line.kind == "stream_reset") ++resets;
  }
  EXPECT_GE(resets, 10);  // the first at the crash, then one per reopen attempt
}

}  // namespace
}  // namespace dclcomms::sim
