#pragma once
// The fixed "wall clock" of a simulated (or harnessed) room. AuthChains carry expiry dates and the
// server checks them against unix time; a real clock would make runs differ from day to day and
// the identities below expire, so servers, endpoints and transports read this constant instead.

#include <cstdint>

namespace dclcomms::sim_room {

/// Unix time in ms at virtual time zero (2026-09-21): what every component's `unix_ms_now` returns.
inline constexpr std::int64_t clock_origin_unix_ms = 1790000000000;

}  // namespace dclcomms::sim_room
