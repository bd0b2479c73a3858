#pragma once
// run_scenario: builds a Simulation from a Scenario (hosts, links, fault schedule, workloads), runs
// it for the scenario's duration and reports what happened. Everything inside is virtual: the
// caller may measure wall time around the call, never inside it.

#include <cstdint>
#include <functional>

#include "dclcomms/core/time.hpp"
#include "dclcomms/sim/fault_schedule.hpp"
#include "dclcomms/sim/scenario.hpp"
#include "dclcomms/sim/simulation.hpp"
#include "dclcomms/sim/trace.hpp"

namespace dclcomms::sim {

struct RunOptions {
  std::uint64_t seed = 1;
  TraceSink* sink = nullptr;  // trace lines (may be null: digest only); not owned
  /// Called now and then with the virtual time reached (for progress bars); may be empty.
  std::function<void(core::TimePoint now, core::TimePoint end)> progress;
  /// Every link decision of the run is written here (not owned; may be null).
  FaultSchedule* record_faults = nullptr;
  /// The links draw nothing: their decisions come from this schedule (not owned; may be null).
  const FaultSchedule* replay_faults = nullptr;
};

struct RunResult {
  std::uint64_t seed = 0;
  std::uint64_t events = 0;  // trace events (lines)
  core::TimePoint end{};     // virtual time at the end
  std::uint64_t digest = 0;  // rolling digest of the trace event lines
  SimulationStats stats;
};

RunResult run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace dclcomms::sim
