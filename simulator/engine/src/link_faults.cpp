#include "dclcomms/sim/link_faults.hpp"

#include "dclcomms/core/assert.hpp"

namespace dclcomms::sim {

std::string_view to_string(JitterKind kind) {
  switch (kind) {
    case JitterKind::none: return "none";
    case JitterKind::uniform: return "uniform";
    case JitterKind::normal: return "normal";
    case JitterKind::pareto: return "pareto";
  }
  DCL_ASSERT(false);
  return {};
}

std::string validate(const LinkFaults& faults) {
  if (faults.latency < core::Duration::zero()) return "latency must not be negative";
  const Jitter& jitter = faults.jitter;
  if (jitter.max < core::Duration::zero()) return "jitter max must not be negative";
  if (jitter.kind == JitterKind::uniform && jitter.max <= core::Duration::zero()) {
    return "uniform jitter needs max > 0";
  }
  if (jitter.kind == JitterKind::normal && jitter.stddev <= core::Duration::zero()) {
    return "normal jitter needs stddev > 0";
  }
  if (jitter.kind == JitterKind::pareto) {
    if (jitter.scale <= core::Duration::zero()) return "pareto jitter needs scale > 0";
    if (!jitter.shape.is_valid() || jitter.shape.numerator == 0) return "pareto shape must be > 0";
    if (jitter.max < jitter.scale) return "pareto jitter needs max >= scale";
  }
  const auto probability = [](core::Ratio r) { return r.is_probability(); };
  if (!probability(faults.loss)) return "loss must be a probability n/d with n <= d, d > 0";
  if (!probability(faults.duplication)) return "duplication must be a probability";
  if (!probability(faults.reordering)) return "reordering must be a probability";
  if (!probability(faults.corruption)) return "corruption must be a probability";
  const GilbertElliott& burst = faults.burst;
  if (!probability(burst.good_to_bad) || !probability(burst.bad_to_good) || !probability(burst.loss_good) || !probability(burst.loss_bad)) {
    return "gilbert_elliott fields must be probabilities";
  }
  if (faults.reorder_delay < core::Duration::zero()) return "reorder_delay must not be negative";
  if (faults.rate_bits_per_s > 0 && faults.queue_bytes_max == 0) {
    return "rate_bits_per_s needs queue_bytes_max > 0";
  }
  if (faults.mtu_bytes == 0) return "mtu_bytes must be > 0";
  if (faults.rate_bits_per_s > 0 && faults.queue_bytes_max < faults.mtu_bytes) {
    return "queue_bytes_max must hold at least one mtu_bytes packet";
  }
  return {};
}

}  // namespace dclcomms::sim
