#pragma once
// LinkFaults: the complete, named fault model of one direction of a link (TigerBeetle's
// PacketSimulatorOptions). Every probability is an integer core::Ratio; every delay a typed
// core::Duration; raw integers carry their unit in the name.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dclcomms/core/ratio.hpp"
#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"

namespace dclcomms::sim {

enum class JitterKind : std::uint8_t {
  none,     // every packet takes exactly `latency`
  uniform,  // latency + U[0, max)
  normal,   // latency + N(0, stddev) clamped to [-latency, max]; Irwin–Hall, see core/prng.hpp
  pareto,   // latency + Pareto(scale, shape) - scale, capped at max: a heavy tail of stragglers
};

/// "none", "uniform", "normal", "pareto": the names scenario files use.
std::string_view to_string(JitterKind kind);

struct Jitter {
  JitterKind kind = JitterKind::none;
  core::Duration max{0};     // uniform: exclusive bound; normal and pareto: cap on the added delay
  core::Duration stddev{0};  // normal only
  core::Duration scale{0};   // pareto only: the minimum of the Pareto draw (subtracted again)
  core::Ratio shape{3, 2};   // pareto only: tail index alpha; smaller means heavier

  friend bool operator==(const Jitter&, const Jitter&) = default;
};

/// Gilbert–Elliott two-state burst loss: a Markov chain steps once per packet between a good and a
/// bad state, each with its own loss probability. Disabled unless `enabled`.
struct GilbertElliott {
  bool enabled = false;
  core::Ratio good_to_bad = core::Ratio::zero();  // per packet, in the good state
  core::Ratio bad_to_good = core::Ratio::one();   // per packet, in the bad state
  core::Ratio loss_good = core::Ratio::zero();
  core::Ratio loss_bad = core::Ratio::one();

  friend bool operator==(const GilbertElliott&, const GilbertElliott&) = default;
};

struct LinkFaults {
  core::Duration latency{0};  // one-way propagation delay
  Jitter jitter;
  core::Ratio loss = core::Ratio::zero();         // independent (Bernoulli) loss per packet
  GilbertElliott burst;                           // burst loss, applied in addition to `loss`
  core::Ratio duplication = core::Ratio::zero();  // datagrams only: an extra copy is delivered
  core::Ratio reordering = core::Ratio::zero();   // datagrams only: held back by reorder_delay
  core::Duration reorder_delay{0};
  core::Ratio corruption = core::Ratio::zero();  // datagrams only: one random bit is flipped
  std::uint64_t rate_bits_per_s = 0;             // 0 = unlimited; otherwise packets queue to serialise
  std::uint64_t queue_bytes_max = 0;             // bytes waiting to serialise; beyond it: tail drop
  std::uint32_t mtu_bytes = 1500;                // larger datagrams are dropped; stream messages segmented

  friend bool operator==(const LinkFaults&, const LinkFaults&) = default;
};

enum class LinkFaultsErrorCode : std::uint8_t {
  negative_duration,  // a latency, jitter bound or reorder delay below zero
  bad_jitter,         // a jitter kind without the parameters it needs
  not_a_probability,  // a Ratio outside [0, 1] or with a zero denominator
  bad_rate_limit,     // a rate without a queue, or a queue that cannot hold one MTU
  bad_mtu,            // mtu_bytes of 0
};
using LinkFaultsError = core::Error<LinkFaultsErrorCode>;

/// Why a LinkFaults is unusable, or nothing when it is fine. Simulation asserts validity; the
/// scenario loader reports it as bad input first.
std::optional<LinkFaultsError> validate(const LinkFaults& faults);

}  // namespace dclcomms::sim
