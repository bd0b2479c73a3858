// Determinism is the product: same scenario + seed => same trace, byte for byte.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

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

// The digest's canonical layout, pinned: these values were computed from docs/trace-format.md by
// an independent implementation (a few lines of Python over the words and bytes it lists).
TEST(TraceDigest, KnownAnswerForTheDocumentedLayout) {
  TraceDigest digest;
  digest.add_event(0, TraceEvent{core::time_point_from_ns(1234), TraceKind::deliver, Carrier::stream, "room-server", "peer-7",
                                 (std::uint64_t{3} << 32) | 5, 30, ""});
  EXPECT_EQ(format_digest(digest.value()), "46ff5874287296b8");
  digest.add_event(1, TraceEvent{core::time_point_from_ns(2000), TraceKind::fault, Carrier::none, "", "", 0, 0, "partition a,b|c \"q\"\n"});
  EXPECT_EQ(format_digest(digest.value()), "970039c8fe2e2c63");
}

// Moving a byte between adjacent strings changes the digest (lengths are part of the layout).
TEST(TraceDigest, StringBoundariesCount) {
  TraceDigest a;
  TraceDigest b;
  a.add_event(0, TraceEvent{core::TimePoint{}, TraceKind::app, Carrier::none, "ab", "c", 0, 0, ""});
  b.add_event(0, TraceEvent{core::TimePoint{}, TraceKind::app, Carrier::none, "a", "bc", 0, 0, ""});
  EXPECT_NE(a.value(), b.value());
}

// A sink that wants no lines gets none, and the digest is the same as with lines.
TEST(TraceDigest, SinkWithoutLinesSeesTheSameDigests) {
  struct DigestOnly final : TraceSink {
    void write_line(std::string_view) override { ++lines; }
    bool wants_lines() const override { return false; }
    void after_event(std::uint64_t digest) override { digests.push_back(digest); }
    std::uint64_t lines = 0;
    std::vector<std::uint64_t> digests;
  };
  struct WithLines final : TraceSink {
    void write_line(std::string_view line) override { lines.emplace_back(line); }
    void after_event(std::uint64_t digest) override { digests.push_back(digest); }
    std::vector<std::string> lines;
    std::vector<std::uint64_t> digests;
  };
  DigestOnly quiet;
  WithLines loud;
  const RunResult a = run_scenario(small(), RunOptions{5, &quiet, {}});
  const RunResult b = run_scenario(small(), RunOptions{5, &loud, {}});
  EXPECT_EQ(quiet.lines, 0U);
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(quiet.digests, loud.digests);
  ASSERT_EQ(loud.lines.size(), a.events);
  EXPECT_EQ(quiet.digests.back(), a.digest);
  // Every line read back gives the fields the tracer hashed.
  TraceDigest recomputed;
  for (std::size_t i = 0; i < loud.lines.size(); ++i) {
    ParsedTraceEvent event;
    ASSERT_TRUE(parse_trace_event(loud.lines[i], event).ok()) << loud.lines[i];
    recomputed.add_event(event.seq, event.event);
    ASSERT_EQ(recomputed.value(), loud.digests[i]) << "line " << i << ": " << loud.lines[i];
  }
}

// The reader recomputes the digest from the lines' fields: an edited field no longer matches the
// footer, a line that is not an event is refused, and a seq out of order is named.
TEST(TraceFile, AnEditedFieldChangesTheRecomputedDigest) {
  const std::string original = trace_text(small(), 3);
  const auto first_event = original.find('\n') + 1;
  std::string edited = original;
  const auto bytes_at = edited.find("\"bytes\":", first_event);
  ASSERT_NE(bytes_at, std::string::npos);
  edited.insert(bytes_at + 8, "1");  // bytes N -> 1N
  std::istringstream in_original(original);
  std::istringstream in_edited(edited);
  const auto good = read_trace_file(in_original, "good");
  const auto bad = read_trace_file(in_edited, "bad");
  ASSERT_TRUE(good.ok() && bad.ok());
  EXPECT_EQ(good->digest, good->footer->digest);
  EXPECT_NE(bad->digest, bad->footer->digest);

  std::string garbage = original;
  garbage.insert(first_event, "not json\n");
  std::istringstream in_garbage(garbage);
  const auto refused = read_trace_file(in_garbage, "garbage");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, TraceFileErrorCode::bad_event);
  EXPECT_NE(refused.error().message.find("garbage:2:"), std::string::npos) << refused.error().message;

  std::string reordered = original;
  reordered.replace(reordered.find("{\"seq\":0,"), 9, "{\"seq\":7,");
  std::istringstream in_reordered(reordered);
  const auto out_of_order = read_trace_file(in_reordered, "reordered");
  ASSERT_FALSE(out_of_order.ok());
  EXPECT_NE(out_of_order.error().message.find("seq 7 where 0 was due"), std::string::npos) << out_of_order.error().message;
}

}  // namespace
}  // namespace dclcomms::sim
