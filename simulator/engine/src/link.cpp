#include "dclcomms/sim/link.hpp"

#include <algorithm>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::sim {

core::Duration serialization_time(std::uint64_t bytes, std::uint64_t rate_bits_per_s) {
  DCL_ASSERT(rate_bits_per_s > 0);
  const unsigned __int128 bits_x_ns = static_cast<unsigned __int128>(bytes) * 8U * 1'000'000'000U;
  const unsigned __int128 ns = (bits_x_ns + rate_bits_per_s - 1) / rate_bits_per_s;
  DCL_ASSERT(ns < static_cast<unsigned __int128>(INT64_MAX));
  return core::Duration(static_cast<std::int64_t>(ns));
}

Link::Link(const LinkFaults& faults, core::Prng prng) : faults_(faults), prng_(prng) { DCL_ASSERT(!validate(faults_)); }

void Link::set_faults(const LinkFaults& faults) {
  DCL_ASSERT(!validate(faults));
  faults_ = faults;
}

void Link::drain(core::TimePoint now) {
  const std::int64_t now_ns = core::to_ns(now);
  while (!queue_.empty() && queue_.front().first <= now_ns) {
    DCL_ASSERT(queue_bytes_ >= queue_.front().second);
    queue_bytes_ -= queue_.front().second;
    queue_.pop_front();
  }
}

std::uint64_t Link::queued_bytes(core::TimePoint now) {
  drain(now);
  return queue_bytes_;
}

std::optional<core::TimePoint> Link::enqueue(core::TimePoint now, std::uint64_t bytes) {
  if (faults_.rate_bits_per_s == 0) return now;
  drain(now);
  if (queue_bytes_ + bytes > faults_.queue_bytes_max) return std::nullopt;
  const std::int64_t start_ns = std::max(core::to_ns(now), busy_until_ns_);
  busy_until_ns_ = start_ns + serialization_time(bytes, faults_.rate_bits_per_s).count();
  queue_.emplace_back(busy_until_ns_, bytes);
  queue_bytes_ += bytes;
  DCL_ASSERT(queue_bytes_ <= faults_.queue_bytes_max);
  return core::time_point_from_ns(busy_until_ns_);
}

std::string_view Link::decide_loss() {
  // The burst chain steps on every packet, lost or not, so its state is a function of the packet
  // count alone, not of the independent-loss draws.
  bool burst_lost = false;
  const GilbertElliott& burst = faults_.burst;
  if (burst.enabled) {
    burst_bad_ = burst_bad_ ? !prng_.chance(burst.bad_to_good) : prng_.chance(burst.good_to_bad);
    burst_lost = prng_.chance(burst_bad_ ? burst.loss_bad : burst.loss_good);
  }
  if (prng_.chance(faults_.loss)) return "loss";
  if (burst_lost) return "burst_loss";
  return {};
}

core::Duration Link::sample_delay() {
  const Jitter& jitter = faults_.jitter;
  const std::int64_t latency_ns = faults_.latency.count();
  std::int64_t extra_ns = 0;
  switch (jitter.kind) {
    case JitterKind::none: break;
    case JitterKind::uniform: extra_ns = prng_.uniform_in(0, jitter.max.count()); break;
    case JitterKind::normal: {
      extra_ns = prng_.normal(0, jitter.stddev.count());
      if (jitter.max > core::Duration::zero()) extra_ns = std::min(extra_ns, jitter.max.count());
      extra_ns = std::max(extra_ns, -latency_ns);
      break;
    }
    case JitterKind::pareto: extra_ns = prng_.pareto(jitter.scale.count(), jitter.shape, jitter.max.count()) - jitter.scale.count(); break;
  }
  const std::int64_t delay_ns = latency_ns + extra_ns;
  DCL_ASSERT(delay_ns >= 0);
  return core::Duration(delay_ns);
}

}  // namespace dclcomms::sim
