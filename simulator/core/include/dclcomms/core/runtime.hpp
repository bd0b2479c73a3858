#pragma once
// Runtime: the one interface through which transports see time and schedule work (FoundationDB's
// INetwork idea, without the global). Production installs an Asio-backed runtime; tests and the
// simulator install a virtual-time one (ManualRuntime, sim::Simulation). Transport code written
// against Runtime runs unchanged on both.

#include <cstdint>
#include <functional>

#include "dclcomms/core/time.hpp"

namespace dclcomms::core {

/// Identifies a scheduled callback so that it can be cancelled. 0 is never a valid id.
using TimerId = std::uint64_t;

class Runtime {
 public:
  using Callback = std::function<void()>;

  virtual ~Runtime() = default;

  /// The runtime's current time. Virtual runtimes only move it between callbacks.
  virtual TimePoint now() const = 0;

  /// Runs `callback` once `now() >= when`. Callbacks due at the same instant run in the order they
  /// were scheduled (time, then insertion sequence): this is what makes virtual runs reproducible.
  virtual TimerId schedule_at(TimePoint when, Callback callback) = 0;

  /// Cancels a callback that has not run yet. Cancelling an unknown or finished id is a no-op.
  virtual void cancel(TimerId id) = 0;

  /// Runs `callback` soon, after the current callback returns, never re-entrantly.
  TimerId post(Callback callback) { return schedule_at(now(), std::move(callback)); }
};

}  // namespace dclcomms::core
