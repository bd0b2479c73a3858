#include "wire_world.hpp"

#include <nlohmann/json.hpp>

#include "dclcomms/carriers/http_client.hpp"
#include "dclcomms/carriers/websocket_client.hpp"
#include "dclcomms/signed_login/signed_login_endpoint.hpp"
#include "dclcomms/sim_room/clock_origin.hpp"
#include "dclcomms/sim_room/identities.hpp"
#include "dclcomms/sim_room/room_client.hpp"
#include "ws_room_server.hpp"

namespace dclcomms::conformance {
namespace {

// How often run_until looks at its condition: events are handled as they come either way; this only
// bounds how late the case notices that what it waits for has happened.
constexpr core::Duration run_slice = std::chrono::milliseconds(2);

}  // namespace

carriers::WebSocketServerOptions harness_server_options() {
  carriers::WebSocketServerOptions options;  // 127.0.0.1:0
  options.handshake_timeout = std::chrono::seconds(30);
  return options;
}

bool run_real_time_until(carriers::AsioRuntime& runtime, const std::function<bool()>& done, core::Duration limit) {
  const core::TimePoint deadline = runtime.now() + limit;
  while (!done() && runtime.now() < deadline) runtime.run_for(std::min(run_slice, deadline - runtime.now()));
  return done();
}

void run_real_time_for(carriers::AsioRuntime& runtime, core::Duration duration) {
  const core::TimePoint deadline = runtime.now() + duration;
  while (runtime.now() < deadline) runtime.run_for(deadline - runtime.now());
}

WireWorld::WireWorld(CaseContext& context, const wire::FaultSettings& faults) : context_(context), origin_(runtime_.now()) {
  ws_room::WsRoomServerOptions options;
  options.challenge_seed = context.seed();
  // AuthChains are checked against the world's fixed clock, as in simulated cases: the identities
  // are derived from the seed with expiries relative to it, and real time is for the network only.
  options.unix_ms_now = [] { return sim_room::clock_origin_unix_ms; };
  // The server's 1 s per handshake step (spec §3.3) is real time here: on a loaded machine a correct
  // transport could miss it through no fault of its own, and no wire case is about that timer
  // (server_core_test checks it in virtual time).
  options.handshake_step_timeout = std::chrono::seconds(30);
  auto server = ws_room::WsRoomServer::start_on_beast(runtime_, options, harness_server_options());
  if (!server) {
    error_ = "cannot start the reference ws-room server: " + server.error().message;
    return;
  }
  server_ = std::move(server).value();
  auto proxy = wire::FaultProxy::start(runtime_,
                                       wire::FaultProxyOptions{.upstream_port = server_->port(), .seed = context.seed(), .faults = faults});
  if (!proxy) {
    error_ = "cannot start the fault proxy: " + proxy.error().message;
    return;
  }
  proxy_ = std::move(proxy).value();
  tut_.name = "transport under test";
}

WireWorld::~WireWorld() {
  if (proxy_) {
    const auto s = proxy_->stats();
    context_.trace({elapsed_ns(), "proxy", "proxy", "fault proxy totals", "",
                    nlohmann::json{{"connections", s.connections_accepted},
                                   {"bytes_to_server", s.bytes_to_upstream},
                                   {"bytes_to_tut", s.bytes_to_downstream},
                                   {"writes", s.writes},
                                   {"largest_write_bytes", s.largest_write_bytes},
                                   {"held_bytes_peak", s.held_bytes_peak},
                                   {"resets", s.resets}}
                        .dump()});
  }
  // Transports first (their streams live on the runtime), then the proxy and the server; the
  // runtime goes last and drops whatever handlers are still queued.
  tut_.transport.reset();
  peers_.clear();
  login_proxy_.reset();
  login_server_.reset();
  proxy_.reset();
  if (server_) server_->stop();
  runtime_.poll();
  server_.reset();
}

std::string WireWorld::room_name() const { return "wire-" + std::to_string(context_.seed()); }

std::string WireWorld::room_uri(std::uint16_t port) const {
  return "ws-room:ws://127.0.0.1:" + std::to_string(port) + "/rooms/" + room_name();
}

std::optional<std::string> WireWorld::serve_login(const wire::FaultSettings& faults) {
  if (error_) return error_;
  // The endpoint names the room behind the first proxy: the login and the room both cross faults.
  const auto endpoint = std::make_shared<signed_login::SignedLoginEndpoint>(signed_login::SignedLoginEndpointConfig{
      .adapter_template = "ws-room:ws://127.0.0.1:" + std::to_string(proxy_->port()) + "/rooms/{world}"});
  transport::MessageServerCallbacks callbacks;
  callbacks.on_http_request = [this, endpoint](const transport::HttpServerRequest& request) {
    auto response = endpoint->handle(request, sim_room::clock_origin_unix_ms);  // the world's fixed clock, as the room's
    context_.trace({elapsed_ns(), "login-server", "login-server", "answered " + request.method + " " + request.target, "",
                    nlohmann::json{{"status", response.status}, {"body", response.body}}.dump(-1, ' ', false,
                                                                                              nlohmann::json::error_handler_t::replace)});
    return response;
  };
  auto server = carriers::WebSocketServer::listen(runtime_, harness_server_options(), std::move(callbacks));
  if (!server) return "cannot start the reference signed-login endpoint: " + server.error().message;
  login_server_ = std::move(server).value();
  auto proxy = wire::FaultProxy::start(runtime_, wire::FaultProxyOptions{.upstream_port = login_server_->port(),
                                                                         .seed = context_.seed() + 1,
                                                                         .faults = faults});
  if (!proxy) return "cannot start the login fault proxy: " + proxy.error().message;
  login_proxy_ = std::move(proxy).value();
  return std::nullopt;
}

std::string WireWorld::login_uri() const {
  return "signed-login:http://127.0.0.1:" + std::to_string(login_proxy_->port()) + "/worlds/" + room_name() + "/comms";
}

transport::TransportContext WireWorld::context_for(transport::SigningIdentity identity) {
  transport::TransportContext context;
  context.runtime = &runtime_;
  context.identity = std::move(identity);
  context.unix_ms_now = [] { return sim_room::clock_origin_unix_ms; };
  context.websocket = carriers::make_websocket_connector(runtime_);
  context.http = carriers::make_http_fetcher(runtime_);
  return context;
}

std::optional<std::string> WireWorld::create_tut(std::optional<std::string> uri) {
  const auto identity = sim_room::member_identity(context_.seed(), 0);
  tut_.address = identity.address;
  transport::TransportContext context = context_for(identity);
  context.websocket = recording_connector(
      std::move(context.websocket),
      [this](const std::vector<std::uint8_t>& frame) { context_.trace(frame_line(elapsed_ns(), "tut", "server", frame)); },
      [this](const std::vector<std::uint8_t>& frame) { context_.trace(frame_line(elapsed_ns(), "server", "tut", frame)); });
  return create_tut_transport(context_, std::move(context), HarnessServices{}, uri.value_or(room_uri(proxy_->port())), tut_, factories_,
                              [this](const transport::TransportEvent& e) { record_event("tut", e); });
}

void WireWorld::connect_tut() {
  if (auto status = tut_.transport->connect(); !status) {
    context_.trace({elapsed_ns(), "tut", "tut", "connect() refused", "", status.error().message});
  }
}

Endpoint& WireWorld::add_peer() {
  auto peer = std::make_unique<Endpoint>();
  const auto index = static_cast<std::uint32_t>(peers_.size() + 1);
  peer->name = "peer-" + std::to_string(index);
  auto identity = sim_room::member_identity(context_.seed(), index);
  peer->address = identity.address;
  Endpoint* raw = peer.get();
  peer->transport = sim_room::make_room_client(context_for(std::move(identity)), room_uri(server_->port()),
                                               [raw](const transport::TransportEvent& e) { raw->events.push_back(e); });
  (void)peer->transport->connect();
  peers_.push_back(std::move(peer));
  return *raw;
}

void WireWorld::note(const std::string& what) { context_.trace({elapsed_ns(), "proxy", "proxy", "fault: " + what, "", ""}); }

bool WireWorld::run_until(const std::function<bool()>& done, core::Duration limit) { return run_real_time_until(runtime_, done, limit); }

void WireWorld::run_for(core::Duration duration) { run_real_time_for(runtime_, duration); }

void WireWorld::record_event(const std::string& who, const transport::TransportEvent& event) {
  context_.trace({elapsed_ns(), who, "app", "event: " + std::string(transport::event_name(event)), "", event_json(event)});
}

}  // namespace dclcomms::conformance
