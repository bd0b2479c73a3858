#include "dclcomms/sim_room/sim_room.hpp"

#include "dclcomms/sim_room/clock_origin.hpp"
#include "dclcomms/sim_room/room_client.hpp"
#include "ws_room_server.hpp"

namespace dclcomms::sim_room {

SimRoom::SimRoom(const SimRoomConfig& config)
    : seed_(config.seed),
      simulation_(sim::SimulationConfig{.seed = config.seed, .events_max = config.events_max}),
      network_(simulation_),
      server_host_(simulation_.add_host(server_host_name)) {}

SimRoom::~SimRoom() = default;

std::optional<transport::ListenError> SimRoom::start_reference_server() {
  ws_room::WsRoomServerOptions options;
  options.challenge_seed = seed_;
  options.unix_ms_now = [] { return clock_origin_unix_ms; };
  auto server = ws_room::WsRoomServer::start(simulation_.runtime(server_host_), options,
                                             [this](transport::MessageServerCallbacks callbacks)
                                                 -> core::Result<std::unique_ptr<transport::MessageServer>, transport::ListenError> {
                                               return network_.listen(server_host_, std::move(callbacks));
                                             });
  if (!server) return transport::ListenError{server.error().code, "the room server did not start: " + server.error().message};
  server_ = std::move(server).value();
  return std::nullopt;
}

sim::HostId SimRoom::add_client_host(const std::string& name, const sim::LinkFaults& faults) {
  const sim::HostId host = simulation_.add_host(name);
  simulation_.connect(host, server_host_, faults);
  return host;
}

transport::TransportContext SimRoom::client_context(sim::HostId host, transport::SigningIdentity identity) {
  transport::TransportContext context;
  context.runtime = &simulation_.runtime(host);
  context.identity = std::move(identity);
  context.unix_ms_now = [] { return clock_origin_unix_ms; };
  context.websocket = network_.connector(host);
  context.http = network_.http_fetcher(host);
  return context;
}

transport::TransportPtr SimRoom::add_client(sim::HostId host, transport::SigningIdentity identity, const std::string& uri,
                                            transport::EventHandler on_event) {
  return make_room_client(client_context(host, std::move(identity)), uri, std::move(on_event));
}

bool SimRoom::run_until(const std::function<bool()>& done, core::Duration limit, std::uint64_t steps_max) {
  const core::TimePoint deadline = simulation_.now() + limit;
  simulation_.run_until([&] { return done() || simulation_.now() >= deadline; }, steps_max);
  return done();
}

}  // namespace dclcomms::sim_room
