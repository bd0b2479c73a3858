#include "livekit_deployment.hpp"

#include "dclcomms/sim_room/clock_origin.hpp"
#include "room_world.hpp"

namespace dclcomms::conformance {

LivekitDeployment::LivekitDeployment(sim::Simulation& simulation, const sim::LinkFaults& faults)
    : simulation_(simulation), faults_(faults), network_(simulation), sfu_host_(simulation.add_host("livekit-sfu")) {
  carriers::SimLivekitSfuOptions options;
  options.credentials = world_livekit_credentials;
  options.unix_seconds_now = [this] { return unix_seconds_now(); };
  sfu_ = std::make_unique<carriers::SimLivekitSfu>(network_, sfu_host_, std::move(options));
}

LivekitDeployment::~LivekitDeployment() = default;

sim::HostId LivekitDeployment::add_client_host(const std::string& name) {
  const auto host = simulation_.add_host(name);
  simulation_.connect(host, sfu_host_, faults_);
  return host;
}

std::int64_t LivekitDeployment::unix_seconds_now() const {
  return sim_room::clock_origin_unix_ms / 1000 +
         std::chrono::duration_cast<std::chrono::seconds>(simulation_.now().time_since_epoch()).count();
}

std::string LivekitDeployment::token(const std::string& identity, std::int64_t not_before, std::int64_t expires_at,
                                     const std::string& room) const {
  return livekit::mint_livekit_token(livekit::decentraland_claims(world_livekit_credentials.api_key, identity, room, not_before,
                                                                  expires_at),
                                     world_livekit_credentials.api_secret);
}

std::string LivekitDeployment::fresh_token(const std::string& identity) const {
  const auto now = unix_seconds_now();
  return token(identity, now, now + 300);
}

std::string LivekitDeployment::uri(const std::string& token) {
  return std::string("livekit:") + world_livekit_url + "?access_token=" + token;
}

}  // namespace dclcomms::conformance
