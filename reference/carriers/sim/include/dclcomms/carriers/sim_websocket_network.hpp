#pragma once
// SimWebSocketNetwork: websockets inside the simulator. MessageStream clients and MessageServers on
// simulated hosts talk over the simulation's reliable streams, so transports and servers written
// against transport::MessageStream / MessageServer (the ws-room transport, WsRoomServer) run
// deterministically under any fault the simulator models. Plain HTTP requests travel the same way
// (http_fetcher() on the client, MessageServerCallbacks::on_http_request / on_http_get on the
// server): one stream per request, so signed-login runs in the simulator too.
//
// Addressing: a URL's host is a simulated host's name ("ws://room-server/rooms/1"); the URL's port
// is ignored: every stream goes to the carrier's own port, sim_websocket_port, so other carriers
// (SimLivekitNetwork) can share the host. The carrier frames each stream message with one tag byte (see the .cpp): the upgrade
// request, its answer, data, and close. Byte counts in traces therefore include that byte.

#include <map>
#include <memory>
#include <utility>

#include "dclcomms/carriers/sim_port_routing.hpp"
#include "dclcomms/sim/simulation.hpp"
#include "dclcomms/transport/http_client.hpp"
#include "dclcomms/transport/message_server.hpp"
#include "dclcomms/transport/message_stream.hpp"

namespace dclcomms::carriers {

class SimWebSocketNetwork {
 public:
  explicit SimWebSocketNetwork(sim::Simulation& simulation) : simulation_(simulation), routing_(simulation, sim_websocket_port) {}
  ~SimWebSocketNetwork();
  SimWebSocketNetwork(const SimWebSocketNetwork&) = delete;
  SimWebSocketNetwork& operator=(const SimWebSocketNetwork&) = delete;

  /// A connector for software running on `client_host` (its callbacks run on that host's runtime).
  transport::MessageStreamConnector connector(sim::HostId client_host);

  /// An HTTP client for software running on `client_host` (a URL's host names a simulated host).
  transport::HttpFetcher http_fetcher(sim::HostId client_host);

  /// Serves on `server_host`; at most one server per host.
  std::unique_ptr<transport::MessageServer> listen(sim::HostId server_host, transport::MessageServerCallbacks callbacks);

  // Internal, public for the .cpp's endpoint classes: the carrier's port on the hosts it serves.
  SimPortRouting& routing() { return routing_; }
  sim::Simulation& simulation() { return simulation_; }
  void end_http_exchange(std::uint64_t id);  // destroys a finished HTTP exchange

 private:
  sim::Simulation& simulation_;
  SimPortRouting routing_;  // before the exchanges, so destroyed after them: they detach from it
  std::map<std::uint64_t, std::unique_ptr<SimStreamEndpoint>> http_exchanges_;  // requests in flight
  std::uint64_t last_http_exchange_ = 0;
};

}  // namespace dclcomms::carriers
