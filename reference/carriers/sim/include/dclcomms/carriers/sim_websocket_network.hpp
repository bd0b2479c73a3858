#pragma once
// SimWebSocketNetwork: websockets inside the simulator. MessageStream clients and MessageServers on
// simulated hosts talk over the simulation's reliable streams, so transports and servers written
// against transport::MessageStream / MessageServer (the ws-room transport, WsRoomServer) run
// deterministically under any fault the simulator models. Plain HTTP requests travel the same way
// (http_fetcher() on the client, MessageServerCallbacks::on_http_request / on_http_get on the
// server): one stream per request, so signed-login runs in the simulator too.
//
// Addressing: a URL's host is a simulated host's name ("ws://room-server/rooms/1"); the port is
// ignored. The carrier frames each stream message with one tag byte (see the .cpp): the upgrade
// request, its answer, data, and close. Byte counts in traces therefore include that byte.

#include <map>
#include <memory>
#include <utility>

#include "dclcomms/sim/simulation.hpp"
#include "dclcomms/transport/http_client.hpp"
#include "dclcomms/transport/message_server.hpp"
#include "dclcomms/transport/message_stream.hpp"

namespace dclcomms::carriers {

class SimWebSocketNetwork {
 public:
  explicit SimWebSocketNetwork(sim::Simulation& simulation) : simulation_(simulation) {}
  ~SimWebSocketNetwork();
  SimWebSocketNetwork(const SimWebSocketNetwork&) = delete;
  SimWebSocketNetwork& operator=(const SimWebSocketNetwork&) = delete;

  /// A connector for software running on `client_host` (its callbacks run on that host's runtime).
  transport::MessageStreamConnector connector(sim::HostId client_host);

  /// An HTTP client for software running on `client_host` (a URL's host names a simulated host).
  transport::HttpFetcher http_fetcher(sim::HostId client_host);

  /// Serves on `server_host`; at most one server per host.
  std::unique_ptr<transport::MessageServer> listen(sim::HostId server_host, transport::MessageServerCallbacks callbacks);

  /// Which side of a stream a host is; internal, public for the .cpp's endpoint classes.
  struct Endpoint {
    virtual ~Endpoint() = default;
    virtual void on_message(std::span<const std::uint8_t> payload) = 0;
    virtual void on_reset() = 0;
  };
  void attach(sim::HostId host, sim::StreamId stream, Endpoint* endpoint);
  void detach(sim::HostId host, sim::StreamId stream);
  void unlisten(sim::HostId host);
  sim::Simulation& simulation() { return simulation_; }
  void end_http_exchange(std::uint64_t id);  // destroys a finished HTTP exchange

 private:
  struct HostRouting {
    std::map<sim::StreamId, Endpoint*> endpoints;
    std::function<void(sim::StreamId, sim::HostId)> accept;  // the host's server, if any
  };
  HostRouting& routing(sim::HostId host);

  sim::Simulation& simulation_;
  std::map<sim::HostId, HostRouting> hosts_;
  std::map<std::uint64_t, std::unique_ptr<Endpoint>> http_exchanges_;  // requests in flight
  std::uint64_t last_http_exchange_ = 0;
};

}  // namespace dclcomms::carriers
