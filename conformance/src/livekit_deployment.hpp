#pragma once
// LivekitDeployment: a LiveKit deployment inside a case's simulation — our SFU model
// (carriers::SimLivekitSfu, reference/carriers/sim) on its own host "livekit-sfu", with fixed API
// credentials and the world's fixed wall clock, plus the tokens its issuer would mint. The SFU
// accepts any room (LiveKit's auto-create default), so a case only needs a token for the room it
// wants.

#include <cstdint>
#include <memory>
#include <string>

#include "dclcomms/carriers/sim_livekit_network.hpp"
#include "dclcomms/carriers/sim_livekit_sfu.hpp"
#include "dclcomms/sim/simulation.hpp"

namespace dclcomms::conformance {

inline const livekit::ApiCredentials world_livekit_credentials{"APIconformance", "conformance-livekit-secret-0123456789abcdef"};
inline constexpr const char* world_livekit_room = "I1";
inline constexpr const char* world_livekit_url = "ws://livekit-sfu:7880";  // the host part names the SFU host

class LivekitDeployment {
 public:
  /// Adds the SFU host to `simulation`. Client hosts come from add_client_host (linked with `faults`).
  LivekitDeployment(sim::Simulation& simulation, const sim::LinkFaults& faults);
  ~LivekitDeployment();
  LivekitDeployment(const LivekitDeployment&) = delete;
  LivekitDeployment& operator=(const LivekitDeployment&) = delete;

  /// A new host linked both ways to the SFU.
  sim::HostId add_client_host(const std::string& name);
  /// Joins the SFU from `host` (see SimLivekitNetwork::connector).
  livekit::LivekitConnector connector(sim::HostId host) { return network_.connector(host); }

  /// The deployment's wall clock: sim_room::clock_origin_unix_ms at simulated time zero, then the simulated clock.
  std::int64_t unix_seconds_now() const;
  /// A Decentraland-style token (spec §6.2) for `identity` in `room`, valid in [not_before, expires_at).
  std::string token(const std::string& identity, std::int64_t not_before, std::int64_t expires_at,
                    const std::string& room = world_livekit_room) const;
  /// A token valid for the next five minutes (the TTL every Decentraland issuer uses).
  std::string fresh_token(const std::string& identity) const;
  /// `livekit:<url>?access_token=<token>`.
  static std::string uri(const std::string& token);

  carriers::SimLivekitSfu& sfu() { return *sfu_; }
  sim::HostId sfu_host() const { return sfu_host_; }

 private:
  sim::Simulation& simulation_;
  sim::LinkFaults faults_;
  carriers::SimLivekitNetwork network_;
  sim::HostId sfu_host_;
  std::unique_ptr<carriers::SimLivekitSfu> sfu_;
};

}  // namespace dclcomms::conformance
