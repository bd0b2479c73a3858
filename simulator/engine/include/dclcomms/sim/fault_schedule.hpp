#pragma once
// FaultSchedule: every fault a simulation's links decided, as explicit decisions keyed by what is
// stable across runs — the link (sender and receiver host names), whether a datagram or a stream
// segment, its number on that link (the n-th datagram or segment that reached the fault model),
// and for a datagram's copies which copy — never by PRNG position. A run records one; a run that
// replays it takes every link decision from it (the links' random draws are off), so the replay
// gives the recorded run's trace, digest for digest. A decision left out of a schedule is "no
// fault": delivered after exactly the link's latency, intact, once. That is what makes a schedule
// shrinkable: removing a decision is removing a fault (docs/fault-schedule.md).
//
// Faults that scenarios script (partitions, stalls, crashes, pauses) and rate-limit tail drops are
// not link draws: they happen the same way in a replay and are not in the schedule.

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"

namespace dclcomms::sim {

enum class FaultUnit : std::uint8_t { datagram, segment };
std::string_view to_string(FaultUnit unit);  // "datagram", "segment"

struct FaultKey {
  std::string from;  // host names
  std::string to;
  FaultUnit unit = FaultUnit::datagram;
  std::uint64_t number = 0;  // 1-based, per link direction and unit
  std::uint8_t copy = 0;     // datagrams: 0 the original, 1 its duplicate; segments: 0
  auto operator<=>(const FaultKey&) const = default;
};

/// The decisions for one key; an empty one is "no fault".
struct FaultDecision {
  std::string drop;                          // a loss reason ("loss", "burst_loss"); empty: not dropped
  bool duplicate = false;                    // datagrams, copy 0: a second copy is delivered
  core::Duration extra_delay{0};             // beyond the link's latency (jitter, reordering); may be negative
  std::optional<std::uint64_t> corrupt_bit;  // datagram copies: this bit of the payload flipped

  bool is_fault() const { return !drop.empty() || duplicate || extra_delay != core::Duration::zero() || corrupt_bit; }
  friend bool operator==(const FaultDecision&, const FaultDecision&) = default;
};

enum class FaultScheduleErrorCode : std::uint8_t { io, bad_json, bad_field, duplicate_key };
using FaultScheduleError = core::Error<FaultScheduleErrorCode>;

class FaultSchedule {
 public:
  /// Adds or merges a decision (a datagram's drop/duplicate and its copy 0's delay share a key).
  void record(const FaultKey& key, const FaultDecision& decision);
  /// The decision for `key`; "no fault" when the schedule has none.
  FaultDecision decision(const FaultKey& key) const;

  std::size_t size() const { return decisions_.size(); }
  const std::map<FaultKey, FaultDecision>& decisions() const { return decisions_; }
  void erase(const FaultKey& key) { decisions_.erase(key); }
  friend bool operator==(const FaultSchedule&, const FaultSchedule&) = default;

  /// The documented JSON form (docs/fault-schedule.md, docs/fault-schedule.schema.json): one
  /// decision per line inside "faults", in key order, so that two schedules diff line by line.
  std::string to_json() const;
  /// Parses to_json()'s form. Errors name the entry (its index) and what is wrong with it.
  static core::Result<FaultSchedule, FaultScheduleError> from_json(std::string_view text);
  /// from_json() of a file's whole text; errors say "cannot read fault schedule PATH" or
  /// "PATH: <what from_json found>".
  static core::Result<FaultSchedule, FaultScheduleError> load(const std::string& path);

 private:
  std::map<FaultKey, FaultDecision> decisions_;
};

}  // namespace dclcomms::sim
