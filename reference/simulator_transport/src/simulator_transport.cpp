#include "dclcomms/simulator_transport/simulator_transport.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/sim/scenario.hpp"
#include "dclcomms/sim/weather.hpp"
#include "dclcomms/transport/transport_limits.hpp"

namespace dclcomms::simulator_transport {

SimulatorTransport::SimulatorTransport(simulator_transport::SimulatorParams params, core::Runtime& runtime)
    : params_(std::move(params)), runtime_(runtime), events_(runtime, [this](const transport::TransportEvent& event) { emit(event); }) {
  DCL_ASSERT(params_.time_scale > 0.0 && params_.time_scale <= simulator_transport::simulator_time_scale_max);
}

SimulatorTransport::~SimulatorTransport() {
  if (wake_timer_) runtime_.cancel(*wake_timer_);
}

core::TimePoint SimulatorTransport::simulated_time(core::TimePoint runtime_time) const {
  const auto elapsed = runtime_time - start_;
  if (elapsed <= core::Duration::zero()) return core::TimePoint{};
  if (params_.clock == simulator_transport::ClockMode::driven || params_.time_scale == 1.0) return core::TimePoint(elapsed);
  // One IEEE multiplication: exact and repeatable; saturate far beyond any real run.
  const double scaled = static_cast<double>(elapsed.count()) * params_.time_scale;
  const auto max = static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2);
  return core::TimePoint(core::Duration(static_cast<std::int64_t>(scaled < max ? scaled : max)));
}

core::TimePoint SimulatorTransport::runtime_time(core::TimePoint simulated) const {
  const auto elapsed = simulated.time_since_epoch();
  if (params_.clock == simulator_transport::ClockMode::driven || params_.time_scale == 1.0) return start_ + elapsed;
  // Rounded up, so that simulated_time() of the result is not before `simulated` (give or take an
  // ulp: arm() then wakes once more, a nanosecond later).
  const double scaled = std::ceil(static_cast<double>(elapsed.count()) / params_.time_scale);
  const auto max = static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2);
  return start_ + core::Duration(static_cast<std::int64_t>(scaled < max ? scaled : max));
}

transport::Status SimulatorTransport::connect() {
  if (state_ != State::idle) {
    return core::fail(transport::TransportErrorCode::already_connected, "simulator transport: connect called twice");
  }
  state_ = State::connected;

  ScenarioPlan plan;
  std::optional<std::uint64_t> scenario_seed;
  if (params_.scenario_path) {
    auto loaded = sim::load_scenario(*params_.scenario_path);
    if (!loaded) {
      const auto code = loaded.error().code == sim::ScenarioErrorCode::io ? transport::TransportErrorCode::io_error
                                                                          : transport::TransportErrorCode::unsupported;
      events_.post(transport::ErrorReported{transport::TransportError{code, "simulator: " + loaded.error().message}});
      close(transport::Disconnected{"simulator: scenario not loaded: " + loaded.error().message, false});
      return core::Ok{};
    }
    auto planned = plan_scenario(*loaded, params_.peers);
    if (!planned) {
      events_.post(transport::ErrorReported{
          transport::TransportError{transport::TransportErrorCode::unsupported, "simulator: " + planned.error().message}});
      close(transport::Disconnected{"simulator: scenario not supported: " + planned.error().message, false});
      return core::Ok{};
    }
    plan = std::move(*planned);
    scenario_seed = plan.seed;
  } else {
    const auto weather = sim::weather_profile(params_.profile);
    DCL_ASSERT(weather);  // parse_simulator_params() accepts only the simulator's weather names
    plan = plan_weather(*weather, params_.peers);
  }

  crowd_ = std::make_unique<SimulatedCrowd>(make_crowd_config(params_, scenario_seed), plan, [this](transport::TransportEvent event) {
    if (state_ != State::connected) return;
    if (auto* disconnected = std::get_if<transport::Disconnected>(&event)) {
      close(std::move(*disconnected));
      return;
    }
    events_.post(std::move(event));
  });
  start_ = runtime_.now();
  events_.post(transport::Connected{crowd_->start()});
  arm();
  return core::Ok{};
}

void SimulatorTransport::wake() {
  wake_timer_.reset();
  if (state_ != State::connected) return;
  catch_up();
  if (state_ != State::connected) return;  // the scenario crashed the user's host
  arm();
}

// (Re)arms the wake-up for the crowd's next pending event. Called after anything that may add
// events to the crowd (connect, a wake, a send).
void SimulatorTransport::arm() {
  if (wake_timer_) runtime_.cancel(*wake_timer_);
  wake_timer_.reset();
  const core::TimePoint next = crowd_->next_event_time();
  if (next == core::TimePoint::max()) return;  // nothing pending: a send will re-arm
  const core::TimePoint at = std::max(runtime_time(next), runtime_.now() + core::Duration(1));
  wake_timer_ = runtime_.schedule_at(at, [this] { wake(); });
}

void SimulatorTransport::catch_up() {
  DCL_ASSERT(crowd_);
  crowd_->run_until(simulated_time(runtime_.now()));
}

void SimulatorTransport::close(transport::Disconnected event) {
  state_ = State::closed;
  if (wake_timer_) runtime_.cancel(*wake_timer_);
  wake_timer_.reset();
  events_.post(std::move(event));
}

void SimulatorTransport::disconnect() {
  if (state_ == State::closed) return;
  const bool was_connected = state_ == State::connected;
  close(transport::Disconnected{was_connected ? "client disconnected" : "client disconnected before connect", false});
}

transport::Status SimulatorTransport::send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) {
  if (state_ != State::connected) {
    return core::fail(transport::TransportErrorCode::not_connected, "simulator transport: send while not connected");
  }
  if (packet.size() > transport::packet_bytes_max) {
    return core::fail(transport::TransportErrorCode::packet_too_large, "packet of " + std::to_string(packet.size()) +
                                                                           " bytes exceeds the limit of " +
                                                                           std::to_string(transport::packet_bytes_max));
  }
  // Bring the network up to the present first, so the packet leaves at the right simulated time.
  catch_up();
  if (state_ != State::connected) {
    return core::fail(transport::TransportErrorCode::not_connected, "simulator transport: the connection just ended");
  }
  crowd_->send_from_user(packet, options.reliability == transport::Reliability::reliable, options.targets);
  arm();  // the packet is now in flight: its arrival may be the next thing to happen
  return core::Ok{};
}

void register_simulator_transport(transport::TransportFactory& factory) {
  factory.register_type(
      "simulator",
      [](const transport::TransportUri& uri,
         const transport::TransportContext& context) -> core::Result<transport::TransportPtr, transport::UriError> {
        auto params = simulator_transport::parse_simulator_params(uri.params);
        if (!params) return core::Unexpected<transport::UriError>{params.error()};  // the factory checked: unreachable
        return transport::TransportPtr(std::make_unique<SimulatorTransport>(std::move(*params), *context.runtime));
      },
      validate_simulator_uri);
}

}  // namespace dclcomms::simulator_transport
