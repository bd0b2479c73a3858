#pragma once
// Link: the state of one direction between two hosts — its fault model, its own PRNG stream, the
// serialisation queue that enforces rate_bits_per_s / queue_bytes_max, and the Gilbert–Elliott
// state. Decisions only; the Simulation moves the payloads.

#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <utility>

#include "dclcomms/core/prng.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/sim/link_faults.hpp"

namespace dclcomms::sim {

class Link {
 public:
  Link(const LinkFaults& faults, core::Prng prng);

  /// Changes the fault model; the queue and burst state carry over (as on a real path).
  void set_faults(const LinkFaults& faults);
  const LinkFaults& faults() const { return faults_; }

  /// Puts `bytes` on the wire at `now`. Returns when its last bit leaves the sender, or nullopt
  /// when the queue would exceed queue_bytes_max (tail drop). Unlimited rate: departs at `now`.
  std::optional<core::TimePoint> enqueue(core::TimePoint now, std::uint64_t bytes);

  /// Bytes accepted but not yet departed at `now`.
  std::uint64_t queued_bytes(core::TimePoint now);

  /// Steps the loss model for one packet: "" if it survives, else the drop reason.
  std::string_view decide_loss();

  /// Propagation delay for one packet: latency plus jitter, never negative.
  core::Duration sample_delay();

  /// Numbers the next datagram / stream segment that reaches the fault model (1-based): the key a
  /// FaultSchedule records and replays its decisions under.
  std::uint64_t number_datagram() { return ++datagrams_numbered_; }
  std::uint64_t number_segment() { return ++segments_numbered_; }

  /// A Bernoulli draw on this link's stream (duplication, reordering, corruption).
  bool chance(core::Ratio probability) { return prng_.chance(probability); }
  std::uint64_t uniform_below(std::uint64_t bound) { return prng_.uniform_below(bound); }

 private:
  void drain(core::TimePoint now);

  LinkFaults faults_;
  core::Prng prng_;
  bool burst_bad_ = false;
  std::int64_t busy_until_ns_ = 0;
  std::deque<std::pair<std::int64_t, std::uint64_t>> queue_;  // (departure ns, bytes)
  std::uint64_t queue_bytes_ = 0;
  std::uint64_t datagrams_numbered_ = 0;
  std::uint64_t segments_numbered_ = 0;
};

/// Time to serialise `bytes` at `rate_bits_per_s`, rounded up to the nanosecond.
core::Duration serialization_time(std::uint64_t bytes, std::uint64_t rate_bits_per_s);

}  // namespace dclcomms::sim
