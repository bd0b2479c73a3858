// Determinism is the product: same scenario + seed => same trace, byte for byte.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "dclcomms/sim/determinism_check.hpp"
#include "dclcomms/sim/scenario.hpp"
#include "dclcomms/sim/scenario_runner.hpp"
#include "dclcomms/sim/trace_file.hpp"

namespace dclcomms::sim {
namespace {

// Small but busy: every datagram fault, a stream, a partition and a crash in 600 ms.
constexpr std::string_view small_json = R"({
  "name": "small", "seed": 1, "duration_ms": 600,
  "nodes": [{"name": "a"}, {"name": "b", "clock_skew_us": 300}, {"name": "c"}],
  "default_link": {"latency_us": 5000, "jitter": {"kind": "normal", "stddev_us": 2000, "max_us": 20000},
                   "loss": "1/10", "duplication": "1/20", "reordering": "1/20", "reorder_delay_us": 3000,
                   "corruption": "1/20"},
  "faults": [{"at_ms": 200, "action": "partition", "a": ["a"], "b": ["c"]},
             {"at_ms": 300, "action": "heal"},
             {"at_ms": 350, "action": "crash", "host": "c"},
             {"at_ms": 450, "action": "restart", "host": "c"}],
  "workloads": [{"kind": "periodic", "from": "a", "to": "*", "bytes": 64, "rate_hz": 50},
                {"kind": "request_response", "client": "b", "server": "c", "request_bytes": 32,
                 "response_bytes": 3000, "rate_hz": 20, "carrier": "stream"}]
})";

Scenario small() {
  auto scenario = parse_scenario(small_json);
  DCL_ASSERT(scenario.ok());
  return std::move(scenario).value();
}

TEST(Determinism, SameSeedSameDigest) {
  const Scenario scenario = small();
  const RunResult first = run_scenario(scenario, RunOptions{42, nullptr, {}});
  const RunResult second = run_scenario(scenario, RunOptions{42, nullptr, {}});
  EXPECT_EQ(first.digest, second.digest);
  EXPECT_EQ(first.events, second.events);
  EXPECT_GT(first.events, 100U);
}

TEST(Determinism, ThousandSeedsEachTwiceAndAllDistinct) {
  const Scenario scenario = small();
  std::set<std::uint64_t> digests;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    const std::uint64_t first = run_scenario(scenario, RunOptions{seed, nullptr, {}}).digest;
    const std::uint64_t second = run_scenario(scenario, RunOptions{seed, nullptr, {}}).digest;
    ASSERT_EQ(first, second) << "seed " << seed;
    digests.insert(first);
  }
  EXPECT_EQ(digests.size(), 1000U);  // different seed => different digest
}

TEST(Determinism, CheckDeterminismPassesOnSameSeed) {
  const DeterminismReport report = check_determinism(small(), 9);
  EXPECT_FALSE(report.divergence.has_value());
  EXPECT_EQ(report.first.digest, report.second.digest);
}

TEST(Determinism, CheckDeterminismNamesFirstDifferingLine) {
  const Scenario scenario = small();
  MemoryTraceSink run_9;
  MemoryTraceSink run_10;
  run_scenario(scenario, RunOptions{9, &run_9, {}});
  run_scenario(scenario, RunOptions{10, &run_10, {}});
  std::size_t expected = 0;
  while (run_9.lines[expected] == run_10.lines[expected]) ++expected;

  const DeterminismReport report = check_determinism(scenario, 9, /*second_seed_for_tests=*/10);
  ASSERT_TRUE(report.divergence.has_value());
  EXPECT_EQ(report.divergence->event_index, expected);
  EXPECT_EQ(report.divergence->first, run_9.lines[expected]);
  EXPECT_EQ(report.divergence->second, run_10.lines[expected]);
}

std::string trace_text(const Scenario& scenario, std::uint64_t seed) {
  std::ostringstream out;
  out << trace_header_line(scenario, seed) << '\n';
  StreamTraceSink sink(out);
  const RunResult result = run_scenario(scenario, RunOptions{seed, &sink, {}});
  out << trace_footer_line(result) << '\n';
  return out.str();
}

TEST(TraceDiff, FindsAnInjectedDivergence) {
  const std::string original = trace_text(small(), 5);
  std::istringstream lines(original);
  std::string edited;
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (number == 57) line.replace(line.find("\"t_ns\":"), 7, "\"t_ns\":9");
    edited += line + '\n';
  }
  std::istringstream a(original);
  std::istringstream b(edited);
  const auto difference = first_difference(a, b, 3);
  ASSERT_TRUE(difference.has_value());
  EXPECT_EQ(difference->line_number, 57U);
  EXPECT_EQ(difference->context.size(), 3U);
  ASSERT_TRUE(difference->line_b.has_value());
  EXPECT_NE(difference->line_b->find("\"t_ns\":9"), std::string::npos);

  std::istringstream same_a(original);
  std::istringstream same_b(original);
  EXPECT_FALSE(first_difference(same_a, same_b).has_value());
}

TEST(TraceDiff, AnInjectedFaultDivergesAtTheFaultItself) {
  Scenario scenario = small();
  Scenario changed = scenario;
  FaultSpec extra;
  extra.at = std::chrono::milliseconds(250);
  extra.action = FaultAction::set_link;
  extra.link = LinkSpec{"a", "b", false, *scenario.default_link};
  extra.link.faults.latency = std::chrono::milliseconds(50);
  changed.faults.insert(changed.faults.begin() + 1, extra);  // keeps the list sorted by time
  std::istringstream a(trace_text(scenario, 3));
  std::istringstream b(trace_text(changed, 3));
  const auto difference = first_difference(a, b, 2);
  ASSERT_TRUE(difference.has_value());
  ASSERT_TRUE(difference->line_b.has_value());
  EXPECT_NE(difference->line_b->find("\"t_ns\":250000000,\"kind\":\"fault\""), std::string::npos) << *difference->line_b;
}

TEST(TraceFile, RoundTripsHeaderFooterAndDigest) {
  const Scenario scenario = small();
  std::istringstream in(trace_text(scenario, 77));
  const auto file = read_trace_file(in, "memory");
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->header.seed, 77U);
  ASSERT_TRUE(file->footer.has_value());
  EXPECT_EQ(file->footer->digest, file->digest);
  EXPECT_EQ(file->footer->events, file->event_lines);
  const auto replayed = parse_scenario(file->header.scenario_json);
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(run_scenario(*replayed, RunOptions{77, nullptr, {}}).digest, file->digest);
}

}  // namespace
}  // namespace dclcomms::sim
