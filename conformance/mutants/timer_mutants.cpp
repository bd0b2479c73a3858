// Mutants: a reference transport built on a runtime whose timers stop — from the start (the
// handshake's deadline never fires) or once Connected (a crowd that never moves again). Posts still
// run: only what is due later than now is lost, as when a driver drops its `set_timer`.
#include "timer_mutants.hpp"

#include <memory>

#include "../src/reference_capabilities.hpp"
#include "dclcomms/core/runtime.hpp"
#include "dclcomms/simulator_transport/simulator_transport.hpp"
#include "dclcomms/transport/transport_factory.hpp"
#include "dclcomms/ws_room/ws_room_transport.hpp"

namespace dclcomms::conformance {
namespace {

class TimerStoppingRuntime final : public core::Runtime {
 public:
  explicit TimerStoppingRuntime(core::Runtime& inner) : inner_(inner) {}
  void stop_timers() { stopped_ = true; }
  core::TimePoint now() const override { return inner_.now(); }
  core::TimerId schedule_at(core::TimePoint when, Callback callback) override {
    if (stopped_ && when > inner_.now()) return next_dead_id_++;  // accepted, never run
    return inner_.schedule_at(when, std::move(callback));
  }
  void cancel(core::TimerId id) override {
    if (id < dead_id_base) inner_.cancel(id);
  }

 private:
  static constexpr core::TimerId dead_id_base = core::TimerId{1} << 62;  // never one of the inner runtime's ids
  core::Runtime& inner_;
  bool stopped_ = false;
  core::TimerId next_dead_id_ = dead_id_base;
};

enum class TimersStop { from_the_start, once_connected };

// The reference transport of one type, made by `register_type` on a factory whose runtime is the
// stopping one; every call and event passes through unchanged.
class TimerStoppingTransport final : public transport::Transport {
 public:
  using Registration = void (*)(transport::TransportFactory&);

  static core::Result<transport::TransportPtr, transport::UriError> create(const transport::TransportUri& uri,
                                                                           const transport::TransportContext& context,
                                                                           Registration registration, TimersStop when) {
    auto made = std::unique_ptr<TimerStoppingTransport>(new TimerStoppingTransport(*context.runtime, when));
    transport::TransportContext changed = context;
    changed.runtime = made->runtime_.get();
    transport::TransportFactory factory(changed);
    registration(factory);
    auto inner = factory.create(uri.type + ":" + uri.params);
    if (!inner) return core::fail(inner.error().code, inner.error().message);
    made->inner_ = std::move(inner).value();
    made->inner_->set_event_handler([self = made.get()](const transport::TransportEvent& event) {
      if (self->when_ == TimersStop::once_connected && std::holds_alternative<transport::Connected>(event)) self->runtime_->stop_timers();
      self->emit(event);
    });
    return transport::TransportPtr(std::move(made));
  }

  std::string_view type() const override { return inner_->type(); }
  transport::Status connect() override { return inner_->connect(); }
  void disconnect() override { inner_->disconnect(); }
  transport::Status send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) override {
    return inner_->send(packet, options);
  }

 private:
  TimerStoppingTransport(core::Runtime& runtime, TimersStop when) : runtime_(std::make_unique<TimerStoppingRuntime>(runtime)), when_(when) {
    if (when_ == TimersStop::from_the_start) runtime_->stop_timers();
  }

  std::unique_ptr<TimerStoppingRuntime> runtime_;  // outlives inner_
  TimersStop when_;
  transport::TransportPtr inner_;
};

TransportUnderTest timer_mutant(const std::string& name, const std::string& type, TimerStoppingTransport::Registration registration,
                                TimersStop when) {
  Capabilities capabilities = ws_room_capabilities();
  capabilities.types = {type};
  return TransportUnderTest{name, capabilities, [type, registration, when](transport::TransportFactory& factory, const HarnessServices&) {
                              factory.register_type(type, [registration, when](const transport::TransportUri& uri,
                                                                               const transport::TransportContext& context) {
                                return TimerStoppingTransport::create(uri, context, registration, when);
                              });
                            }};
}

}  // namespace

std::vector<Mutant> timer_mutants() {
  return {
      {timer_mutant("mutant-handshake-timer-never-fires", "ws-room", &ws_room::register_ws_room, TimersStop::from_the_start),
       "wsroom.handshake.timeout", "its timers never fire: a server that never answers leaves it waiting forever"},
      {timer_mutant("mutant-simulator-timers-stop-after-connect", "simulator", &simulator_transport::register_simulator_transport,
                    TimersStop::once_connected),
       "simulator.peers.join_and_leave", "stops serving its timers once Connected: the crowd it reported never moves again"},
  };
}

}  // namespace dclcomms::conformance
