#pragma once
// ScenarioPlan: a sim::Scenario (loaded with the engine's own loader, `scenario=` in the URI)
// mapped onto the crowd's network. Node names:
//
//   user      the user's host (this transport's end);
//   peer-<i>  virtual peer i (0 <= i < peers);
//   crowd     every virtual peer at once (links, clock, faults).
//
// Supported: nodes with clock skew and drift; default_link and links (user <-> peer only: the
// peers never talk to each other); every fault action (crash of `user` ends the connection with
// Disconnected). Rejected, with a message naming the part: workloads (the virtual peers are the
// workload), other node names, peer-to-peer links, and a crowd left without a link to or from the
// user. The scenario's duration does not stop anything (the transport runs until disconnect()).

#include <cstdint>
#include <string>
#include <vector>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/sim/host_clock.hpp"
#include "dclcomms/sim/link_faults.hpp"
#include "dclcomms/sim/scenario.hpp"
#include "dclcomms/sim/simulation.hpp"

namespace dclcomms::simulator_transport {

/// Host ids are fixed by construction: the user is host 0, peer i is host i + 1.
inline constexpr sim::HostId user_host_id = 0;
constexpr sim::HostId peer_host_id(std::uint32_t index) { return index + 1; }

struct PlannedLink {
  sim::HostId from = 0;
  sim::HostId to = 0;
  sim::LinkFaults faults;
};

struct PlannedFault {
  core::Duration at{0};
  sim::FaultAction action = sim::FaultAction::heal;
  std::vector<sim::HostId> side_a;  // partition a / partition_oneway from
  std::vector<sim::HostId> side_b;
  std::vector<sim::HostId> hosts;  // crash, restart, pause, resume
  std::vector<PlannedLink> links;  // set_link (both directions already expanded), hold, release
};

struct ScenarioPlan {
  std::string name;
  std::uint64_t seed = 1;
  std::vector<sim::HostClock> clocks;  // index = host id
  std::vector<PlannedLink> links;      // every user<->peer direction, exactly once, in host order
  std::vector<PlannedFault> faults;    // in schedule order
};

enum class PlanErrorCode : std::uint8_t { unsupported };
using PlanError = core::Error<PlanErrorCode>;

/// Maps `scenario` onto a crowd of `peers`; the error says which part is not supported.
core::Result<ScenarioPlan, PlanError> plan_scenario(const sim::Scenario& scenario, std::uint32_t peers);

/// The plan for a plain `profile=` run: every user<->peer direction gets `weather`.
ScenarioPlan plan_weather(const sim::LinkFaults& weather, std::uint32_t peers);

}  // namespace dclcomms::simulator_transport
