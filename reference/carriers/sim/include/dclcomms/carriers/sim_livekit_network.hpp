#pragma once
// SimLivekitNetwork: LiveKit participants and SFUs on simulated hosts, the carrier under the
// livekit transport's LivekitConnector seam (livekit_session.hpp) in the simulator. Its streams
// and datagrams use their own port, sim_livekit_port, through the routing every simulated carrier
// shares (SimPortRouting): stream messages go to the SFU (SimLivekitSfu, sim_livekit_sfu.hpp) or to
// the client sessions made by connector(), and lossy datagrams (livekit_wire.hpp) to the SFU of
// the host or to the session they name. A SimWebSocketNetwork may serve the same hosts.
//
// Addressing: the host of the join URL is the SFU host's name ("ws://livekit-sfu:7880" joins the
// SFU on host "livekit-sfu"); the URL's port and path are ignored.

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <utility>

#include "dclcomms/carriers/sim_port_routing.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/livekit/client_core.hpp"
#include "dclcomms/livekit/livekit_session.hpp"
#include "dclcomms/livekit/livekit_wire.hpp"
#include "dclcomms/sim/simulation.hpp"

namespace dclcomms::carriers {

struct SimLivekitNetworkStats {
  std::uint64_t datagrams_corrupted = 0;  // failed the checksum: dropped
  std::uint64_t datagrams_unrouted = 0;   // no session or SFU for them (e.g. after a leave)
};

class SimLivekitNetwork {
 public:
  explicit SimLivekitNetwork(sim::Simulation& simulation);
  ~SimLivekitNetwork();
  SimLivekitNetwork(const SimLivekitNetwork&) = delete;
  SimLivekitNetwork& operator=(const SimLivekitNetwork&) = delete;

  /// A connector for participants on `client_host` (callbacks run on that host's runtime); each
  /// session runs a livekit::LivekitClientCore with `config` (join and ping timers, lossy chunks).
  livekit::LivekitConnector connector(sim::HostId client_host, livekit::ClientCoreConfig config = {});

  sim::Simulation& simulation() { return routing_.simulation(); }
  const SimLivekitNetworkStats& stats() const { return stats_; }

  // ---- routing, for the SFU and session classes ----------------------------------------------
  /// Streams (attach, detach, listen, open_stream) and sending datagrams, on sim_livekit_port.
  SimPortRouting& routing() { return routing_; }
  struct DatagramEndpoint {
    virtual ~DatagramEndpoint() = default;
    virtual void on_fragment(sim::HostId from, livekit::wire::LossyFragment fragment) = 0;
  };
  /// The SFU on `host`: accepts streams and receives every lossy datagram sent to the host.
  void serve(sim::HostId host, std::function<void(sim::StreamId, sim::HostId peer)> accept, DatagramEndpoint* datagrams);
  void unserve(sim::HostId host);
  /// A client session's lossy datagrams: those from `sfu_host` for `session`.
  void attach_session(sim::HostId host, sim::HostId sfu_host, std::uint64_t session, DatagramEndpoint* endpoint);
  void detach_session(sim::HostId host, sim::HostId sfu_host, std::uint64_t session);

 private:
  // Whom a host's lossy datagrams are for: its SFU, else the session named by (SFU host, session).
  struct DatagramRouting {
    DatagramEndpoint* server = nullptr;
    std::map<std::pair<sim::HostId, std::uint64_t>, DatagramEndpoint*> sessions;
  };
  void on_datagram(sim::HostId host, sim::HostId from, std::span<const std::uint8_t> payload);

  // Declared before routing_, so destroyed after it: its datagram handler reads them until then.
  std::map<sim::HostId, DatagramRouting> datagram_routes_;
  SimLivekitNetworkStats stats_;
  SimPortRouting routing_;
};

}  // namespace dclcomms::carriers
