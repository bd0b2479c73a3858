#pragma once
// ManualRuntime: a Runtime on a virtual clock that the caller drives (`advance`, `run_until_idle`).
// Deterministic by construction: one thread, callbacks ordered by (time, insertion sequence), no
// wall clock. Used by unit tests and by the CLI for transports that do no network I/O.

#include <cstddef>
#include <map>
#include <utility>

#include "dclcomms/core/runtime.hpp"

namespace dclcomms::core {

class ManualRuntime final : public Runtime {
 public:
  /// `callbacks_max` bounds the queue: scheduling past it is a bug in the caller (asserted).
  explicit ManualRuntime(TimePoint start = TimePoint{}, std::size_t callbacks_max = 1'000'000);

  TimePoint now() const override { return now_; }
  TimerId schedule_at(TimePoint when, Callback callback) override;
  void cancel(TimerId id) override;

  /// Runs every callback due at or before now() + duration, then sets now() to that instant.
  /// Returns the number of callbacks run.
  std::size_t advance(Duration duration);

  /// Runs callbacks due at the current instant (including ones they post) until none is left.
  std::size_t run_ready();

  /// Runs every pending callback, jumping the clock forward to each one's time; stops early after
  /// `callbacks_max` callbacks (a guard against self-rescheduling loops). Returns the number run.
  std::size_t run_until_idle(std::size_t callbacks_max = 1'000'000);

  std::size_t pending() const { return queue_.size(); }
  /// The time of the earliest pending callback, or TimePoint::max() when none is pending.
  TimePoint next_deadline() const;

 private:
  bool run_one_due(TimePoint limit);

  using Key = std::pair<std::int64_t, TimerId>;  // (time ns, sequence): the total order of events.
  TimePoint now_;
  std::size_t callbacks_max_;
  TimerId sequence_ = 0;
  std::map<Key, Callback> queue_;
  std::map<TimerId, std::int64_t> time_of_;  // id -> time ns, for cancel()
};

}  // namespace dclcomms::core
