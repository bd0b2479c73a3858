#include "dclcomms/carriers/asio_runtime.hpp"

#include <boost/asio/post.hpp>

#include <chrono>

#include "dclcomms/core/assert.hpp"
#include "detail/asio_context.hpp"

namespace dclcomms::carriers {

AsioRuntime::AsioRuntime() : context_(std::make_unique<detail::AsioContext>()) {}
AsioRuntime::~AsioRuntime() = default;

core::TimePoint AsioRuntime::now() const {
  // The production runtime is the one place that reads a clock: the steady clock, as int64 ns.
  const auto since_epoch = std::chrono::steady_clock::now().time_since_epoch();
  return core::time_point_from_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count());
}

core::TimerId AsioRuntime::schedule_at(core::TimePoint when, Callback callback) {
  DCL_ASSERT(callback);
  const core::TimerId id = ++context_->last_timer_id;
  const auto delay = when - now();
  if (delay <= core::Duration::zero()) {
    // Due now: asio::post runs handlers in FIFO order, which keeps the Runtime's ordering promise
    // (a timer heap would not order ties).
    context_->posted.insert(id);
    boost::asio::post(context_->io, [this, id, callback = std::move(callback)] {
      if (context_->posted.erase(id) == 0) return;  // cancelled
      callback();
    });
    return id;
  }
  auto timer = std::make_unique<boost::asio::steady_timer>(context_->io);
  timer->expires_after(std::chrono::nanoseconds(delay.count()));
  timer->async_wait([this, id, callback = std::move(callback)](const boost::system::error_code& error) {
    if (error) return;  // cancelled
    context_->timers.erase(id);
    callback();
  });
  context_->timers.emplace(id, std::move(timer));
  return id;
}

void AsioRuntime::cancel(core::TimerId id) {
  if (context_->posted.erase(id) > 0) return;
  const auto it = context_->timers.find(id);
  if (it == context_->timers.end()) return;
  it->second->cancel();
  context_->timers.erase(it);  // the handler runs with operation_aborted and does nothing
}

void AsioRuntime::run() {
  context_->io.restart();
  context_->io.run();
}

void AsioRuntime::run_for(core::Duration duration) {
  context_->io.restart();
  context_->io.run_for(std::chrono::nanoseconds(duration.count()));
}

void AsioRuntime::poll() {
  context_->io.restart();
  context_->io.poll();
}

void AsioRuntime::stop() { context_->io.stop(); }

void AsioRuntime::post_from_any_thread(Callback callback) {
  boost::asio::post(context_->io, std::move(callback));  // io_context::post is thread-safe
}

void AsioRuntime::on_termination_signal(std::function<void(int)> handler) {
  if (!context_->signals) context_->signals = std::make_unique<boost::asio::signal_set>(context_->io, SIGINT, SIGTERM);
  context_->signals->async_wait([this, handler](const boost::system::error_code& error, int signal_number) {
    if (error) return;
    handler(signal_number);
  });
}

detail::AsioContext& AsioRuntime::context() { return *context_; }

}  // namespace dclcomms::carriers
