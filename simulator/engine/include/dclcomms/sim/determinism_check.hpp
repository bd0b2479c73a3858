#pragma once
// check_determinism: runs a scenario twice with the same seed and, if the traces differ, names the
// first differing event line (madsim's check_determinism, FoundationDB's unseed check). Memory is
// the rolling digest after each event (8 bytes per event), not the lines, and neither run formats
// a line; on a divergence two more runs recover both runs' text of the differing line.

#include <cstdint>
#include <optional>
#include <string>

#include "dclcomms/sim/scenario.hpp"
#include "dclcomms/sim/scenario_runner.hpp"

namespace dclcomms::sim {

struct Divergence {
  std::uint64_t event_index = 0;      // 0-based index of the first differing event line
  std::optional<std::string> first;   // that line in run 1 (nullopt: run 1 had fewer lines)
  std::optional<std::string> second;  // that line in run 2
};

struct DeterminismReport {
  RunResult first;
  RunResult second;
  std::optional<Divergence> divergence;  // nullopt: identical traces
};

/// `second_seed_for_tests`, when non-zero, runs the second run with another seed: tests use it
/// to inject a divergence and prove that the check catches it and names the right line.
DeterminismReport check_determinism(const Scenario& scenario, std::uint64_t seed, std::uint64_t second_seed_for_tests = 0);

}  // namespace dclcomms::sim
