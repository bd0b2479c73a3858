#pragma once
// The parameters of a `simulator:` connection string (spec §7.2): a URL query string such as
// `simulator:?position=-9,-9&distance=0.05` or `simulator:?seed=7&peers=40&profile=wifi`.
//
// The kernel's SimulationRoom read its four keys loosely (URLSearchParams, Number(), defaults on
// anything odd). We validate strictly instead: a typo in a conformance run should fail loudly at
// parse time, not silently fall back to a default and produce a different run. So every key is
// known, appears at most once and has a value of the right form and range.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dclcomms/core/result.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::simulator_transport {

/// What a fake peer spends its time doing; `behaviour=walker:3,idle:1` mixes them by weight.
enum class PeerBehaviour : std::uint8_t { idle, walker, runner, chatter, emoter };
inline constexpr std::size_t peer_behaviour_count = 5;
std::string_view to_string(PeerBehaviour behaviour);
std::optional<PeerBehaviour> parse_peer_behaviour(std::string_view text);

/// `driven`: the simulation advances only when the test drives it (deterministic, the default);
/// `realtime`: it follows the wall clock, scaled by time_scale.
enum class ClockMode : std::uint8_t { driven, realtime };
std::string_view to_string(ClockMode clock);

/// A parcel coordinate pair (the legacy kernel `position=x,y`).
struct ParcelPosition {
  std::int32_t x = 0;
  std::int32_t y = 0;
  friend bool operator==(const ParcelPosition&, const ParcelPosition&) = default;
};

// Limits. The spec fixes peers and parcels; the float ceilings are ours, generous enough for any
// sensible run and there so that no parameter can make the simulator loop or overflow.
inline constexpr std::uint32_t simulator_peers_max = 1000;
inline constexpr std::int32_t simulator_parcel_coordinate_max = 1000;  // and -1000 for the minimum
inline constexpr double simulator_spread_metres_max = 100'000.0;
inline constexpr double simulator_time_scale_max = 1'000.0;
inline constexpr double simulator_legacy_factor_max = 1'000.0;  // distance, speed, random
inline constexpr std::size_t simulator_scenario_bytes_max = 1024;
inline constexpr std::size_t simulator_value_bytes_max = 256;  // every value except scenario

/// Everything a `simulator:` string can set; unset fields keep the defaults below.
struct SimulatorParams {
  /// PRNG seed; nullopt = the caller picks one (and must print it so the run can be replayed).
  std::optional<std::uint64_t> seed;
  std::uint32_t peers = 100;  // the kernel's SimulationRoom always made 100
  /// A weather profile of the simulator (sim::weather_profile_names(): ideal, lan, wifi, ...).
  std::string profile = "lan";
  /// A scenario file to replay instead of a profile (mutually exclusive with `profile=`).
  std::optional<std::string> scenario_path;
  /// Orbit centre as a parcel; nullopt = the player's own position (kernel behaviour).
  std::optional<ParcelPosition> position;
  /// Radius of the crowd around the centre; nullopt = the simulator's own layout.
  std::optional<double> spread_metres;
  /// Relative weights indexed by PeerBehaviour; default: every peer walks (as the kernel's did).
  std::array<double, peer_behaviour_count> behaviour_weights = {0.0, 1.0, 0.0, 0.0, 0.0};
  ClockMode clock = ClockMode::driven;
  double time_scale = 1.0;  // realtime only: simulated seconds per wall-clock second
  // Legacy kernel SimulationRoom knobs, same meaning and defaults (spec §7.2).
  double distance_metres_per_peer = 0.03;  // peer i orbits at radius i*distance + 3 m
  double speed_factor = 0.0001;            // angular speed multiplier on elapsed milliseconds
  double random_step_metres = 1.0;         // up to this much random extra on each 5 m step
};

/// The keys parse_simulator_params() knows, in documentation order.
inline constexpr std::string_view simulator_param_keys[] = {"seed",      "peers", "profile",    "scenario", "position", "spread",
                                                            "behaviour", "clock", "time_scale", "distance", "speed",    "random"};

/// Parses the parameters of a `simulator:` string: a query string, with or without one leading
/// '?'; empty means all defaults. Keys and values are percent-decoded ('+' is a space, as in
/// URLSearchParams). Errors: unknown_parameter (a key not in simulator_param_keys),
/// duplicate_parameter (a key twice), bad_parameter (a bad value, a key without '=', an empty
/// key, a malformed query, or a combination that makes no sense, e.g. profile with scenario).
core::Result<SimulatorParams, transport::UriError> parse_simulator_params(std::string_view params);

/// The type's UriValidator: parse_simulator_params() on the parameters; the string is unchanged.
core::Result<transport::TransportUri, transport::UriError> validate_simulator_uri(transport::TransportUri uri);

}  // namespace dclcomms::simulator_transport
