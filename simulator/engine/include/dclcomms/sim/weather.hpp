#pragma once
// Network weather: named LinkFaults presets for the conditions Decentraland clients meet. The
// parameters are documented, with the reasoning behind them, in docs/simulator.md; changing one
// changes every trace that uses it, so bump the trace format version when you do.

#include <optional>
#include <span>
#include <string_view>

#include "dclcomms/sim/link_faults.hpp"

namespace dclcomms::sim {

/// ideal, lan, wifi, congested-venue, mobile-handover, satellite, lossy-5pct.
std::span<const std::string_view> weather_profile_names();

/// The preset called `name`, or nullopt if there is none.
std::optional<LinkFaults> weather_profile(std::string_view name);

}  // namespace dclcomms::sim
