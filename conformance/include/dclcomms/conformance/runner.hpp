#pragma once
// Runs the catalogue (or a glob of it) against a transport under test: each case twice with the same
// seed, so that a transcript that differs between the two runs is its own verdict, NONDETERMINISTIC.
// Wire-mode cases (Case::real_time) run once: real sockets and a real clock cannot repeat a
// transcript, so a digest comparison would only measure the kernel's scheduling (docs/wire-mode.md).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dclcomms/conformance/case.hpp"
#include "dclcomms/sim/fault_schedule.hpp"
#include "dclcomms/sim/fault_shrink.hpp"

namespace dclcomms::conformance {

/// A case run over a range of seeds (a sweep, sweep.hpp): how many seeds it ran with and which
/// failed. The CaseResult it belongs to is that of the first failing seed (else the first seed).
/// Its size does not grow with the sweep: the failing seeds are counted, and only the lowest
/// `failing_seeds_listed_max` of them are listed.
struct SweepStats {
  static constexpr std::size_t failing_seeds_listed_max = 100;
  std::uint64_t seed_first = 0, seed_last = 0;  // the sweep's range, inclusive
  std::uint64_t seeds_run = 0;                  // how many (case, seed) pairs of this case ran
  std::vector<std::uint64_t> seeds_failed;      // FAIL, NON-STRICT or NONDETERMINISTIC, ascending: the lowest, at most ..._listed_max
  std::uint64_t shown_seed = 0;                 // the seed whose result the CaseResult shows
  std::string shown_detail;                     // that seed's own detail (CaseResult::detail adds the counts)
  std::uint64_t seeds_failed_count = 0;         // all of them, listed or not
};

/// A failing simulated case's faults, shrunk (RunOptions::shrink; docs/fault-schedule.md).
struct ShrunkFaults {
  std::size_t decisions_before = 0;  // what the failing run's links decided
  sim::FaultSchedule minimal;        // the fewest, weakest decisions that still fail the same way
  std::size_t replays = 0;
  bool budget_exhausted = false;  // minimal is the best found before the budget ran out
  /// False when the recorded schedule did not replay to the same failure (nothing was shrunk):
  /// the failure does not depend on link faults alone, or the transport is nondeterministic.
  bool reproduced = false;
  std::vector<TraceLine> transcript;  // the case replaying `minimal`, its faults as "fault: …" lines
};

struct CaseResult {
  std::string id;
  Level level;
  std::string proves;
  std::string spec;
  Verdict verdict;
  std::string detail;
  std::vector<TraceLine> transcript;
  std::uint64_t digest = 0;
  std::string reproduce;   // the command that reruns exactly this case
  bool real_time = false;  // a wire-mode case: run once, digest not compared (Case::real_time)
  /// False when the case needs a type the transport does not declare (verdict UNSUPPORTED; the
  /// HTML report shows such cells as not applicable rather than as a wall of UNSUPPORTED).
  bool applicable = true;
  Capability capability = Capability::none;  // what a Level::capability case is about
  std::optional<SweepStats> sweep;           // set when the case ran over a range of seeds
  std::optional<ShrunkFaults> shrunk;        // set when the case failed and RunOptions::shrink
};

/// How a run ends up. Warnings are SHOULD cases that failed (NON-STRICT): visibly not a clean pass,
/// but not a failure either, so the exit code stays 0. Ordered from best to worst (runs of several
/// transports take the worst).
enum class Conformance : std::uint8_t { conformant, conformant_with_warnings, not_conformant };
std::string_view to_string(Conformance conformance);  // "conformant", "conformant with warnings", "NOT conformant"
std::string_view json_name(Conformance conformance);  // "conformant", "conformant_with_warnings", "not_conformant"

/// FAIL, NON-STRICT or NONDETERMINISTIC: a verdict that reports a problem (shown with its detail,
/// counted as a failing seed in a sweep), whatever the case's level.
bool reports_a_problem(Verdict verdict);

/// Where two runs of one seed part, for a NONDETERMINISTIC verdict: the first transcript line that
/// differs with both versions quoted (bounded), or which run goes on longer, or that only the
/// digests differ.
std::string describe_divergence(const std::vector<TraceLine>& first, std::uint64_t first_digest, const std::vector<TraceLine>& second,
                                std::uint64_t second_digest);

/// What "fails the same way" compares: the failure's detail with every run of digits made '#'
/// (a packet number or a time may move when faults are removed; the broken check may not).
std::string failure_signature(std::string_view detail);

/// The level as people read it: "MUST", "SHOULD", or "CAPABILITY(peer_joined_events)".
std::string level_label(Level level, Capability capability);

struct RunOptions {
  std::uint64_t seed = 1;
  std::string cases_glob = "*";  // '*' matches any run of characters
  std::string transport_name;    // for the reproduce command: `--transport <name>`
  /// For the reproduce command instead of `--transport <name>` (a driver: `--driver '<command>'`).
  std::string reproduce_selector;
  /// Cases run after the catalogue's (glob-selected like them), e.g. a recorded room's replay
  /// (recorded_room.hpp); `reproduce_suffix` is what their reproduce command needs in addition
  /// (e.g. " --recorded-room FILE").
  std::vector<Case> extra_cases;
  std::string reproduce_suffix;
  /// Called after each case (progress bars, logs).
  std::function<void(const CaseResult&, std::size_t done, std::size_t total)> on_case;
  /// Simulated cases take every link decision from this schedule (not owned; null: the seed's).
  const sim::FaultSchedule* replay_faults = nullptr;
  /// A simulated case that fails has its fault schedule shrunk to the fewest, weakest decisions
  /// that still fail it the same way (the same detail, numbers aside); see ShrunkFaults.
  bool shrink = false;
  sim::ShrinkOptions shrink_options;
  /// Told which case is being shrunk, then the shrinker's progress (replays, decisions left).
  std::function<void(const std::string& case_id, std::size_t replays, std::size_t decisions)> on_shrink;
};

struct RunSummary {
  std::string transport;
  std::uint64_t seed = 0;
  /// A sweep's shard (sweep.hpp): index 1-based of count; {1, 1} for a whole run.
  struct ShardOf {
    std::size_t index = 1;
    std::size_t count = 1;
  } shard;
  std::vector<CaseResult> results;
  /// not_conformant when a MUST (or declared capability) case failed or was nondeterministic;
  /// conformant_with_warnings when only SHOULD cases failed; conformant otherwise.
  Conformance conformance() const;
  /// Not not_conformant: the run's exit code is 0 (warnings included).
  bool conformant() const;
  /// How many SHOULD cases failed (NON-STRICT).
  std::size_t warnings() const;
};

/// One line for people: "conformant", "conformant with warnings (2 SHOULD cases failed)" or
/// "NOT conformant" (the CLI's summary, the HTML badge, the JUnit property).
std::string conformance_summary(const RunSummary& run);

RunSummary run_catalogue(const TransportUnderTest& transport, const RunOptions& options);

/// One case with one seed, as run_catalogue runs each (twice when simulated, for the determinism
/// verdict). `options` gives the reproduce command's selector.
CaseResult run_case(const Case& c, const TransportUnderTest& transport, std::uint64_t seed, const RunOptions& options);

bool glob_matches(std::string_view glob, std::string_view text);

}  // namespace dclcomms::conformance
