#pragma once
// AsioRuntime: core::Runtime on a Boost.Asio io_context and the steady clock — the production
// runtime. One thread runs it (run / run_for / poll); everything scheduled on it and every carrier
// callback runs on that thread. Asio stays out of this header (pimpl) so that only the carrier
// translation units pay for its templates.

#include <functional>
#include <memory>

#include "dclcomms/core/runtime.hpp"

namespace dclcomms::carriers {

namespace detail {
struct AsioContext;  // carriers' access to the io_context (detail/asio_context.hpp)
}

class AsioRuntime final : public core::Runtime {
 public:
  AsioRuntime();
  ~AsioRuntime() override;
  AsioRuntime(const AsioRuntime&) = delete;
  AsioRuntime& operator=(const AsioRuntime&) = delete;

  core::TimePoint now() const override;
  core::TimerId schedule_at(core::TimePoint when, Callback callback) override;
  void cancel(core::TimerId id) override;

  /// Runs until stop() or until nothing is left to do.
  void run();
  /// Runs for at most `duration` of wall time; returns early after stop().
  void run_for(core::Duration duration);
  /// Runs handlers that are ready now, without blocking.
  void poll();
  void stop();

  /// Queues `callback` to run on the runtime's thread. The one method that is safe to call from
  /// another thread (e.g. a blocking stdin reader).
  void post_from_any_thread(Callback callback);

  /// Calls `handler(signal_number)` on the runtime's thread when SIGINT or SIGTERM arrives.
  void on_termination_signal(std::function<void(int)> handler);
  /// For carriers (the Beast translation units) only.
  detail::AsioContext& context();

 private:
  std::unique_ptr<detail::AsioContext> context_;
};

}  // namespace dclcomms::carriers
