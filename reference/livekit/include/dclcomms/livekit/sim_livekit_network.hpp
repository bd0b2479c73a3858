#pragma once
// SimLivekitNetwork: LiveKit participants and SFUs on simulated hosts. It owns the simulator
// handlers of the hosts it serves and routes stream messages and lossy datagrams (livekit_wire.hpp)
// to the SFU (LivekitSfu, livekit_sfu.hpp) or to the client sessions made by connector().
//
// Addressing: the host of the join URL is the SFU host's name ("ws://livekit-sfu:7880" joins the
// SFU on host "livekit-sfu"); port and path are ignored. A host is served by this network only (it
// replaces the host's handlers; do not put a SimWebSocketNetwork on the same host).

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <utility>

#include "dclcomms/core/time.hpp"
#include "dclcomms/livekit/livekit_session.hpp"
#include "dclcomms/livekit/livekit_wire.hpp"
#include "dclcomms/sim/simulation.hpp"

namespace dclcomms::livekit {

struct SimLivekitClientOptions {
  /// No welcome by then: the join fails (livekit-client's default websocket timeout is 15 s).
  core::Duration join_timeout = std::chrono::seconds(15);
  /// Once joined, a Ping goes to the SFU every ping_interval; hearing nothing from it (no frame, no
  /// pong, no lossy data) for ping_timeout ends the session with connection_lost. LiveKit's SDKs
  /// do the same on the signal channel with the interval and timeout its join response announces.
  core::Duration ping_interval = std::chrono::seconds(5);
  core::Duration ping_timeout = std::chrono::seconds(15);
  std::size_t lossy_chunk_bytes = wire::lossy_chunk_bytes_default;
};

struct SimLivekitNetworkStats {
  std::uint64_t datagrams_corrupted = 0;  // failed the checksum: dropped
  std::uint64_t datagrams_unrouted = 0;   // no session or SFU for them (e.g. after a leave)
};

class SimLivekitNetwork {
 public:
  explicit SimLivekitNetwork(sim::Simulation& simulation) : simulation_(simulation) {}
  ~SimLivekitNetwork();
  SimLivekitNetwork(const SimLivekitNetwork&) = delete;
  SimLivekitNetwork& operator=(const SimLivekitNetwork&) = delete;

  /// A connector for participants on `client_host` (callbacks run on that host's runtime).
  LivekitConnector connector(sim::HostId client_host, SimLivekitClientOptions options = {});

  sim::Simulation& simulation() { return simulation_; }
  const SimLivekitNetworkStats& stats() const { return stats_; }

  // ---- routing, for the SFU and session classes ----------------------------------------------
  struct StreamEndpoint {
    virtual ~StreamEndpoint() = default;
    virtual void on_message(std::span<const std::uint8_t> payload) = 0;
    virtual void on_reset() = 0;
  };
  struct DatagramEndpoint {
    virtual ~DatagramEndpoint() = default;
    virtual void on_fragment(sim::HostId from, wire::LossyFragment fragment) = 0;
  };
  void attach_stream(sim::HostId host, sim::StreamId stream, StreamEndpoint* endpoint);
  void detach_stream(sim::HostId host, sim::StreamId stream);
  /// The SFU on `host`: accepts streams and receives every lossy datagram sent to the host.
  void serve(sim::HostId host, std::function<void(sim::StreamId, sim::HostId peer)> accept, DatagramEndpoint* datagrams);
  void unserve(sim::HostId host);
  /// A client session's lossy datagrams: those from `sfu_host` for `session`.
  void attach_session(sim::HostId host, sim::HostId sfu_host, std::uint64_t session, DatagramEndpoint* endpoint);
  void detach_session(sim::HostId host, sim::HostId sfu_host, std::uint64_t session);

 private:
  struct HostRouting {
    std::map<sim::StreamId, StreamEndpoint*> streams;
    std::function<void(sim::StreamId, sim::HostId)> accept;
    DatagramEndpoint* server_datagrams = nullptr;
    std::map<std::pair<sim::HostId, std::uint64_t>, DatagramEndpoint*> sessions;
  };
  HostRouting& routing(sim::HostId host);
  void on_datagram(sim::HostId host, sim::HostId from, std::span<const std::uint8_t> payload);

  sim::Simulation& simulation_;
  std::map<sim::HostId, HostRouting> hosts_;
  SimLivekitNetworkStats stats_;
};

}  // namespace dclcomms::livekit
