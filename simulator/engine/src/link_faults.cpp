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

std::optional<LinkFaultsError> validate(const LinkFaults& faults) {
  if (faults.latency < core::Duration::zero())
    return LinkFaultsError{LinkFaultsErrorCode::negative_duration, "latency must not be negative"};
  const Jitter& jitter = faults.jitter;
  if (jitter.max < core::Duration::zero())
    return LinkFaultsError{LinkFaultsErrorCode::negative_duration, "jitter max must not be negative"};
  if (jitter.kind == JitterKind::uniform && jitter.max <= core::Duration::zero()) {
    return LinkFaultsError{LinkFaultsErrorCode::bad_jitter, "uniform jitter needs max > 0"};
  }
  if (jitter.kind == JitterKind::normal && jitter.stddev <= core::Duration::zero()) {
    return LinkFaultsError{LinkFaultsErrorCode::bad_jitter, "normal jitter needs stddev > 0"};
  }
  if (jitter.kind == JitterKind::pareto) {
    if (jitter.scale <= core::Duration::zero()) return LinkFaultsError{LinkFaultsErrorCode::bad_jitter, "pareto jitter needs scale > 0"};
    if (!jitter.shape.is_valid() || jitter.shape.numerator == 0)
      return LinkFaultsError{LinkFaultsErrorCode::bad_jitter, "pareto shape must be > 0"};
    if (jitter.max < jitter.scale) return LinkFaultsError{LinkFaultsErrorCode::bad_jitter, "pareto jitter needs max >= scale"};
  }
  const auto probability = [](core::Ratio r) { return r.is_probability(); };
  if (!probability(faults.loss))
    return LinkFaultsError{LinkFaultsErrorCode::not_a_probability, "loss must be a probability n/d with n <= d, d > 0"};
  if (!probability(faults.duplication)) return LinkFaultsError{LinkFaultsErrorCode::not_a_probability, "duplication must be a probability"};
  if (!probability(faults.reordering)) return LinkFaultsError{LinkFaultsErrorCode::not_a_probability, "reordering must be a probability"};
  if (!probability(faults.corruption)) return LinkFaultsError{LinkFaultsErrorCode::not_a_probability, "corruption must be a probability"};
  const GilbertElliott& burst = faults.burst;
  if (!probability(burst.good_to_bad) || !probability(burst.bad_to_good) || !probability(burst.loss_good) || !probability(burst.loss_bad)) {
    return LinkFaultsError{LinkFaultsErrorCode::not_a_probability, "gilbert_elliott fields must be probabilities"};
  }
  if (faults.reorder_delay < core::Duration::zero())
    return LinkFaultsError{LinkFaultsErrorCode::negative_duration, "reorder_delay must not be negative"};
  if (faults.rate_bits_per_s > 0 && faults.queue_bytes_max == 0) {
    return LinkFaultsError{LinkFaultsErrorCode::bad_rate_limit, "rate_bits_per_s needs queue_bytes_max > 0"};
  }
  if (faults.mtu_bytes == 0) return LinkFaultsError{LinkFaultsErrorCode::bad_mtu, "mtu_bytes must be > 0"};
  if (faults.rate_bits_per_s > 0 && faults.queue_bytes_max < faults.mtu_bytes) {
    return LinkFaultsError{LinkFaultsErrorCode::bad_rate_limit, "queue_bytes_max must hold at least one mtu_bytes packet"};
  }
  return std::nullopt;
}

}  // namespace dclcomms::sim
