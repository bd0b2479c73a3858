#include "livekit_deployment.hpp"

#include "dclcomms/core/assert.hpp"
#include "dclcomms/livekit_rtc/rtc_connector.hpp"
#include "dclcomms/livekit_server/livekit_server.hpp"
#include "dclcomms/sim_room/clock_origin.hpp"
#include "room_world.hpp"

namespace dclcomms::conformance {

LivekitDeployment::LivekitDeployment(sim::Simulation& simulation, const sim::LinkFaults& faults)
    : simulation_(simulation), faults_(faults), websockets_(simulation), udp_(simulation), sfu_host_(simulation.add_host("livekit-sfu")) {
  livekit_server::LivekitServerOptions options;
  options.signal.credentials = world_livekit_credentials;
  options.unix_ms_now = [this] { return unix_seconds_now() * 1000; };
  options.udp_opener = udp_.opener(sfu_host_);
  options.udp_bind = {"livekit-sfu", 7882};
  options.relay_seed = 1;
  options.lower = webrtc::LowerLayer::plain;
  auto started =
      livekit_server::LivekitServer::start(simulation_.runtime(sfu_host_), std::move(options),
                                           [this](transport::MessageServerCallbacks callbacks) {
                                             return core::Result<std::unique_ptr<transport::MessageServer>, transport::ListenError>(
                                                 websockets_.listen(sfu_host_, std::move(callbacks)));
                                           });
  DCL_ASSERT(static_cast<bool>(started));  // simulated carriers do not fail to start
  server_ = std::move(*started);
}

LivekitDeployment::~LivekitDeployment() = default;

sim::HostId LivekitDeployment::add_client_host(const std::string& name) {
  const auto host = simulation_.add_host(name);
  simulation_.connect(host, sfu_host_, faults_);
  return host;
}

livekit::LivekitConnector LivekitDeployment::connector(sim::HostId host) {
  // Each session's ICE credentials from a counter: the same joins in the same order, the same bytes.
  auto connector = livekit_rtc::make_rtc_connector({.runtime = &simulation_.runtime(host),
                                                    .signal = websockets_.connector(host),
                                                    .udp = udp_.opener(host),
                                                    .seed = [this] { return next_client_seed_++; },
                                                    .lower = webrtc::LowerLayer::plain});
  DCL_ASSERT(static_cast<bool>(connector));  // no certificate is made for the plain layer
  return std::move(*connector);
}

std::vector<std::string> LivekitDeployment::participants(const std::string& room) const { return server_->core().participants(room); }

std::uint64_t LivekitDeployment::joins() const { return server_->core().joins_total(); }

std::int64_t LivekitDeployment::unix_seconds_now() const {
  return sim_room::clock_origin_unix_ms / 1000 +
         std::chrono::duration_cast<std::chrono::seconds>(simulation_.now().time_since_epoch()).count();
}

std::string world_livekit_token(const std::string& identity, std::int64_t not_before, std::int64_t expires_at, const std::string& room) {
  return livekit::mint_livekit_token(livekit::decentraland_claims(world_livekit_credentials.api_key, identity, room, not_before,
                                                                  expires_at),
                                     world_livekit_credentials.api_secret);
}

std::string LivekitDeployment::fresh_token(const std::string& identity) const {
  const auto now = unix_seconds_now();
  return world_livekit_token(identity, now, now + 300);
}

std::string LivekitDeployment::uri(const std::string& token) {
  return std::string("livekit:") + world_livekit_url + "?access_token=" + token;
}

}  // namespace dclcomms::conformance
