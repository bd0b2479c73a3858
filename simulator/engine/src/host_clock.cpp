#include "dclcomms/sim/host_clock.hpp"

#include "dclcomms/core/assert.hpp"

namespace dclcomms::sim {

namespace {
constexpr std::int64_t ppm = 1'000'000;

std::int64_t floor_div(__int128 numerator, std::int64_t denominator) {
  DCL_ASSERT(denominator > 0);
  __int128 quotient = numerator / denominator;
  if (numerator % denominator != 0 && numerator < 0) --quotient;
  return static_cast<std::int64_t>(quotient);
}
}  // namespace

core::TimePoint HostClock::local_from_global(core::TimePoint global) const {
  DCL_ASSERT(drift_ppm > -ppm);
  if (drift_ppm == 0) return global + skew;  // what the general form gives, without 128-bit division
  const std::int64_t g = core::to_ns(global);
  const std::int64_t drift_ns = floor_div(static_cast<__int128>(g) * drift_ppm, ppm);
  return core::time_point_from_ns(g + skew.count() + drift_ns);
}

core::TimePoint HostClock::global_from_local(core::TimePoint local) const {
  DCL_ASSERT(drift_ppm > -ppm);
  if (drift_ppm == 0) return local - skew;  // the exact inverse of local = global + skew
  const std::int64_t target = core::to_ns(local);
  // local(g) is strictly increasing in g with slope (1e6 + drift) / 1e6, so an estimate by
  // inverting the slope is within a couple of ns; walk to the exact smallest g.
  std::int64_t g = floor_div(static_cast<__int128>(target - skew.count()) * ppm, ppm + drift_ppm);
  const auto reading = [this](std::int64_t at) { return core::to_ns(local_from_global(core::time_point_from_ns(at))); };
  for (int step = 0; reading(g) < target; ++step) {
    DCL_ASSERT(step < 1'000'000);
    ++g;
  }
  for (int step = 0; reading(g - 1) >= target; ++step) {
    DCL_ASSERT(step < 1'000'000);
    --g;
  }
  return core::time_point_from_ns(g);
}

}  // namespace dclcomms::sim
