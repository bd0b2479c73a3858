#pragma once
// Time as the whole project sees it: 64-bit integer nanoseconds on a clock that somebody else owns.
// Protocol cores receive `now` as an argument and never read a clock; the simulator's virtual clock
// and the Asio runtime's steady clock both produce these values.

#include <chrono>
#include <cstdint>

namespace dclcomms::core {

/// The clock tag behind TimePoint. It has no now(): time is always handed in.
struct NanoClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::duration<rep, period>;
  using time_point = std::chrono::time_point<NanoClock>;
  static constexpr bool is_steady = true;
};

using Duration = NanoClock::duration;
using TimePoint = NanoClock::time_point;

constexpr std::int64_t to_ns(Duration d) { return d.count(); }
constexpr std::int64_t to_ns(TimePoint t) { return t.time_since_epoch().count(); }
constexpr TimePoint time_point_from_ns(std::int64_t ns) { return TimePoint(Duration(ns)); }

}  // namespace dclcomms::core
