#include "livekit_wire_world.hpp"

#include <nlohmann/json.hpp>

#include "dclcomms/carriers/udp_socket.hpp"
#include "dclcomms/carriers/websocket_client.hpp"
#include "dclcomms/livekit/livekit_token.hpp"
#include "dclcomms/livekit_rtc/rtc_connector.hpp"
#include "dclcomms/livekit_server/livekit_server.hpp"
#include "dclcomms/sim_room/clock_origin.hpp"
#include "dclcomms/sim_room/identities.hpp"
#include "livekit_deployment.hpp"
#include "wire_world.hpp"

namespace dclcomms::conformance {
namespace {

constexpr const char* wire_room = "wire-livekit";

std::int64_t world_unix_seconds() { return sim_room::clock_origin_unix_ms / 1000; }

}  // namespace

LivekitWireWorld::LivekitWireWorld(CaseContext& context) : context_(context), origin_(runtime_.now()) {
  livekit_server::LivekitServerOptions options;
  options.signal.credentials = world_livekit_credentials;
  options.unix_ms_now = [] { return sim_room::clock_origin_unix_ms; };
  options.relay_seed = context.seed();
  options.log = [this](const std::string& line) { context_.trace({elapsed_ns(), "server", "server", "log", "", line}); };
  auto server = livekit_server::LivekitServer::start_on_beast(runtime_, std::move(options), harness_server_options(), std::uint16_t{0});
  if (!server) {
    error_ = "cannot start our LiveKit room server: " + server.error().message;
    return;
  }
  server_ = std::move(server).value();
  auto connector = livekit_rtc::make_rtc_connector({.runtime = &runtime_,
                                                    .signal = carriers::make_websocket_connector(runtime_),
                                                    .udp = carriers::udp_socket_opener(runtime_),
                                                    .udp_bind_ip = "127.0.0.1"});
  if (!connector) {
    error_ = "cannot make our LiveKit client: " + connector.error().message;
    return;
  }
  connector_ = std::move(*connector);
  tut_.name = "transport under test";
}

LivekitWireWorld::~LivekitWireWorld() {
  tut_.transport.reset();
  participants_.clear();
  if (server_) server_->stop();
  runtime_.poll();
  server_.reset();
}

std::string LivekitWireWorld::token(const std::string& identity) const {
  const std::int64_t now = world_unix_seconds();
  return world_livekit_token(identity, now, now + 300, wire_room);
}

std::optional<std::string> LivekitWireWorld::create_tut() {
  if (error_) return error_;
  const auto identity = sim_room::member_identity(context_.seed(), 0);
  tut_.address = identity.address;
  transport::TransportContext transport_context;
  transport_context.runtime = &runtime_;
  transport_context.identity = identity;
  transport_context.unix_ms_now = [] { return sim_room::clock_origin_unix_ms; };
  transport_context.websocket = carriers::make_websocket_connector(runtime_);
  HarnessServices services;
  services.livekit = connector_;
  services.unix_seconds_now = world_unix_seconds;
  const std::string uri = "livekit:ws://127.0.0.1:" + std::to_string(server_->port()) + "?access_token=" + token(tut_.address);
  return create_tut_transport(context_, std::move(transport_context), services, uri, tut_, factories_,
                              [this](const transport::TransportEvent& e) { record_event("tut", e); });
}

void LivekitWireWorld::connect_tut() {
  if (auto status = tut_.transport->connect(); !status) {
    context_.trace({elapsed_ns(), "tut", "tut", "connect() refused", "", status.error().message});
  }
}

Participant& LivekitWireWorld::add_participant(std::optional<std::string> identity) {
  auto participant = std::make_unique<Participant>();
  const auto index = static_cast<std::uint32_t>(participants_.size() + 1);
  participant->name = "peer-" + std::to_string(index);
  participant->identity = identity.value_or(sim_room::member_identity(context_.seed(), index).address);
  Participant* raw = participant.get();
  livekit::SessionHandler handler;
  handler.on_joined = [raw](std::string, std::vector<std::string> present) { raw->joined_with = std::move(present); };
  handler.on_participant_joined = [raw](std::string who) { raw->saw_join.push_back(std::move(who)); };
  handler.on_participant_left = [raw](std::string who) { raw->saw_leave.push_back(std::move(who)); };
  handler.on_data = [this, raw](std::string sender, std::vector<std::uint8_t> payload, livekit::DataKind kind) {
    context_.trace({elapsed_ns(), "server", raw->name, std::string(livekit::to_string(kind)) + " data from " + sender, "",
                    std::to_string(payload.size()) + " bytes"});
    raw->received.push_back({std::move(sender), std::move(payload), kind});
  };
  handler.on_closed = [raw](livekit::DisconnectReason reason, std::string) { raw->closed = reason; };
  raw->session = connector_({"ws://127.0.0.1:" + std::to_string(server_->port()), token(raw->identity)}, std::move(handler));
  participants_.push_back(std::move(participant));
  return *raw;
}

bool LivekitWireWorld::run_until(const std::function<bool()>& done, core::Duration limit) {
  return run_real_time_until(runtime_, done, limit);
}

void LivekitWireWorld::run_for(core::Duration duration) { run_real_time_for(runtime_, duration); }

void LivekitWireWorld::record_event(const std::string& who, const transport::TransportEvent& event) {
  context_.trace({elapsed_ns(), who, "app", "event: " + std::string(transport::event_name(event)), "", event_json(event)});
}

}  // namespace dclcomms::conformance
