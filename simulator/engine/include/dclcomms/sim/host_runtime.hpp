#pragma once
// HostRuntime: core::Runtime for software running on one simulated host, so that transports written
// against core::Runtime run unchanged inside a Simulation. now() is the host's own (skewed,
// drifting) clock; schedule_at takes a time on that clock. Timers die with a crash and wait out a
// pause. Obtain one with Simulation::runtime(host).

#include "dclcomms/core/runtime.hpp"

namespace dclcomms::sim {

class Simulation;

class HostRuntime final : public core::Runtime {
 public:
  HostRuntime(Simulation& simulation, std::uint32_t host);

  core::TimePoint now() const override;
  core::TimerId schedule_at(core::TimePoint when, Callback callback) override;
  void cancel(core::TimerId id) override;

 private:
  Simulation& simulation_;
  std::uint32_t host_;
};

}  // namespace dclcomms::sim
