#include "dclcomms/sim/scenario_runner.hpp"

#include <map>
#include <string>
#include <vector>

#include "dclcomms/core/assert.hpp"
#include "workload_driver.hpp"

namespace dclcomms::sim {

namespace {

std::vector<HostId> ids_of(const Simulation& simulation, const std::vector<std::string>& names) {
  std::vector<HostId> ids;
  for (const std::string& name : names) {
    const auto id = simulation.find_host(name);
    DCL_ASSERT(id.has_value());  // the scenario loader checked every name
    ids.push_back(*id);
  }
  return ids;
}

void apply_link(Simulation& simulation, const LinkSpec& link) {
  const HostId from = *simulation.find_host(link.from);
  const HostId to = *simulation.find_host(link.to);
  simulation.set_link(from, to, link.faults);
  if (link.bidirectional) simulation.set_link(to, from, link.faults);
}

void apply_fault(Simulation& simulation, const FaultSpec& fault) {
  switch (fault.action) {
    case FaultAction::partition: simulation.partition(ids_of(simulation, fault.side_a), ids_of(simulation, fault.side_b)); break;
    case FaultAction::partition_oneway:
      simulation.partition_oneway(ids_of(simulation, fault.side_a), ids_of(simulation, fault.side_b));
      break;
    case FaultAction::heal: simulation.heal(); break;
    case FaultAction::crash: simulation.crash(*simulation.find_host(fault.host)); break;
    case FaultAction::restart: simulation.restart(*simulation.find_host(fault.host)); break;
    case FaultAction::pause: simulation.pause(*simulation.find_host(fault.host)); break;
    case FaultAction::resume: simulation.resume(*simulation.find_host(fault.host)); break;
    case FaultAction::set_link: apply_link(simulation, fault.link); break;
    case FaultAction::hold: simulation.hold(*simulation.find_host(fault.link.from), *simulation.find_host(fault.link.to)); break;
    case FaultAction::release: simulation.release(*simulation.find_host(fault.link.from), *simulation.find_host(fault.link.to)); break;
  }
}

}  // namespace

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  SimulationConfig config;
  config.seed = options.seed;
  Simulation simulation(config, options.sink);
  if (options.record_faults) simulation.record_faults(options.record_faults);
  if (options.replay_faults) simulation.replay_faults(*options.replay_faults);
  std::vector<HostId> hosts;
  for (const NodeSpec& node : scenario.nodes) hosts.push_back(simulation.add_host(node.name, node.clock));
  if (scenario.default_link) {
    for (const HostId from : hosts) {
      for (const HostId to : hosts) {
        if (from != to) simulation.set_link(from, to, *scenario.default_link);
      }
    }
  }
  for (const LinkSpec& link : scenario.links) apply_link(simulation, link);
  for (const FaultSpec& fault : scenario.faults) {
    simulation.schedule_at(core::TimePoint(fault.at), [&simulation, &fault]() { apply_fault(simulation, fault); });
  }
  detail::WorkloadDriver driver(simulation, scenario, hosts);
  driver.start();

  const core::TimePoint end(scenario.duration);
  if (options.progress) {
    simulation.run_until(end, 65536, [&](core::TimePoint now) { options.progress(now, end); });
    options.progress(end, end);
  } else {
    simulation.run_until(end);
  }
  RunResult result;
  result.seed = options.seed;
  result.events = simulation.events_traced();
  result.end = simulation.now();
  result.digest = simulation.digest();
  result.stats = simulation.stats();
  return result;
}

}  // namespace dclcomms::sim
