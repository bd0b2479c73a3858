// LivekitServer: carries SignalServerCore (see the header).
#include "dclcomms/livekit_server/livekit_server.hpp"

#include <openssl/rand.h>
#include <chrono>
#include <nlohmann/json.hpp>

namespace dclcomms::livekit_server {

namespace {

std::int64_t system_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string event_line(const SignalServerEvent& event) {
  struct Printer {
    nlohmann::json operator()(const ParticipantJoined& e) const {
      return {{"event", "joined"}, {"room", e.room}, {"identity", e.identity}, {"sid", e.sid}};
    }
    nlohmann::json operator()(const ParticipantLeft& e) const {
      return {{"event", "left"}, {"room", e.room}, {"identity", e.identity}, {"sid", e.sid}, {"reason", e.reason}};
    }
    nlohmann::json operator()(const NegotiationReceived& e) const {
      return {{"event", "negotiation"}, {"identity", e.identity}, {"what", e.what}, {"bytes", e.bytes}};
    }
    nlohmann::json operator()(const DataRelayed& e) const {
      return {{"event", "data"},    {"room", e.room},
              {"sender", e.sender}, {"kind", e.reliable ? "reliable" : "lossy"},
              {"bytes", e.bytes},   {"recipients", e.recipients}};
    }
    nlohmann::json operator()(const DataRefused& e) const {
      return {{"event", "data_refused"}, {"identity", e.identity}, {"reason", e.reason}};
    }
    nlohmann::json operator()(const PeerConnectionUp& e) const {
      return {{"event", "pc_up"}, {"identity", e.identity}, {"pc", e.publisher ? "publisher" : "subscriber"}};
    }
    nlohmann::json operator()(const SubscriberTooSlow& e) const {
      return {{"event", "too_slow"}, {"identity", e.identity}, {"pending", e.pending}};
    }
    nlohmann::json operator()(const PeerConnectionDown& e) const {
      return {{"event", "pc_down"}, {"identity", e.identity}, {"pc", e.publisher ? "publisher" : "subscriber"}, {"reason", e.reason}};
    }
  };
  return std::visit(Printer{}, event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

LivekitServer::LivekitServer(core::Runtime& runtime, LivekitServerOptions options) : runtime_(runtime), options_(std::move(options)) {
  if (!options_.unix_ms_now) options_.unix_ms_now = system_unix_ms;
}

std::optional<core::SocketAddress> LivekitServer::udp_address() const {
  if (!udp_) return std::nullopt;
  return udp_->local_address();
}

LivekitServer::~LivekitServer() { stop(); }

void LivekitServer::stop() {
  if (timer_) runtime_.cancel(*timer_);
  timer_.reset();
  if (carrier_) carrier_->stop();
  udp_.reset();
}

namespace {

std::string authorization_of(const transport::HttpServerRequest& request) {
  const std::string* value = request.header("authorization");
  return value ? *value : std::string();
}

// LiveKit answers a refused signal request 401 with the reason as text (404 for another path).
transport::HttpResponse refusal_response(const SignalRefusal& refusal) {
  return {refusal.code == SignalRefusalCode::bad_target ? 404u : 401u, "text/plain", refusal.message, {}};
}

}  // namespace

transport::HttpResponse LivekitServer::validate(const transport::HttpServerRequest& request) const {
  // GET /rtc/validate: 200 when the same request to /rtc would be accepted, else what the refusal would say.
  std::string as_rtc = request.target;
  as_rtc.replace(0, std::string("/rtc/validate").size(), "/rtc");
  const auto verdict = core_->check_upgrade(as_rtc, authorization_of(request), options_.unix_ms_now() / 1000);
  if (verdict) return {200, "text/plain", "success", {}};
  return refusal_response(verdict.error());
}

core::Result<std::unique_ptr<LivekitServer>, transport::ListenError> LivekitServer::start(core::Runtime& runtime,
                                                                                          LivekitServerOptions options,
                                                                                          const transport::MessageServerStarter& starter) {
  std::unique_ptr<LivekitServer> server(new LivekitServer(runtime, std::move(options)));
  LivekitServer* self = server.get();
  transport::MessageServerCallbacks callbacks;
  callbacks.screen_upgrade = [self](const transport::HttpServerRequest& upgrade) -> std::optional<transport::HttpResponse> {
    const auto verdict = self->core_->check_upgrade(upgrade.target, authorization_of(upgrade), self->options_.unix_ms_now() / 1000);
    if (verdict) return std::nullopt;
    return refusal_response(verdict.error());
  };
  callbacks.on_open_request = [self](transport::ServerConnectionId id, const transport::HttpServerRequest& upgrade) {
    self->core_->handle_open(id, upgrade.target, authorization_of(upgrade), self->runtime_.now(), self->options_.unix_ms_now());
    self->pump();
  };
  callbacks.on_frame = [self](transport::ServerConnectionId id, std::vector<std::uint8_t> frame) {
    self->core_->handle_message(id, frame, self->runtime_.now(), self->options_.unix_ms_now());
    self->pump();
  };
  callbacks.on_closed = [self](transport::ServerConnectionId id, const std::string&) {
    self->core_->handle_closed(id);
    self->pump();
  };
  callbacks.on_http_request = [self](const transport::HttpServerRequest& request) {
    if (request.method == "GET" && request.target.rfind("/rtc/validate", 0) == 0) return self->validate(request);
    return transport::HttpResponse{};
  };
  auto carrier = starter(std::move(callbacks));
  if (!carrier) return core::Unexpected<transport::ListenError>{carrier.error()};
  server->carrier_ = std::move(carrier).value();
  // UDP after the websocket: start_on_beast binds it to the websocket's port number once known.
  // Nothing runs before start returns, so the core can be made last.
  SignalServerConfig signal = server->options_.signal;
  if (server->options_.udp_opener) {
    auto udp = server->options_.udp_opener(server->options_.udp_bind,
                                           [self](const core::SocketAddress& from, std::span<const std::uint8_t> datagram) {
                                             self->core_->handle_datagram(datagram, from, self->runtime_.now());
                                             self->pump();
                                           });
    server->options_.udp_opener = nullptr;  // start_on_beast's refers to its own locals: used once
    if (!udp) return core::Unexpected<transport::ListenError>{udp.error()};
    server->udp_ = std::move(udp).value();
    std::shared_ptr<const webrtc::DtlsIdentity> certificate;
    if (server->options_.lower == webrtc::LowerLayer::webrtc) {
      auto identity = webrtc::DtlsIdentity::generate();
      if (!identity) return core::fail(transport::ListenErrorCode::bind_failed, "DTLS certificate: " + identity.error().message);
      certificate = *identity;
    }
    std::uint64_t seed = 0;
    if (server->options_.relay_seed) {
      seed = *server->options_.relay_seed;
    } else {
      RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed);
    }
    signal.relay = DataRelayConfig{.identity = certificate,
                                   .udp_address = server->udp_->local_address(),
                                   .seed = seed,
                                   .lower = server->options_.lower};
  }
  server->core_ = std::make_unique<SignalServerCore>(std::move(signal));
  return server;
}

core::Result<std::unique_ptr<LivekitServer>, transport::ListenError> LivekitServer::start_on_beast(carriers::AsioRuntime& runtime,
                                                                                                   LivekitServerOptions options,
                                                                                                   carriers::WebSocketServerOptions listen,
                                                                                                   std::optional<std::uint16_t> udp_port) {
  listen.subprotocols.clear();
  listen.connections_max = options.signal.connections_max;
  const std::string host = listen.host;
  std::uint16_t port = 0;
  transport::MessageServerStarter websocket = carriers::websocket_server_starter(runtime, std::move(listen), &port);
  options.udp_opener = [&runtime, &port, host, udp_port](const core::SocketAddress&, transport::DatagramHandler handler) {
    // Called by start() once the websocket listens, so `port` is its port.
    if (udp_port) return carriers::open_udp_socket(runtime, {host, *udp_port}, std::move(handler));
    auto same = carriers::open_udp_socket(runtime, {host, port}, handler);
    if (same || port == 0) return same;
    return carriers::open_udp_socket(runtime, {host, 0}, std::move(handler));
  };
  auto server = start(runtime, std::move(options), websocket);
  if (server) (*server)->port_ = port;
  return server;
}

void LivekitServer::pump() {
  if (!carrier_) return;  // still starting
  while (auto transmit = core_->poll_transmit()) carrier_->send(transmit->connection, std::move(transmit->bytes));
  while (auto close = core_->poll_close()) carrier_->close(close->connection, close->reason);
  while (auto datagram = core_->poll_datagram()) {
    if (udp_) udp_->send_to(datagram->to, datagram->bytes);
  }
  while (auto event = core_->poll_event()) {
    if (options_.log) options_.log(event_line(*event));
  }
  if (timer_) runtime_.cancel(*timer_);
  timer_.reset();
  if (const auto due = core_->poll_timeout()) {
    timer_ = runtime_.schedule_at(*due, [this] {
      timer_.reset();
      core_->handle_timeout(runtime_.now());
      pump();
    });
  }
}

}  // namespace dclcomms::livekit_server
