// Strict parsing of `simulator:` parameters (see simulator_params.hpp for the why).
// Boost.URL splits and percent-decodes the query; each value is then read with std::from_chars,
// which ignores the locale and rejects anything it cannot consume completely.

#include "dclcomms/simulator_transport/simulator_params.hpp"
#include "dclcomms/core/ascii.hpp"
#include "dclcomms/sim/weather.hpp"

#include <algorithm>
#include <bitset>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <span>
#include <system_error>

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse_query.hpp>

namespace dclcomms::simulator_transport {

using transport::UriError;
using transport::UriErrorCode;

namespace {

constexpr std::string_view peer_behaviour_names[peer_behaviour_count] = {"idle", "walker", "runner", "chatter", "emoter"};
// A single behaviour weight above this is surely a typo, and the bound keeps the sum finite.
constexpr double behaviour_weight_max = 1'000'000.0;
constexpr std::size_t simulator_param_count = std::size(simulator_param_keys);

using Fail = core::Unexpected<UriError>;

/// 'text', with bytes that are not printable ASCII escaped and long values cut, for messages.
std::string quote(std::string_view text) { return core::quote_printable(text, 64); }

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (const std::string_view name : names) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

Fail bad_value(std::string_view key, std::string_view value, std::string_view expected) {
  return core::fail(UriErrorCode::bad_parameter,
                    "bad value " + quote(value) + " for simulator parameter '" + std::string(key) + "': expected " + std::string(expected));
}

template <class Int>
std::optional<Int> read_integer(std::string_view text) {
  Int value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

/// A finite decimal number, written the plain way: from_chars also reads "inf" and "nan", which
/// we refuse, and never reads a leading '+' or hex in general format.
std::optional<double> read_finite(std::string_view text) {
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

core::Result<std::optional<std::uint64_t>, UriError> read_seed(std::string_view value) {
  const auto seed = read_integer<std::uint64_t>(value);
  if (!seed) return bad_value("seed", value, "an unsigned 64-bit decimal integer");
  return std::optional<std::uint64_t>(*seed);
}

core::Result<ParcelPosition, UriError> read_position(std::string_view value) {
  const std::string expected = "'x,y' with integer parcel coordinates in -" + std::to_string(simulator_parcel_coordinate_max) + ".." +
                               std::to_string(simulator_parcel_coordinate_max);
  const std::size_t comma = value.find(',');
  if (comma == std::string_view::npos) return bad_value("position", value, expected);
  const auto x = read_integer<std::int32_t>(value.substr(0, comma));
  const auto y = read_integer<std::int32_t>(value.substr(comma + 1));
  if (!x || !y) return bad_value("position", value, expected);
  for (const std::int32_t coordinate : {*x, *y}) {
    if (coordinate < -simulator_parcel_coordinate_max || coordinate > simulator_parcel_coordinate_max) {
      return bad_value("position", value, expected);
    }
  }
  return ParcelPosition{*x, *y};
}

core::Result<std::array<double, peer_behaviour_count>, UriError> read_behaviour(std::string_view value) {
  const std::string expected = "a comma list of name:weight (names: " + join(peer_behaviour_names) + "; weights 0.." +
                               std::to_string(static_cast<long>(behaviour_weight_max)) + ", at least one > 0), e.g. walker:3,idle:1";
  std::array<double, peer_behaviour_count> weights{};
  std::bitset<peer_behaviour_count> seen;
  std::size_t item_begin = 0;
  // Each round consumes one item; at most value.size()+1 rounds.
  while (item_begin <= value.size()) {
    const std::size_t comma = std::min(value.find(',', item_begin), value.size());
    const std::string_view item = value.substr(item_begin, comma - item_begin);
    const std::size_t colon = item.find(':');
    if (colon == std::string_view::npos) return bad_value("behaviour", value, expected);
    const auto behaviour = parse_peer_behaviour(item.substr(0, colon));
    if (!behaviour) {
      return core::fail(UriErrorCode::bad_parameter, "unknown behaviour " + quote(item.substr(0, colon)) + " in " + quote(value) +
                                                         " for simulator parameter 'behaviour' (names: " + join(peer_behaviour_names) +
                                                         ")");
    }
    const auto index = static_cast<std::size_t>(*behaviour);
    if (seen.test(index)) {
      return core::fail(UriErrorCode::bad_parameter, "behaviour " + quote(item.substr(0, colon)) + " appears twice in " + quote(value) +
                                                         " for simulator parameter 'behaviour'");
    }
    seen.set(index);
    const auto weight = read_finite(item.substr(colon + 1));
    if (!weight || *weight < 0.0 || *weight > behaviour_weight_max) return bad_value("behaviour", value, expected);
    weights[index] = *weight;
    item_begin = comma + 1;
  }
  double sum = 0.0;
  for (const double weight : weights) sum += weight;
  if (!(sum > 0.0)) return bad_value("behaviour", value, expected);
  return weights;
}

/// Which parameters appeared, so the cross-field rules can run after all of them are read.
struct Seen {
  std::bitset<simulator_param_count> keys;
  bool has(std::string_view key) const {
    for (std::size_t i = 0; i < simulator_param_count; ++i) {
      if (simulator_param_keys[i] == key) return keys.test(i);
    }
    return false;
  }
};

/// Reads one known key's value into `out`.
core::Result<core::Ok, UriError> apply(std::string_view key, std::string_view value, SimulatorParams& out) {
  // A finite number in [min, max], or (min, max] when the minimum itself is not allowed.
  auto bounded_float = [&](double min, bool min_inclusive, double max) -> std::optional<double> {
    const auto number = read_finite(value);
    if (!number || *number > max || *number < min || (!min_inclusive && *number == min)) return std::nullopt;
    return number;
  };
  if (key == "seed") {
    auto seed = read_seed(value);
    if (!seed) return Fail{seed.error()};
    out.seed = *seed;
  } else if (key == "peers") {
    const auto peers = read_integer<std::uint32_t>(value);
    if (!peers || *peers > simulator_peers_max) {
      return bad_value(key, value, "an integer 0.." + std::to_string(simulator_peers_max));
    }
    out.peers = *peers;
  } else if (key == "profile") {
    // The simulator's own weather names: one list, so a profile added there is accepted here.
    const auto names = sim::weather_profile_names();
    if (std::find(names.begin(), names.end(), value) == names.end()) {
      return bad_value(key, value, "one of " + join(names));
    }
    out.profile = std::string(value);
  } else if (key == "scenario") {
    if (value.empty()) return bad_value(key, value, "a non-empty scenario file path");
    if (value.size() > simulator_scenario_bytes_max) {
      return bad_value(key, value, "a path of at most " + std::to_string(simulator_scenario_bytes_max) + " bytes");
    }
    for (const char c : value) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte == 0x7F) return bad_value(key, value, "a path without control characters");
    }
    out.scenario_path = std::string(value);
  } else if (key == "position") {
    auto position = read_position(value);
    if (!position) return Fail{position.error()};
    out.position = *position;
  } else if (key == "spread") {
    const auto spread = bounded_float(0.0, false, simulator_spread_metres_max);
    if (!spread) return bad_value(key, value, "metres, a number > 0 and <= 100000");
    out.spread_metres = *spread;
  } else if (key == "behaviour") {
    auto weights = read_behaviour(value);
    if (!weights) return Fail{weights.error()};
    out.behaviour_weights = *weights;
  } else if (key == "clock") {
    if (value == "driven") {
      out.clock = ClockMode::driven;
    } else if (value == "realtime") {
      out.clock = ClockMode::realtime;
    } else {
      return bad_value(key, value, "driven or realtime");
    }
  } else if (key == "time_scale") {
    const auto scale = bounded_float(0.0, false, simulator_time_scale_max);
    if (!scale) return bad_value(key, value, "a number > 0 and <= 1000");
    out.time_scale = *scale;
  } else {  // distance, speed, random: the legacy kernel knobs
    const auto factor = bounded_float(0.0, true, simulator_legacy_factor_max);
    if (!factor) return bad_value(key, value, "a number >= 0 and <= 1000");
    if (key == "distance") out.distance_metres_per_peer = *factor;
    if (key == "speed") out.speed_factor = *factor;
    if (key == "random") out.random_step_metres = *factor;
  }
  return core::Ok{};
}

bool is_query_char(char c) {
  // RFC 3986 query: pchar / "/" / "?"; '%' is checked with its two hex digits.
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~!$&'()*+,;=:@/?").find(c) != std::string_view::npos;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

/// Points at the first byte the query grammar forbids (Boost.URL would only say "leftover").
core::Result<core::Ok, UriError> scan_query(std::string_view query) {
  for (std::size_t i = 0; i < query.size(); ++i) {
    const char c = query[i];
    if (c == '%') {
      if (i + 2 >= query.size() || !is_hex(query[i + 1]) || !is_hex(query[i + 2])) {
        return core::fail(UriErrorCode::bad_parameter, "malformed percent-encoding " + quote(query.substr(i, 3)) + " at byte " +
                                                           std::to_string(i) + " of the simulator parameters");
      }
      i += 2;
      continue;
    }
    if (!is_query_char(c)) {
      return core::fail(UriErrorCode::bad_parameter, "character " + quote(query.substr(i, 1)) + " at byte " + std::to_string(i) +
                                                         " of the simulator parameters is not allowed in a query string");
    }
  }
  return core::Ok{};
}

}  // namespace

std::string_view to_string(PeerBehaviour behaviour) { return peer_behaviour_names[static_cast<std::size_t>(behaviour)]; }

std::optional<PeerBehaviour> parse_peer_behaviour(std::string_view text) {
  for (std::size_t i = 0; i < peer_behaviour_count; ++i) {
    if (peer_behaviour_names[i] == text) return static_cast<PeerBehaviour>(i);
  }
  return std::nullopt;
}

std::string_view to_string(ClockMode clock) { return clock == ClockMode::driven ? "driven" : "realtime"; }

core::Result<SimulatorParams, UriError> parse_simulator_params(std::string_view params) {
  if (params.size() > transport::transport_uri_bytes_max) {
    return core::fail(UriErrorCode::bad_parameter, "simulator parameters are " + std::to_string(params.size()) +
                                                       " bytes, over the limit of " + std::to_string(transport::transport_uri_bytes_max));
  }
  const std::string_view query = params.starts_with('?') ? params.substr(1) : params;
  SimulatorParams out;
  if (query.empty()) return out;
  if (auto scanned = scan_query(query); !scanned) return Fail{scanned.error()};
  // Boost 1.81's parse_query() builds its view from query.data() alone, i.e. with strlen(): it
  // reads past the end of a view that is not NUL-terminated right there (found by the fuzzer).
  // A std::string copy ends exactly where the query does; the scan above ruled out inner NULs.
  const std::string terminated(query);
  const auto parsed = boost::urls::parse_query(terminated);
  if (!parsed) {
    return core::fail(UriErrorCode::bad_parameter,
                      "simulator parameters " + quote(query) + " are not a query string (" + parsed.error().message() + ")");
  }
  boost::urls::encoding_opts decoding;
  decoding.space_as_plus = true;  // URLSearchParams reads '+' as a space; so do we

  Seen seen;
  for (const auto& param : *parsed) {
    const std::string key = param.key.decode(decoding);
    const std::string value = param.value.decode(decoding);
    if (key.empty()) {
      return core::fail(UriErrorCode::bad_parameter,
                        param.has_value ? "a value " + quote(value) + " without a key in the simulator parameters"
                                        : std::string("an empty parameter (a stray '&') in the simulator parameters ") + quote(query));
    }
    std::size_t index = simulator_param_count;
    for (std::size_t i = 0; i < simulator_param_count; ++i) {
      if (simulator_param_keys[i] == key) index = i;
    }
    if (index == simulator_param_count) {
      return core::fail(UriErrorCode::unknown_parameter,
                        "unknown simulator parameter " + quote(key) + " (known: " + join(simulator_param_keys) + ")");
    }
    if (seen.keys.test(index)) {
      return core::fail(UriErrorCode::duplicate_parameter, "simulator parameter '" + key + "' appears more than once; give it once");
    }
    seen.keys.set(index);
    if (!param.has_value) {
      return core::fail(UriErrorCode::bad_parameter, "simulator parameter '" + key + "' has no value; write " + key + "=<value>");
    }
    if (key != "scenario" && value.size() > simulator_value_bytes_max) {
      return bad_value(key, value, "at most " + std::to_string(simulator_value_bytes_max) + " bytes");
    }
    if (auto applied = apply(key, value, out); !applied) return Fail{applied.error()};
  }

  if (seen.has("scenario") && seen.has("profile")) {
    return core::fail(UriErrorCode::bad_parameter,
                      "simulator parameters 'scenario' and 'profile' are mutually exclusive: a scenario sets its own network");
  }
  if (seen.has("time_scale") && out.clock != ClockMode::realtime) {
    return core::fail(UriErrorCode::bad_parameter,
                      "simulator parameter 'time_scale' needs clock=realtime (a driven clock has no wall time to scale)");
  }
  return out;
}

core::Result<transport::TransportUri, UriError> validate_simulator_uri(transport::TransportUri uri) {
  auto params = parse_simulator_params(uri.params);
  if (!params) return Fail{params.error()};
  return uri;
}

}  // namespace dclcomms::simulator_transport
