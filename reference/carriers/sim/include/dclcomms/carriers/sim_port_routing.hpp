#pragma once
// SimPortRouting: one simulated carrier's port on the hosts it serves, the routing every carrier
// here shares. A simulated host hands a port's events to one set of handlers (sim::Simulation's
// set_handlers(host, port, …)); this owns that set on each host it serves and routes stream
// messages and resets to the endpoint attached to the stream, and new streams to the host's
// listener, if any. Carriers with different ports share a host without seeing each other's traffic
// (a ws-room server and a LiveKit SFU on one host, say).
//
// Datagrams are the carrier's own business (their bytes say whom they are for): the handler given
// at construction gets every datagram to the port, with the host it arrived at.

#include <cstdint>
#include <functional>
#include <map>
#include <span>

#include "dclcomms/sim/simulation.hpp"

namespace dclcomms::carriers {

/// Each simulated carrier's port, whatever port a URL names (URL ports are not routed on, so that
/// "ws://room-server/" and "ws://room-server:443/" reach the same server, as before ports existed).
inline constexpr sim::Port sim_websocket_port = 80;  // websockets and plain HTTP (SimWebSocketNetwork)
inline constexpr sim::Port sim_livekit_port = 7880;  // LiveKit signalling and data (SimLivekitNetwork)

/// One end of a stream on a host: gets the stream's messages and its reset.
struct SimStreamEndpoint {
  virtual ~SimStreamEndpoint() = default;
  virtual void on_message(std::span<const std::uint8_t> payload) = 0;
  virtual void on_reset() = 0;
};

class SimPortRouting {
 public:
  using Acceptor = std::function<void(sim::StreamId stream, sim::HostId peer)>;
  using DatagramHandler = std::function<void(sim::HostId host, sim::HostId from, std::span<const std::uint8_t> payload)>;

  SimPortRouting(sim::Simulation& simulation, sim::Port port, DatagramHandler datagrams = {})
      : simulation_(simulation), port_(port), datagrams_(std::move(datagrams)) {}
  /// Clears the port's handlers on every host served: nothing may call into a dead carrier.
  ~SimPortRouting();
  SimPortRouting(const SimPortRouting&) = delete;
  SimPortRouting& operator=(const SimPortRouting&) = delete;

  /// Takes the port on `host` (its handlers are set once; later calls do nothing).
  void serve(sim::HostId host);
  void attach(sim::HostId host, sim::StreamId stream, SimStreamEndpoint* endpoint);
  void detach(sim::HostId host, sim::StreamId stream);
  /// The host's listener: told of every new stream to the port (at most one per host, asserted).
  void listen(sim::HostId host, Acceptor accept);
  void unlisten(sim::HostId host);

  /// Opens a stream from `from` to this port on `to`.
  core::Result<sim::StreamId, sim::StreamError> open_stream(sim::HostId from, sim::HostId to) {
    return simulation_.open_stream(from, to, port_);
  }
  void send_datagram(sim::HostId from, sim::HostId to, sim::Bytes payload) {
    simulation_.send_datagram(from, to, std::move(payload), port_);
  }
  sim::Simulation& simulation() { return simulation_; }

 private:
  struct HostRouting {
    std::map<sim::StreamId, SimStreamEndpoint*> endpoints;
    Acceptor accept;  // the host's listener, if any
  };
  HostRouting& routing(sim::HostId host);

  sim::Simulation& simulation_;
  sim::Port port_;
  DatagramHandler datagrams_;
  std::map<sim::HostId, HostRouting> hosts_;
};

}  // namespace dclcomms::carriers
