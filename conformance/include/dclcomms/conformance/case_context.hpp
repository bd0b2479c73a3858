#pragma once
// CaseContext: what a running case gets — the seed, the transport under test, a transcript (the
// message sequence for the report), the digest that proves a rerun behaved identically, and the
// fault schedules a simulated world records into or replays (docs/fault-schedule.md).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dclcomms/conformance/case.hpp"

namespace dclcomms::sim {
class FaultSchedule;
class Simulation;
}  // namespace dclcomms::sim

namespace dclcomms::conformance {

class CaseContext {
 public:
  CaseContext(const TransportUnderTest& transport, std::uint64_t seed) : transport_(transport), seed_(seed) {}

  const TransportUnderTest& transport() const { return transport_; }
  std::uint64_t seed() const { return seed_; }

  void trace(TraceLine line);
  const std::vector<TraceLine>& transcript() const { return transcript_; }
  /// FNV-1a 64 over the transcript lines and whatever the case adds (e.g. the simulation's digest).
  std::uint64_t digest() const { return digest_; }
  void mix_into_digest(std::uint64_t value);

  /// Link decisions of the case's simulated world: written into `record` and/or taken from
  /// `replay` (either may be null; not owned). Set before the case runs.
  void set_fault_schedules(sim::FaultSchedule* record, const sim::FaultSchedule* replay) {
    record_faults_ = record;
    replay_faults_ = replay;
  }
  /// A world calls it on its Simulation as soon as it exists, before any traffic. When the world
  /// replays a schedule, each fault it applies becomes a transcript line ("fault: …"), so that the
  /// report draws a shrunk failure's faults on its sequence diagram.
  void attach(sim::Simulation& simulation);
  /// The transcript's name for a simulated host ("room-server" is the transcript's "server"), so
  /// that a replayed fault is drawn between the parties the transcript already shows.
  void name_host(std::string host, std::string party) { parties_[std::move(host)] = std::move(party); }

 private:
  std::map<std::string, std::string> parties_;  // simulated host -> transcript party
  sim::FaultSchedule* record_faults_ = nullptr;
  const sim::FaultSchedule* replay_faults_ = nullptr;
  const TransportUnderTest& transport_;
  std::uint64_t seed_;
  std::vector<TraceLine> transcript_;
  std::uint64_t digest_ = 0xcbf29ce484222325ULL;
};

/// Helpers for writing cases.
inline CaseOutcome pass(std::string detail = "") { return CaseOutcome{OutcomeKind::passed, std::move(detail)}; }
inline CaseOutcome fail(std::string detail) { return CaseOutcome{OutcomeKind::failed, std::move(detail)}; }
inline CaseOutcome unsupported(std::string detail) { return CaseOutcome{OutcomeKind::unsupported, std::move(detail)}; }

}  // namespace dclcomms::conformance
