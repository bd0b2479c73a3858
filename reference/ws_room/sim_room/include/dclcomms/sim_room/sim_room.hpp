#pragma once
// SimRoom: a ws-room inside the simulator. One simulation, the simulated websocket/HTTP network
// over it (carriers/sim), a host named "room-server" that serves the room — our reference
// WsRoomServer once start_reference_server() is called, or whatever the owner listens with on
// server_host() — and client hosts linked to it, whose software reads the fixed clock
// (clock_origin.hpp) and signs with member identities (identities.hpp).
//
// The ws-room tests, the CLI's room benchmark and the conformance worlds all build on it, so a
// room is set up one way: the same seed gives the same hosts, keys and challenges everywhere.
// Hosts are numbered in the order they are added and the numbers are part of a run's digest, so
// callers that add hosts of their own (a login server, say) keep their place in that order.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "dclcomms/carriers/sim_websocket_network.hpp"
#include "dclcomms/sim/simulation.hpp"
#include "dclcomms/transport/message_server.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::ws_room {
class WsRoomServer;
}

namespace dclcomms::sim_room {

struct SimRoomConfig {
  std::uint64_t seed = 0;                                       // the simulation's, the server's challenges'
  std::size_t events_max = sim::SimulationConfig{}.events_max;  // pending events at once
};

class SimRoom {
 public:
  static constexpr const char* server_host_name = "room-server";

  /// The simulation, its network and the server host; no server yet, no clients.
  explicit SimRoom(const SimRoomConfig& config);
  ~SimRoom();
  SimRoom(const SimRoom&) = delete;
  SimRoom& operator=(const SimRoom&) = delete;

  /// Starts our reference WsRoomServer on the server host: challenges seeded by the room's seed,
  /// AuthChains checked against the fixed clock. Nothing, or why it did not start (the carrier's
  /// ListenError, its message prefixed "the room server did not start: ").
  std::optional<transport::ListenError> start_reference_server();
  /// The reference server, or null before start_reference_server().
  ws_room::WsRoomServer* reference_server() { return server_.get(); }

  /// A new host named `name`, linked to the server host both ways with `faults`.
  sim::HostId add_client_host(const std::string& name, const sim::LinkFaults& faults);
  /// What software on `host` runs with: that host's runtime, `identity`, the fixed clock, and
  /// websockets and HTTP over the simulated network (a URL's host is a simulated host's name).
  transport::TransportContext client_context(sim::HostId host, transport::SigningIdentity identity);
  /// A reference ws-room client on `host` for `uri` (room_client.hpp), not yet connected.
  transport::TransportPtr add_client(sim::HostId host, transport::SigningIdentity identity, const std::string& uri,
                                     transport::EventHandler on_event);

  /// Steps the simulation until `done`, until `limit` of virtual time has passed, or until
  /// `steps_max` events have run, whichever comes first. Returns `done()`.
  bool run_until(const std::function<bool()>& done, core::Duration limit, std::uint64_t steps_max = 20'000'000);

  std::uint64_t seed() const { return seed_; }
  sim::Simulation& simulation() { return simulation_; }
  carriers::SimWebSocketNetwork& network() { return network_; }
  sim::HostId server_host() const { return server_host_; }

 private:
  std::uint64_t seed_;
  sim::Simulation simulation_;
  carriers::SimWebSocketNetwork network_;
  sim::HostId server_host_;
  std::unique_ptr<ws_room::WsRoomServer> server_;  // last: it listens on the network
};

}  // namespace dclcomms::sim_room
