#pragma once
// WorkloadDriver: runs a scenario's workloads as host software. Each sending host arms its timers
// through its own HostRuntime (so a crash stops them and clock skew/drift shape them) and re-arms
// them from its `restarted` handler. Payloads carry a 16-byte header (docs/simulator.md) so that
// one handler per host can tell workloads and message types apart.

#include <cstdint>
#include <map>
#include <span>
#include <tuple>
#include <vector>

#include "dclcomms/sim/scenario.hpp"
#include "dclcomms/sim/simulation.hpp"

namespace dclcomms::sim::detail {

class WorkloadDriver {
 public:
  /// `hosts[i]` is the id of scenario.nodes[i]. Both must outlive the driver.
  WorkloadDriver(Simulation& simulation, const Scenario& scenario, std::vector<HostId> hosts);

  /// Installs every host's handlers and arms the first timers. Call once, before running.
  void start();

 private:
  enum class Type : std::uint8_t { oneway = 1, request = 2, response = 3 };

  void arm(HostId host, bool restarted);
  void tick(std::size_t workload, HostId from);
  void send(std::size_t workload, HostId from, HostId to, Type type, std::uint64_t stamp, std::uint32_t bytes, StreamId reply_stream);
  void receive(HostId at, HostId from, StreamId stream, std::span<const std::uint8_t> payload);
  std::optional<StreamId> stream_for(std::size_t workload, HostId from, HostId to);

  Simulation& simulation_;
  const Scenario& scenario_;
  std::vector<HostId> hosts_;
  std::vector<HostId> senders_;               // per workload
  std::vector<std::vector<HostId>> targets_;  // per workload
  std::vector<core::Duration> periods_;       // per workload
  std::map<std::tuple<std::size_t, HostId, HostId>, StreamId> streams_;
  std::vector<std::uint64_t> sequence_;  // per workload
};

}  // namespace dclcomms::sim::detail
