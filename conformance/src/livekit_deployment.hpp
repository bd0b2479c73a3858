#pragma once
// LivekitDeployment: a LiveKit deployment inside a case's simulation — our LiveKit room server
// (reference/livekit/server: the same SignalServerCore and DataRelayCore as `dclcomms livekit
// serve`) on its own host "livekit-sfu", carried by the simulated websocket and UDP carriers, with
// fixed API credentials and the world's fixed wall clock, plus the tokens its issuer would mint.
// Participants join with the real-protocol client (reference/livekit/rtc). Below the data channels
// the simulator's seam replaces ICE/DTLS/SCTP with the deterministic PlainTransport
// (reference/webrtc/plain_transport.hpp), so a seed replays bit for bit. Any room is accepted
// (LiveKit's auto-create default), so a case only needs a token for the room it wants.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dclcomms/carriers/sim_udp_network.hpp"
#include "dclcomms/carriers/sim_websocket_network.hpp"
#include "dclcomms/livekit/livekit_session.hpp"
#include "dclcomms/livekit/livekit_token.hpp"
#include "dclcomms/sim/simulation.hpp"

namespace dclcomms::livekit_server {
class LivekitServer;
}

namespace dclcomms::conformance {

inline const livekit::ApiCredentials world_livekit_credentials{"APIconformance", "conformance-livekit-secret-0123456789abcdef"};
inline constexpr const char* world_livekit_room = "I1";
inline constexpr const char* world_livekit_url = "ws://livekit-sfu:7880";  // the host part names the server's host

/// A Decentraland-style token (spec §6.2) of the world's issuer for `identity` in `room`, valid in
/// [not_before, expires_at).
std::string world_livekit_token(const std::string& identity, std::int64_t not_before, std::int64_t expires_at,
                                const std::string& room = world_livekit_room);

class LivekitDeployment {
 public:
  /// Adds the server host to `simulation`. Client hosts come from add_client_host (linked with `faults`).
  LivekitDeployment(sim::Simulation& simulation, const sim::LinkFaults& faults);
  ~LivekitDeployment();
  LivekitDeployment(const LivekitDeployment&) = delete;
  LivekitDeployment& operator=(const LivekitDeployment&) = delete;

  /// A new host linked both ways to the server.
  sim::HostId add_client_host(const std::string& name);
  /// Joins the server from `host` over LiveKit's protocol (signal websocket, data channels).
  livekit::LivekitConnector connector(sim::HostId host);

  /// The deployment's wall clock: sim_room::clock_origin_unix_ms at simulated time zero, then the simulated clock.
  std::int64_t unix_seconds_now() const;
  /// A token valid for the next five minutes (the TTL every Decentraland issuer uses).
  std::string fresh_token(const std::string& identity) const;
  /// `livekit:<url>?access_token=<token>`.
  static std::string uri(const std::string& token);

  /// The identities in `room` as the server sees them, in join order.
  std::vector<std::string> participants(const std::string& room) const;
  /// Joins the server admitted since the start.
  std::uint64_t joins() const;
  sim::HostId sfu_host() const { return sfu_host_; }

 private:
  sim::Simulation& simulation_;
  sim::LinkFaults faults_;
  carriers::SimWebSocketNetwork websockets_;
  carriers::SimUdpNetwork udp_;
  sim::HostId sfu_host_;
  std::unique_ptr<livekit_server::LivekitServer> server_;
  std::uint64_t next_client_seed_ = 1;
};

}  // namespace dclcomms::conformance
