#include "dclcomms/simulator_transport/crowd_config.hpp"

#include <algorithm>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::simulator_transport {

CrowdConfig make_crowd_config(const simulator_transport::SimulatorParams& params, std::optional<std::uint64_t> scenario_seed) {
  CrowdConfig config;
  config.seed = params.seed ? *params.seed : scenario_seed ? *scenario_seed : default_seed;
  config.peers = params.peers;
  DCL_ASSERT(config.peers <= simulator_transport::simulator_peers_max);
  if (params.position) {
    config.centre_x = static_cast<double>(params.position->x) * 16.0;
    config.centre_z = static_cast<double>(params.position->y) * 16.0;
  }
  if (params.spread_metres) {
    config.spread = *params.spread_metres;
    config.spread_given = true;
  }
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < params.behaviour_weights.size(); ++i) {
    const double weight = params.behaviour_weights[i];
    DCL_ASSERT(weight >= 0.0 && weight <= 1'000'000.0);  // the parser's bounds
    // Millionths: the parser's ceiling (1e6) times 1e6 still fits easily in 64 bits. A tiny
    // positive weight keeps at least one unit so that it is never silently dropped.
    auto units = static_cast<std::uint64_t>(weight * 1'000'000.0);
    if (weight > 0.0 && units == 0) units = 1;
    config.behaviour_weights[i] = units;
    total += units;
  }
  DCL_ASSERT(total > 0);  // the parser requires a positive sum
  config.distance_metres_per_peer = params.distance_metres_per_peer;
  config.speed_factor = params.speed_factor;
  config.random_step_metres = params.random_step_metres;
  return config;
}

simulator_transport::PeerBehaviour draw_behaviour(core::Prng& prng, const BehaviourWeights& weights) {
  std::uint64_t total = 0;
  for (const auto weight : weights) total += weight;
  DCL_ASSERT(total > 0);
  std::uint64_t draw = prng.uniform_below(total);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (draw < weights[i]) return static_cast<simulator_transport::PeerBehaviour>(i);
    draw -= weights[i];
  }
  DCL_ASSERT(false);
  return simulator_transport::PeerBehaviour::idle;
}

double unit_draw(core::Prng& prng) { return static_cast<double>(prng.next_u64() >> 32) / 4294967296.0; }

core::Duration uniform_duration(core::Prng& prng, core::Duration low, core::Duration high) {
  DCL_ASSERT(low <= high);
  return core::Duration(prng.uniform_in(low.count(), high.count() + 1));
}

core::Duration exponential_duration(core::Prng& prng, core::Duration mean, core::Duration minimum) {
  return std::max(minimum, core::Duration(prng.exponential(mean.count())));
}

}  // namespace dclcomms::simulator_transport
