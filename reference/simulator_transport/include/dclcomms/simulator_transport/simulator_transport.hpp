#pragma once
// The `simulator` transport (spec §7.2, docs/simulator-transport.md): a room of virtual peers that
// behave like explorers, living inside a private sim::Simulation, so that everything they send
// crosses a simulated network (the URI's weather profile, or a scenario file) before it becomes a
// transport event.
//
// Time, one mechanism for both clock modes: connect() records the context runtime's now() as the
// start, then a wake-up on that runtime advances the simulation to
//     simulated = (runtime.now() - start) * time_scale
// and re-arms itself for the runtime time of the crowd's next pending event, so every simulated
// arrival becomes an event at its exact time (no polling granularity). With `clock=driven` (default) the runtime is whatever the
// caller drives — a core::ManualRuntime in tests: simulated time moves only when the caller
// advances it. With `clock=realtime` it is the wall-clock runtime (the CLI's AsioRuntime), scaled by
// time_scale. Events produced in a wake-up are posted through the EventPoster, never re-entrantly.
//
// Determinism: same URI (seed) and the same calls at the same runtime times give the same events,
// byte for byte (a ManualRuntime makes the times exact). All randomness is core::Prng streams
// derived from the seed; no wall clock is ever read.

#include <memory>
#include <optional>

#include "dclcomms/core/runtime.hpp"
#include "dclcomms/simulator_transport/simulated_crowd.hpp"
#include "dclcomms/simulator_transport/simulator_params.hpp"
#include "dclcomms/transport/event_poster.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::simulator_transport {

class SimulatorTransport final : public transport::Transport {
 public:
  /// Stores the parameters; does no I/O and schedules nothing (the factory contract).
  SimulatorTransport(simulator_transport::SimulatorParams params, core::Runtime& runtime);
  ~SimulatorTransport() override;
  SimulatorTransport(const SimulatorTransport&) = delete;
  SimulatorTransport& operator=(const SimulatorTransport&) = delete;

  std::string_view type() const override { return "simulator"; }

  /// Builds the crowd (loading `scenario=` if given) and starts the clock. Connected{peers present}
  /// follows; a scenario that cannot be loaded or mapped gives ErrorReported then Disconnected.
  transport::Status connect() override;
  void disconnect() override;
  /// Reliable packets go on the peers' streams, unreliable ones as datagrams; `targets` limits the
  /// copies to those peers. Errors: not_connected, packet_too_large (over 64 KiB - 1).
  transport::Status send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) override;

  const simulator_transport::SimulatorParams& params() const { return params_; }
  /// The crowd, once connect() has built it (tests and benchmarks inspect it).
  const SimulatedCrowd* crowd() const { return crowd_.get(); }
  /// Simulated time for a runtime time (identity offset by the start in driven mode).
  core::TimePoint simulated_time(core::TimePoint runtime_time) const;
  /// The earliest runtime time whose simulated time reaches `simulated` (the inverse of the above).
  core::TimePoint runtime_time(core::TimePoint simulated) const;

 private:
  enum class State : std::uint8_t { idle, connected, closed };

  void wake();
  void arm();
  void catch_up();
  void close(transport::Disconnected event);

  simulator_transport::SimulatorParams params_;
  core::Runtime& runtime_;
  State state_ = State::idle;
  core::TimePoint start_{};
  std::unique_ptr<SimulatedCrowd> crowd_;
  std::optional<core::TimerId> wake_timer_;
  transport::EventPoster events_;
};

/// Registers `simulator` on `factory`: the factory has already validated the URI; the maker
/// re-parses the parameters (cannot fail then) and builds a SimulatorTransport on the context's
/// runtime.
void register_simulator_transport(transport::TransportFactory& factory);

}  // namespace dclcomms::simulator_transport
