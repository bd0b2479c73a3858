// --shrink: a failing weather case's thousands of fault decisions shrink to the one or two that
// make a transport fail, the same way every time; the minimal schedule replays to the same failure
// and a perfect network passes.
#include <gtest/gtest.h>

#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/conformance/runner.hpp"

namespace dclcomms::conformance {
namespace {

using namespace std::chrono_literals;

// mutant-one-message-per-tick (conformance/mutants): the reference ws-room transport with a receive
// loop that handles one message per 40 ms. On a good network the case's packets arrive 50 ms apart
// and nothing is lost; it takes a loss and its retransmission (head-of-line blocking bunches the
// messages queued behind it) to break it.
TransportUnderTest one_message_per_tick() { return *find_transport("mutant-one-message-per-tick"); }

constexpr const char* weather_case = "wsroom.faults.reliable_exactly_once.lossy-5pct";

RunSummary run(const TransportUnderTest& transport, RunOptions options) {
  options.seed = 1;
  options.cases_glob = weather_case;
  return run_catalogue(transport, options);
}

TEST(Shrink, AWeatherFailureShrinksToTheFaultThatCausesIt) {
  const auto transport = one_message_per_tick();
  ASSERT_EQ(run(transport, {}).results.at(0).verdict, Verdict::fail) << "lossy weather breaks it with seed 1";
  sim::FaultSchedule none;
  EXPECT_EQ(run(transport, RunOptions{.replay_faults = &none}).results.at(0).verdict, Verdict::pass) << "a perfect network does not";

  std::vector<std::size_t> progress;
  RunOptions shrinking{.shrink = true};
  shrinking.on_shrink = [&](const std::string& id, std::size_t replays, std::size_t) {
    EXPECT_EQ(id, weather_case);
    progress.push_back(replays);
  };
  const auto result = run(transport, shrinking).results.at(0);
  ASSERT_EQ(result.verdict, Verdict::fail);
  ASSERT_TRUE(result.shrunk.has_value());
  const auto& shrunk = *result.shrunk;
  EXPECT_TRUE(shrunk.reproduced);
  EXPECT_FALSE(shrunk.budget_exhausted);
  EXPECT_GT(shrunk.decisions_before, 100u) << "lossy weather decides a lot";
  // One lost segment on the way to the transport: its retransmission arrives with the messages
  // queued behind it, and the transport loses the second of them.
  EXPECT_EQ(shrunk.minimal.to_json(),
            "{\"format\":\"dclcomms-fault-schedule\",\"version\":1,\"faults\":[\n"
            "  {\"from\":\"room-server\",\"to\":\"tut\",\"segment\":12,\"drop\":\"loss\"}\n"
            "]}\n")
      << result.detail;
  EXPECT_NE(result.detail.find("\n  room-server->tut segment 12: dropped (loss)"), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find("shrunk: " + std::to_string(shrunk.decisions_before) + " fault decisions -> " +
                               std::to_string(shrunk.minimal.size())),
            std::string::npos)
      << result.detail;
  // The minimal run's transcript carries the fault where it happened, between the transcript's
  // own parties: what the HTML report draws as a red dashed arrow.
  std::vector<TraceLine> fault_lines;
  for (const auto& line : shrunk.transcript) {
    if (line.label.starts_with("fault: ")) fault_lines.push_back(line);
  }
  ASSERT_EQ(fault_lines.size(), 1u);
  EXPECT_EQ(fault_lines[0].from, "server");
  EXPECT_EQ(fault_lines[0].to, "tut");
  EXPECT_EQ(fault_lines[0].label, "fault: segment 12: dropped (loss)");
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.front(), 0u) << "told before the first replay";

  // The minimal schedule replays to the same failure, and without any one decision it passes.
  const auto replayed = run(transport, RunOptions{.replay_faults = &shrunk.minimal}).results.at(0);
  EXPECT_EQ(replayed.verdict, Verdict::fail);
  EXPECT_EQ(failure_signature(replayed.detail), failure_signature(result.detail.substr(0, result.detail.find("\nshrunk:"))));
  for (const auto& [key, decision] : shrunk.minimal.decisions()) {
    sim::FaultSchedule fewer = shrunk.minimal;
    fewer.erase(key);
    EXPECT_EQ(run(transport, RunOptions{.replay_faults = &fewer}).results.at(0).verdict, Verdict::pass)
        << sim::describe_fault(key, decision) << " is needed";
  }

  // The same failure shrinks to the same schedule every time.
  const auto again = run(transport, RunOptions{.shrink = true}).results.at(0);
  ASSERT_TRUE(again.shrunk.has_value());
  EXPECT_EQ(again.shrunk->minimal, shrunk.minimal);
  EXPECT_EQ(again.shrunk->replays, shrunk.replays);
}

TEST(Shrink, APassingOrUnshrinkableCaseIsLeftAlone) {
  const auto reference = *find_transport("ws-room");
  const auto passed = run(reference, RunOptions{.shrink = true}).results.at(0);
  EXPECT_EQ(passed.verdict, Verdict::pass);
  EXPECT_FALSE(passed.shrunk.has_value());
}

TEST(Shrink, FailureSignaturesIgnoreNumbersOnly) {
  EXPECT_EQ(failure_signature("packet 12 of 30 missing at 1.204 s"), "packet # of # missing at #.# s");
  EXPECT_NE(failure_signature("packet 12 missing"), failure_signature("packet 12 duplicated"));
}

}  // namespace
}  // namespace dclcomms::conformance
