#pragma once
// CrowdConfig: everything the virtual crowd needs, resolved from the `simulator:` parameters once at
// connect (seed chosen, parcel turned into metres, weights made integral), plus the timing constants
// of explorer behaviour taken from the spec (§7.2 kernel SimulationRoom, §8.3, §8.4).

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

#include "dclcomms/core/prng.hpp"
#include "dclcomms/core/ratio.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/simulator_transport/simulator_params.hpp"

namespace dclcomms::simulator_transport {

using namespace std::chrono_literals;

/// The seed when neither the URI nor a scenario names one: a constant, never a clock, so that a
/// URI without `seed=` is still reproducible.
inline constexpr std::uint64_t default_seed = 1;
/// Crowd radius around the centre when `spread` is not given (two parcels).
inline constexpr double default_spread_metres = 32.0;
/// RFC-4 protocol_version stamped on every packet the peers send (spec §8.2).
inline constexpr std::uint32_t protocol_version = 100;

// ---- Explorer timing (spec §8.4 unless noted) ----------------------------------------------------
inline constexpr core::Duration motion_tick = 100ms;                 // 10 Hz while moving
inline constexpr core::Duration standing_interval = 1s;              // 1 Hz while standing
inline constexpr core::Duration announce_interval = 2s;              // kernel: AnnounceProfileVersion every 2 s
inline constexpr core::Duration profile_response_delay_max = 100ms;  // kernel simulator: 0-100 ms
inline constexpr std::size_t profile_responses_pending_max = 8;      // per peer; beyond: ignored
// Presence: most of the crowd is there at connect, the rest arrives during the first 20 s; then
// sessions and absences alternate (exponential, means below) so joins and leaves keep happening.
inline constexpr core::Ratio present_at_connect{3, 4};
inline constexpr core::Duration late_join_min = 500ms;
inline constexpr core::Duration late_join_max = 20s;
inline constexpr core::Duration session_mean = 120s;
inline constexpr core::Duration session_min = 10s;
inline constexpr core::Duration absence_mean = 15s;
inline constexpr core::Duration absence_min = 1s;
// Behaviour-specific pacing.
inline constexpr double stroll_speed_metres_per_s = 1.4;  // chatter wandering
inline constexpr double run_speed_metres_per_s = 6.0;     // runner
inline constexpr double legacy_step_metres = 5.0;         // kernel: at most 5 m (+ random) per tick

/// Integer weights per simulator_transport::PeerBehaviour (millionths of the URI's weights).
using BehaviourWeights = std::array<std::uint64_t, simulator_transport::peer_behaviour_count>;

struct CrowdConfig {
  std::uint64_t seed = default_seed;
  std::uint32_t peers = 0;
  double centre_x = 0.0;  // metres: parcel x * 16
  double centre_z = 0.0;  // metres: parcel y * 16
  double spread = default_spread_metres;
  bool spread_given = false;
  BehaviourWeights behaviour_weights{};
  double distance_metres_per_peer = 0.03;
  double speed_factor = 0.0001;
  double random_step_metres = 1.0;
};

/// Resolves the parameters. Seed: the URI's, else `scenario_seed`, else default_seed.
CrowdConfig make_crowd_config(const simulator_transport::SimulatorParams& params, std::optional<std::uint64_t> scenario_seed);

/// Draws a behaviour with probability proportional to its weight (the sum is > 0, asserted).
simulator_transport::PeerBehaviour draw_behaviour(core::Prng& prng, const BehaviourWeights& weights);

/// A uniform draw in [0, 1) with 32 bits of resolution (motion noise only).
double unit_draw(core::Prng& prng);

/// A uniform duration in [low, high].
core::Duration uniform_duration(core::Prng& prng, core::Duration low, core::Duration high);

/// An exponential duration with `mean`, at least `minimum`.
core::Duration exponential_duration(core::Prng& prng, core::Duration mean, core::Duration minimum);

}  // namespace dclcomms::simulator_transport
