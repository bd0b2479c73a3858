#pragma once
// HostClock: what a host believes the time is. Code running on a host reads its own clock through
// its Runtime; the simulation keeps one true (global) clock. local = global + skew + drift, with
// drift in integer parts per million of elapsed global time.

#include <cstdint>

#include "dclcomms/core/time.hpp"

namespace dclcomms::sim {

struct HostClock {
  core::Duration skew{0};      // local minus global at global time zero
  std::int64_t drift_ppm = 0;  // local clock gains drift_ppm ns per ms of global time; > -1e6

  /// The host's reading at global time `global`.
  core::TimePoint local_from_global(core::TimePoint global) const;
  /// The earliest global time at which the host's reading is >= `local`.
  core::TimePoint global_from_local(core::TimePoint local) const;
};

}  // namespace dclcomms::sim
