#pragma once
// shrink_fault_schedule: delta debugging (Zeller's ddmin) over a fault schedule. Given the schedule
// a failing run recorded and a test that replays a candidate schedule and says whether the run
// still fails *the same way*, it removes decisions (halves, then smaller chunks, then one at a
// time) and then weakens what is left (a 300 ms extra delay tried as 30 ms, then 3 ms) while the
// failure persists. The result is 1-minimal: removing any one remaining decision makes the failure
// go away (unless the budget ran out first, which the result says).
//
// Deterministic: the same recorded schedule and the same test give the same result, in the same
// number of replays. Bounded: at most `replays_max` replays, and no replay once `time_left` says
// no (the caller's wall-clock budget: the simulator itself never reads a clock); the best schedule
// found so far is returned when either runs out.

#include <cstddef>
#include <functional>
#include <string>

#include "dclcomms/sim/fault_schedule.hpp"

namespace dclcomms::sim {

struct ShrinkOptions {
  std::size_t replays_max = 500;
  /// Asked before each replay; empty: no time limit.
  std::function<bool()> time_left;
  /// After each replay: how many were made and the size of the smallest failing schedule so far.
  std::function<void(std::size_t replays, std::size_t decisions)> progress;
};

struct ShrinkResult {
  bool reproduced = false;  // the recorded schedule replays to the same failure (else nothing was tried)
  std::size_t decisions_before = 0;
  FaultSchedule minimal;  // the smallest failing schedule found (the recorded one if not reproduced)
  std::size_t replays = 0;
  bool budget_exhausted = false;
};

/// `still_fails(candidate)` replays the run under `candidate` alone and returns true when it fails
/// the same way as the recorded run did.
ShrinkResult shrink_fault_schedule(const FaultSchedule& recorded, const std::function<bool(const FaultSchedule& candidate)>& still_fails,
                                   const ShrinkOptions& options = {});

/// One decision for people: "hub->home datagram 12: dropped (loss)", "home->hub segment 3: delayed +300.000 ms".
std::string describe_fault(const FaultKey& key, const FaultDecision& decision);
/// The same without the link, for a place that shows the link already: "datagram 12: dropped (loss)".
std::string describe_decision(const FaultKey& key, const FaultDecision& decision);

}  // namespace dclcomms::sim
