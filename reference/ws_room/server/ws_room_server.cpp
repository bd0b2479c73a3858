#include "ws_room_server.hpp"

#include <openssl/rand.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "dclcomms/auth/auth_chain.hpp"

namespace dclcomms::ws_room {
namespace {

std::int64_t system_unix_ms() {
  // A production server checks AuthChain expirations against real time; simulations inject theirs.
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::uint64_t random_seed() {
  std::uint64_t seed = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed) != 1) seed = 0x5eed;
  return seed;
}

// reference/auth's fine-grained codes, in the classes a ws-room server tells apart.
ChallengeErrorCode challenge_error_code(auth::AuthErrorCode code) {
  switch (code) {
    case auth::AuthErrorCode::payload_mismatch: return ChallengeErrorCode::wrong_payload;
    case auth::AuthErrorCode::expired: return ChallengeErrorCode::expired;
    case auth::AuthErrorCode::signer_mismatch:
    case auth::AuthErrorCode::onchain_check_failed: return ChallengeErrorCode::bad_signature;
    case auth::AuthErrorCode::needs_onchain_check: return ChallengeErrorCode::unverifiable;
    default: return ChallengeErrorCode::bad_chain;  // the chain's shape: JSON, links, formats
  }
}

// The message keeps reference/auth's code name in front ("expired: …"): the server's log lines
// and the conformance transcripts quote it.
core::Unexpected<ChallengeError> challenge_error(const auth::AuthError& error) {
  return core::fail(challenge_error_code(error.code), std::string(auth::to_string(error.code)) + ": " + error.message);
}

ChallengeVerifier make_verifier(std::function<std::int64_t()> unix_ms_now) {
  return [unix_ms_now = std::move(unix_ms_now)](std::string_view chain_json, std::string_view challenge,
                                                core::TimePoint) -> core::Result<std::string, ChallengeError> {
    auto chain = auth::parse_auth_chain(chain_json);
    if (!chain) return challenge_error(chain.error());
    auto verified = auth::verify_auth_chain(*chain, challenge, unix_ms_now());
    if (!verified) return challenge_error(verified.error());
    return verified->owner_address;
  };
}

std::string event_json(const ServerEvent& event) {
  struct Printer {
    nlohmann::json operator()(const MemberJoined& e) const {
      return {{"event", "joined"}, {"connection", e.connection}, {"room", e.room}, {"alias", e.alias}, {"address", e.address}};
    }
    nlohmann::json operator()(const MemberLeft& e) const {
      return {{"event", "left"},  {"connection", e.connection}, {"room", e.room},
              {"alias", e.alias}, {"address", e.address},       {"reason", std::string(to_string(e.reason))}};
    }
    nlohmann::json operator()(const ConnectionRejected& e) const {
      return {{"event", "rejected"}, {"connection", e.connection}, {"reason", std::string(to_string(e.reason))}, {"detail", e.detail}};
    }
  };
  return std::visit(Printer{}, event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string room_of_target(const std::string& target) {
  static constexpr std::string_view prefix = "/rooms/";
  if (target.rfind(prefix, 0) != 0) return {};
  std::string room = target.substr(prefix.size());
  if (const auto query = room.find('?'); query != std::string::npos) room.resize(query);
  if (room.empty() || room.find('/') != std::string::npos || room == "status") return {};
  return room;
}

WsRoomServer::WsRoomServer(core::Runtime& runtime, WsRoomServerOptions options)
    : runtime_(runtime), options_(std::move(options)), core_([&] {
        if (!options_.unix_ms_now) options_.unix_ms_now = system_unix_ms;
        auto config = server_core_config_default(make_verifier(options_.unix_ms_now),
                                                 options_.challenge_seed ? options_.challenge_seed : random_seed());
        config.challenge_required = options_.challenge_required;
        config.room_capacity = options_.room_capacity;
        config.connections_max = options_.connections_max;
        config.identification_timeout = options_.handshake_step_timeout;
        config.challenge_timeout = options_.handshake_step_timeout;
        return config;
      }()) {}

WsRoomServer::~WsRoomServer() {
  if (timer_) runtime_.cancel(*timer_);
  if (carrier_) carrier_->stop();
}

core::Result<std::unique_ptr<WsRoomServer>, transport::ListenError> WsRoomServer::start(core::Runtime& runtime, WsRoomServerOptions options,
                                                                                        const MessageServerStarter& starter) {
  std::unique_ptr<WsRoomServer> server(new WsRoomServer(runtime, std::move(options)));
  WsRoomServer* self = server.get();
  transport::MessageServerCallbacks callbacks;
  callbacks.accept_upgrade = [](const std::string& target) { return !room_of_target(target).empty(); };
  callbacks.on_open = [self](transport::ServerConnectionId id, const std::string& target) {
    self->core_.handle_connection_opened(id, room_of_target(target), self->runtime_.now());
    self->pump();
  };
  callbacks.on_frame = [self](transport::ServerConnectionId id, std::vector<std::uint8_t> frame) {
    self->core_.handle_frame(id, frame, self->runtime_.now());
    self->pump();
  };
  callbacks.on_backlog = [self](transport::ServerConnectionId id, std::size_t bytes) { self->core_.handle_backlog(id, bytes); };
  callbacks.on_closed = [self](transport::ServerConnectionId id, const std::string&) {
    self->core_.handle_connection_closed(id, self->runtime_.now());
    self->pump();
  };
  callbacks.on_http_get = [self](const std::string& target) {
    if (target == "/status" || target == "/rooms/status") return transport::HttpResponse{200, "application/json", self->status_json()};
    return transport::HttpResponse{};
  };
  auto carrier = starter(std::move(callbacks));
  if (!carrier) return core::Unexpected<transport::ListenError>{carrier.error()};
  server->carrier_ = std::move(carrier).value();
  return server;
}

core::Result<std::unique_ptr<WsRoomServer>, transport::ListenError> WsRoomServer::start_on_beast(carriers::AsioRuntime& runtime,
                                                                                                 WsRoomServerOptions options,
                                                                                                 carriers::WebSocketServerOptions listen) {
  listen.connections_max = options.connections_max;
  std::uint16_t port = 0;
  auto server = start(runtime, std::move(options), carriers::websocket_server_starter(runtime, std::move(listen), &port));
  if (server) (*server)->port_ = port;
  return server;
}

void WsRoomServer::pump() {
  while (auto transmit = core_.poll_transmit()) {
    if (const auto* frame = std::get_if<SharedFrame>(&transmit->transmit)) {
      carrier_->send_shared(transmit->connection, frame->bytes);
    } else {
      carrier_->close(transmit->connection, std::get<CloseRequest>(transmit->transmit).detail);
    }
  }
  arm_timer();
  while (auto event = core_.poll_event()) {
    if (options_.log) options_.log(event_json(*event));
  }
}

void WsRoomServer::arm_timer() {
  const auto deadline = core_.poll_timeout();
  if (deadline == timer_deadline_) return;
  if (timer_) runtime_.cancel(*timer_);
  timer_.reset();
  timer_deadline_ = deadline;
  if (!deadline) return;
  timer_ = runtime_.schedule_at(*deadline, [this] {
    timer_.reset();
    timer_deadline_.reset();
    core_.handle_timeout(runtime_.now());
    pump();
  });
}

std::string WsRoomServer::status_json() const {
  nlohmann::json details = nlohmann::json::array();
  std::size_t users = 0;
  for (const auto& room : core_.rooms()) {
    details.push_back({{"roomName", room.room}, {"count", room.members}});
    users += room.members;
  }
  return nlohmann::json{{"rooms", core_.rooms().size()}, {"users", users}, {"connections", core_.connection_count()}, {"details", details}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void WsRoomServer::stop() {
  if (carrier_) carrier_->stop();
}

}  // namespace dclcomms::ws_room
