#pragma once
// SimUdpNetwork: UDP sockets on simulated hosts — transport::DatagramSocket over the simulator's
// datagrams (which lose, duplicate, reorder, corrupt and delay as the links say). A socket's address
// is {host name, port}: a simulated host is named where an IP address would be (SDP candidates and
// STUN carry it as text), so `send_to({"livekit-sfu", 7882}, …)` reaches the socket bound to port
// 7882 on host "livekit-sfu". Every socket shares the carrier's simulator port, sim_udp_port; the
// UDP ports travel in a 4-byte header (source, destination) the carrier adds and strips.

#include <cstdint>
#include <map>
#include <memory>

#include "dclcomms/carriers/sim_port_routing.hpp"
#include "dclcomms/transport/datagram_socket.hpp"

namespace dclcomms::carriers {

inline constexpr sim::Port sim_udp_port = 7882;

struct SimUdpNetworkStats {
  std::uint64_t datagrams_unrouted = 0;  // to a port no socket is bound to (or too short for the header)
};

class SimUdpNetwork {
 public:
  explicit SimUdpNetwork(sim::Simulation& simulation);
  ~SimUdpNetwork();
  SimUdpNetwork(const SimUdpNetwork&) = delete;
  SimUdpNetwork& operator=(const SimUdpNetwork&) = delete;

  /// Opens sockets on `host` (the bind address's ip is ignored: a host has one address, its name).
  /// Port 0 takes the next free one from 49152; a taken port is bind_failed.
  transport::DatagramSocketOpener opener(sim::HostId host);

  const SimUdpNetworkStats& stats() const { return stats_; }

  // For the socket class (sim_udp_network.cpp).
  void send(sim::HostId from, std::uint16_t from_port, const core::SocketAddress& to, std::span<const std::uint8_t> datagram);
  void unbind(sim::HostId host, std::uint16_t port);

 private:
  void on_datagram(sim::HostId host, sim::HostId from, std::span<const std::uint8_t> payload);

  std::map<sim::HostId, std::map<std::uint16_t, transport::DatagramHandler>> bound_;
  std::map<sim::HostId, std::uint16_t> next_ephemeral_;
  SimUdpNetworkStats stats_;
  SimPortRouting routing_;  // last: destroyed first, so no datagram arrives into the maps above after them
};

}  // namespace dclcomms::carriers
