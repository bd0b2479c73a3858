// LivekitServer: carries SignalServerCore (see the header).
#include "dclcomms/livekit_server/livekit_server.hpp"

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
  };
  return std::visit(Printer{}, event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

LivekitServer::LivekitServer(core::Runtime& runtime, LivekitServerOptions options)
    : runtime_(runtime), options_(std::move(options)), core_(options_.signal) {
  if (!options_.unix_ms_now) options_.unix_ms_now = system_unix_ms;
}

LivekitServer::~LivekitServer() { stop(); }

void LivekitServer::stop() {
  if (timer_) runtime_.cancel(*timer_);
  timer_.reset();
  if (carrier_) carrier_->stop();
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
  const auto verdict = core_.check_upgrade(as_rtc, authorization_of(request), options_.unix_ms_now() / 1000);
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
    const auto verdict = self->core_.check_upgrade(upgrade.target, authorization_of(upgrade), self->options_.unix_ms_now() / 1000);
    if (verdict) return std::nullopt;
    return refusal_response(verdict.error());
  };
  callbacks.on_open_request = [self](transport::ServerConnectionId id, const transport::HttpServerRequest& upgrade) {
    self->core_.handle_open(id, upgrade.target, authorization_of(upgrade), self->runtime_.now(), self->options_.unix_ms_now());
    self->pump();
  };
  callbacks.on_frame = [self](transport::ServerConnectionId id, std::vector<std::uint8_t> frame) {
    self->core_.handle_message(id, frame, self->runtime_.now(), self->options_.unix_ms_now());
    self->pump();
  };
  callbacks.on_closed = [self](transport::ServerConnectionId id, const std::string&) {
    self->core_.handle_closed(id);
    self->pump();
  };
  callbacks.on_http_request = [self](const transport::HttpServerRequest& request) {
    if (request.method == "GET" && request.target.rfind("/rtc/validate", 0) == 0) return self->validate(request);
    return transport::HttpResponse{};
  };
  auto carrier = starter(std::move(callbacks));
  if (!carrier) return core::Unexpected<transport::ListenError>{carrier.error()};
  server->carrier_ = std::move(carrier).value();
  return server;
}

core::Result<std::unique_ptr<LivekitServer>, transport::ListenError> LivekitServer::start_on_beast(
    carriers::AsioRuntime& runtime, LivekitServerOptions options, carriers::WebSocketServerOptions listen) {
  listen.subprotocols.clear();
  listen.connections_max = options.signal.connections_max;
  std::uint16_t port = 0;
  auto server = start(runtime, std::move(options), carriers::websocket_server_starter(runtime, std::move(listen), &port));
  if (server) (*server)->port_ = port;
  return server;
}

void LivekitServer::pump() {
  while (auto transmit = core_.poll_transmit()) carrier_->send(transmit->connection, std::move(transmit->bytes));
  while (auto close = core_.poll_close()) carrier_->close(close->connection, close->reason);
  while (auto event = core_.poll_event()) {
    if (options_.log) options_.log(event_line(*event));
  }
  if (timer_) runtime_.cancel(*timer_);
  timer_.reset();
  if (const auto due = core_.poll_timeout()) {
    timer_ = runtime_.schedule_at(*due, [this] {
      timer_.reset();
      core_.handle_timeout(runtime_.now());
      pump();
    });
  }
}

}  // namespace dclcomms::livekit_server
