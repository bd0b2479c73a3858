#include "dclcomms/simulator_transport/scenario_plan.hpp"

#include <charconv>
#include <map>
#include <optional>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::simulator_transport {
namespace {

using Hosts = std::vector<sim::HostId>;

// "user", "crowd" or "peer-<i>" as host ids; nullopt for any other name.
std::optional<Hosts> expand(const std::string& name, std::uint32_t peers) {
  if (name == "user") return Hosts{user_host_id};
  if (name == "crowd") {
    Hosts hosts;
    for (std::uint32_t i = 0; i < peers; ++i) hosts.push_back(peer_host_id(i));
    return hosts;
  }
  constexpr std::string_view prefix = "peer-";
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  std::uint32_t index = 0;
  const char* first = name.data() + prefix.size();
  const char* last = name.data() + name.size();
  const auto [end, error] = std::from_chars(first, last, index);
  if (error != std::errc{} || end != last || index >= peers || (*first == '0' && last - first > 1)) {
    return std::nullopt;
  }
  return Hosts{peer_host_id(index)};
}

Hosts expand_all(const std::vector<std::string>& names, std::uint32_t peers) {
  Hosts out;
  for (const auto& name : names) {
    const auto hosts = expand(name, peers);
    DCL_ASSERT(hosts);  // every name was checked against the node list first
    out.insert(out.end(), hosts->begin(), hosts->end());
  }
  return out;
}

// The user<->peer directions between two node names; an error for anything else.
core::Result<std::vector<PlannedLink>, PlanError> expand_link(const sim::LinkSpec& link, std::uint32_t peers, const std::string& where) {
  std::vector<PlannedLink> out;
  const Hosts from = *expand(link.from, peers);
  const Hosts to = *expand(link.to, peers);
  for (const auto a : from) {
    for (const auto b : to) {
      if ((a == user_host_id) == (b == user_host_id)) {
        return core::fail(PlanErrorCode::unsupported,
                          where + ": links between '" + link.from + "' and '" + link.to +
                              "' are not simulated: every link joins 'user' and a peer ('crowd' or 'peer-<i>')");
      }
      out.push_back(PlannedLink{.from = a, .to = b, .faults = link.faults});
      if (link.bidirectional) out.push_back(PlannedLink{.from = b, .to = a, .faults = link.faults});
    }
  }
  return out;
}

}  // namespace

ScenarioPlan plan_weather(const sim::LinkFaults& weather, std::uint32_t peers) {
  ScenarioPlan plan;
  plan.name = "weather";
  plan.clocks.resize(static_cast<std::size_t>(peers) + 1);
  for (std::uint32_t i = 0; i < peers; ++i) {
    plan.links.push_back(PlannedLink{.from = peer_host_id(i), .to = user_host_id, .faults = weather});
    plan.links.push_back(PlannedLink{.from = user_host_id, .to = peer_host_id(i), .faults = weather});
  }
  return plan;
}

core::Result<ScenarioPlan, PlanError> plan_scenario(const sim::Scenario& scenario, std::uint32_t peers) {
  const std::string origin = "scenario '" + scenario.name + "'";
  if (!scenario.workloads.empty()) {
    return core::fail(PlanErrorCode::unsupported, origin + ": workloads are not supported here (the virtual peers are the workload)");
  }
  ScenarioPlan plan;
  plan.name = scenario.name;
  plan.seed = scenario.seed;
  plan.clocks.resize(static_cast<std::size_t>(peers) + 1);
  bool has_user = false;
  // Clocks: `crowd` first, then individual peers override it, whatever the file order.
  std::optional<sim::HostClock> crowd_clock;
  for (const auto& node : scenario.nodes) {
    if (!expand(node.name, peers)) {
      return core::fail(PlanErrorCode::unsupported,
                        origin + ": node '" + node.name + "' is not 'user', 'crowd' or 'peer-<i>' with i < " + std::to_string(peers));
    }
    if (node.name == "user") {
      has_user = true;
      plan.clocks[user_host_id] = node.clock;
    } else if (node.name == "crowd") {
      crowd_clock = node.clock;
    }
  }
  if (!has_user) return core::fail(PlanErrorCode::unsupported, origin + ": needs a node named 'user' (the transport's own host)");
  if (crowd_clock) {
    for (std::uint32_t i = 0; i < peers; ++i) plan.clocks[peer_host_id(i)] = *crowd_clock;
  }
  for (const auto& node : scenario.nodes) {
    if (node.name != "user" && node.name != "crowd") plan.clocks[expand(node.name, peers)->front()] = node.clock;
  }

  // Links: default_link for every user<->peer direction, then explicit links in file order.
  std::map<std::pair<sim::HostId, sim::HostId>, sim::LinkFaults> links;
  if (scenario.default_link) {
    for (std::uint32_t i = 0; i < peers; ++i) {
      links[{peer_host_id(i), user_host_id}] = *scenario.default_link;
      links[{user_host_id, peer_host_id(i)}] = *scenario.default_link;
    }
  }
  for (std::size_t n = 0; n < scenario.links.size(); ++n) {
    auto expanded = expand_link(scenario.links[n], peers, origin + ": links[" + std::to_string(n) + "]");
    if (!expanded) return core::fail(PlanErrorCode::unsupported, expanded.error().message);
    for (auto& link : *expanded) links[{link.from, link.to}] = link.faults;
  }
  for (std::uint32_t i = 0; i < peers; ++i) {
    for (const auto& direction : {std::pair{peer_host_id(i), user_host_id}, std::pair{user_host_id, peer_host_id(i)}}) {
      const auto found = links.find(direction);
      if (found == links.end()) {
        return core::fail(PlanErrorCode::unsupported, origin + ": peer-" + std::to_string(i) +
                                                          " has no link to or from 'user'; add a default_link or a link for 'crowd'");
      }
      plan.links.push_back(PlannedLink{.from = direction.first, .to = direction.second, .faults = found->second});
    }
  }

  for (std::size_t n = 0; n < scenario.faults.size(); ++n) {
    const auto& spec = scenario.faults[n];
    PlannedFault fault;
    fault.at = spec.at;
    fault.action = spec.action;
    switch (spec.action) {
      case sim::FaultAction::partition:
      case sim::FaultAction::partition_oneway:
        fault.side_a = expand_all(spec.side_a, peers);
        fault.side_b = expand_all(spec.side_b, peers);
        break;
      case sim::FaultAction::heal: break;
      case sim::FaultAction::crash:
      case sim::FaultAction::restart:
      case sim::FaultAction::pause:
      case sim::FaultAction::resume: fault.hosts = *expand(spec.host, peers); break;
      case sim::FaultAction::set_link:
      case sim::FaultAction::hold:
      case sim::FaultAction::release: {
        sim::LinkSpec link = spec.link;
        if (spec.action != sim::FaultAction::set_link) link.bidirectional = false;  // hold is one-way
        auto expanded = expand_link(link, peers, origin + ": faults[" + std::to_string(n) + "]");
        if (!expanded) return core::fail(PlanErrorCode::unsupported, expanded.error().message);
        fault.links = std::move(*expanded);
        break;
      }
    }
    plan.faults.push_back(std::move(fault));
  }
  return plan;
}

}  // namespace dclcomms::simulator_transport
