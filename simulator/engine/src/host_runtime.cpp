#include "dclcomms/sim/host_runtime.hpp"

#include <algorithm>
#include <utility>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/sim/simulation.hpp"
#include "simulation_internal.hpp"

namespace dclcomms::sim {

HostRuntime::HostRuntime(Simulation& simulation, std::uint32_t host) : simulation_(simulation), host_(host) {
  DCL_ASSERT(host_ < simulation_.host_count());
}

core::TimePoint HostRuntime::now() const { return simulation_.host(host_).clock.local_from_global(simulation_.now()); }

core::TimerId HostRuntime::schedule_at(core::TimePoint when, Callback callback) {
  DCL_ASSERT(callback);
  const core::TimePoint global = std::max(simulation_.now(), simulation_.host(host_).clock.global_from_local(when));
  return simulation_.schedule_on_host(global, host_, std::move(callback));
}

void HostRuntime::cancel(core::TimerId id) {
  simulation_.queue_.cancel(id);
  auto& held = simulation_.host(host_).held;
  const auto found = std::find_if(held.begin(), held.end(), [id](const auto& entry) { return entry.first == id; });
  if (found != held.end()) held.erase(found);
}

}  // namespace dclcomms::sim
