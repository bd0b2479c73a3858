#include "room_world.hpp"

#include <nlohmann/json.hpp>
#include "livekit_deployment.hpp"

#include "dclcomms/codec/json.hpp"
#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/sim_room/clock_origin.hpp"
#include "dclcomms/sim_room/identities.hpp"
#include "dclcomms/ws_room/ws_room_types.hpp"

namespace dclcomms::conformance {
namespace {

// Wraps a stream so that every frame the transport under test sends is recorded.
class RecordingStream final : public transport::MessageStream {
 public:
  RecordingStream(std::unique_ptr<transport::MessageStream> inner, std::function<void(const std::vector<std::uint8_t>&)> on_send)
      : inner_(std::move(inner)), on_send_(std::move(on_send)) {}
  void send(std::vector<std::uint8_t> frame) override {
    on_send_(frame);
    inner_->send(std::move(frame));
  }
  void close(std::string reason) override { inner_->close(std::move(reason)); }
  std::size_t backlog_bytes() const override { return inner_->backlog_bytes(); }

 private:
  std::unique_ptr<transport::MessageStream> inner_;
  std::function<void(const std::vector<std::uint8_t>&)> on_send_;
};

}  // namespace

std::string event_json(const transport::TransportEvent& event) {
  struct Printer {
    std::string operator()(const transport::Connected& e) const { return "{\"peers\":" + std::to_string(e.peers.size()) + "}"; }
    std::string operator()(const transport::MessageReceived& e) const {
      return "{\"from\":\"" + e.sender + "\",\"packet\":\"" + core::to_hex(e.packet) + "\"}";
    }
    std::string operator()(const transport::PeerJoined& e) const { return "{\"address\":\"" + e.address + "\"}"; }
    std::string operator()(const transport::PeerLeft& e) const { return "{\"address\":\"" + e.address + "\"}"; }
    // The reason and message are the transport's own words: the report shows them (denials).
    std::string operator()(const transport::Disconnected& e) const {
      return nlohmann::ordered_json{{"kicked", e.kicked}, {"reason", e.reason}}.dump(-1, ' ', false,
                                                                                     nlohmann::json::error_handler_t::replace);
    }
    std::string operator()(const transport::ErrorReported& e) const {
      return nlohmann::ordered_json{{"code", std::string(transport::to_string(e.error.code))}, {"message", e.error.message}}.dump(
          -1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  };
  return std::visit(Printer{}, event);
}

transport::MessageStreamConnector recording_connector(transport::MessageStreamConnector inner,
                                                      std::function<void(const std::vector<std::uint8_t>&)> on_sent,
                                                      std::function<void(const std::vector<std::uint8_t>&)> on_received) {
  return [inner = std::move(inner), on_sent = std::move(on_sent),
          on_received = std::move(on_received)](const std::string& url, const transport::MessageStreamOptions& options,
                                                transport::MessageStreamHandler handler) -> std::unique_ptr<transport::MessageStream> {
    auto on_frame = handler.on_frame;
    handler.on_frame = [on_received, on_frame](std::vector<std::uint8_t> frame) {
      on_received(frame);
      if (on_frame) on_frame(std::move(frame));
    };
    return std::make_unique<RecordingStream>(inner(url, options, std::move(handler)), on_sent);
  };
}

TraceLine frame_line(std::int64_t time_ns, std::string from, std::string to, const std::vector<std::uint8_t>& frame) {
  auto packet = codec::decode_ws_packet(frame);
  TraceLine line;
  line.time_ns = time_ns;
  line.from = std::move(from);
  line.to = std::move(to);
  line.label = packet ? ws_room::packet_kind(*packet) : "undecodable frame";
  line.hex = core::to_hex(frame);
  line.json = packet ? codec::to_json(*packet) : "";
  return line;
}

std::string describe(const codec::WsPacket& packet) { return codec::to_json(packet); }

RoomWorld::RoomWorld(CaseContext& context, ServerKind kind, const sim::LinkFaults& faults)
    : context_(context),
      room_(sim_room::SimRoomConfig{.seed = context.seed()}),
      login_host_(room_.simulation().add_host(login_host_name)),
      faults_(faults),
      login_(std::make_unique<LoginService>(room_.network(), login_host_, sim_room::clock_origin_unix_ms)) {
  context_.name_host(sim_room::SimRoom::server_host_name, "server");
  context_.attach(room_.simulation());
  if (kind == ServerKind::reference) {
    const auto error = room_.start_reference_server();
    DCL_ASSERT(!error);  // nothing else listens on the server host: a failure is a bug
  } else {
    transport::MessageServerCallbacks callbacks;
    callbacks.accept_upgrade = [](const std::string&) { return true; };
    callbacks.on_open = [this](transport::ServerConnectionId id, const std::string&) { scripted_.opened.push_back(id); };
    callbacks.on_frame = [this](transport::ServerConnectionId id, std::vector<std::uint8_t> frame) {
      auto packet = codec::decode_ws_packet(frame);
      scripted_.received[id].push_back(packet ? *packet : codec::WsPacket{});
    };
    callbacks.on_closed = [this](transport::ServerConnectionId id, const std::string&) { scripted_.closed.insert(id); };
    scripted_.carrier = room_.network().listen(room_.server_host(), std::move(callbacks));
  }
  tut_.name = "transport under test";
  tut_.host = room_.add_client_host("tut", faults_);
  room_.simulation().connect(tut_.host, login_host_, faults_);
}

RoomWorld::~RoomWorld() {
  // Transports first (they hold streams of the network), then the servers.
  tut_.transport.reset();
  peers_.clear();
  livekit_.reset();
  context_.mix_into_digest(room_.simulation().digest());
}

// The transport under test's context: the room's, with every frame and HTTP exchange recorded and
// every connection counted.
transport::TransportContext RoomWorld::tut_context(transport::SigningIdentity identity) {
  transport::TransportContext context = room_.client_context(tut_.host, std::move(identity));
  context.http = recording_http(std::move(context.http));
  auto recording = recording_connector(
      std::move(context.websocket), [this](const std::vector<std::uint8_t>& frame) { this->record("tut", "server", frame); },
      [this](const std::vector<std::uint8_t>& frame) { this->record("server", "tut", frame); });
  context.websocket = [this, recording](const std::string& url, const transport::MessageStreamOptions& options,
                                        transport::MessageStreamHandler handler) -> std::unique_ptr<transport::MessageStream> {
    ++tut_connection_attempts_;
    tut_urls_.push_back(url);
    return recording(url, options, std::move(handler));
  };
  return context;
}

std::optional<std::string> create_tut_transport(CaseContext& context, transport::TransportContext factory_context,
                                                const HarnessServices& services, const std::string& uri, Endpoint& tut,
                                                std::vector<std::unique_ptr<transport::TransportFactory>>& factories,
                                                std::function<void(const transport::TransportEvent&)> on_event) {
  auto factory = std::make_unique<transport::TransportFactory>(std::move(factory_context));
  factory->unregister_type("offline");  // only what the transport under test registers
  context.transport().register_types(*factory, services);
  auto created = factory->create(uri);
  factories.push_back(std::move(factory));
  if (!created) return std::string(transport::to_string(created.error().code)) + ": " + created.error().message;
  tut.transport = std::move(created).value();
  tut.transport->set_event_handler([&tut, on_event = std::move(on_event)](const transport::TransportEvent& e) {
    tut.events.push_back(e);
    on_event(e);
  });
  return std::nullopt;
}

std::optional<std::string> RoomWorld::create_tut(const std::string& uri) {
  const auto identity = sim_room::member_identity(context_.seed(), 0);
  tut_.address = identity.address;
  return create_tut_transport(context_, tut_context(identity), services_, uri, tut_, factories_,
                              [this](const transport::TransportEvent& e) { record_event(tut_, e); });
}

void RoomWorld::connect_tut() {
  if (auto status = tut_.transport->connect(); !status) {
    context_.trace({core::to_ns(room_.simulation().now()), "tut", "tut", "connect() refused", "", status.error().message});
  }
}

void RoomWorld::serve_livekit() {
  livekit_ = std::make_unique<LivekitDeployment>(room_.simulation(), faults_);
  auto connector = livekit_->connector(livekit_->add_client_host("tut-livekit"));
  services_.livekit = [this, connector](const livekit::JoinRequest& request, livekit::SessionHandler handler) {
    ++tut_connection_attempts_;
    return connector(request, std::move(handler));
  };
  services_.unix_seconds_now = [this] { return livekit_->unix_seconds_now(); };
}

Endpoint& RoomWorld::add_peer() {
  auto peer = std::make_unique<Endpoint>();
  const auto index = static_cast<std::uint32_t>(peers_.size() + 1);
  peer->name = "peer-" + std::to_string(index);
  peer->host = room_.add_client_host(peer->name, faults_);
  auto identity = sim_room::member_identity(context_.seed(), index);
  peer->address = identity.address;
  Endpoint* raw = peer.get();
  peer->transport = room_.add_client(peer->host, std::move(identity), "ws-room:ws://room-server/rooms/conformance",
                                     [raw](const transport::TransportEvent& e) { raw->events.push_back(e); });
  (void)peer->transport->connect();
  peers_.push_back(std::move(peer));
  return *raw;
}

// Wraps the transport under test's HTTP client: each request and its outcome become trace lines
// (headers in the order sent, the response body as received).
transport::HttpFetcher RoomWorld::recording_http(transport::HttpFetcher fetcher) {
  return [this, fetcher](transport::HttpRequest request, const transport::HttpClientOptions& options,
                         std::function<void(core::Result<transport::HttpResult, transport::HttpError>)> done) {
    ++tut_http_requests_;
    tut_urls_.push_back(request.url);
    // The party is the URL's host (the world's hosts are plain names, e.g. "login-server").
    const auto authority_at = request.url.find("//");
    const std::string rest = authority_at == std::string::npos ? request.url : request.url.substr(authority_at + 2);
    const std::string host = rest.substr(0, rest.find_first_of(":/?#"));
    nlohmann::ordered_json headers = nlohmann::ordered_json::object();
    for (const auto& [name, value] : request.headers) headers[name] = value;
    context_.trace({core::to_ns(room_.simulation().now()), "tut", host, request.method + " " + request.url, "",
                    headers.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
    fetcher(std::move(request), options, [this, host, done](core::Result<transport::HttpResult, transport::HttpError> result) {
      if (result) {
        context_.trace({core::to_ns(room_.simulation().now()), host, "tut", "HTTP " + std::to_string(result->status), "", result->body});
      } else {
        context_.trace({core::to_ns(room_.simulation().now()), host, "tut", "HTTP request failed", "", result.error().message});
      }
      done(std::move(result));
    });
  };
}

bool RoomWorld::run_until(const std::function<bool()>& done, core::Duration limit) { return room_.run_until(done, limit); }

void RoomWorld::set_tut_link(const sim::LinkFaults& faults) {
  room_.simulation().set_link(tut_.host, room_.server_host(), faults);
  room_.simulation().set_link(room_.server_host(), tut_.host, faults);
}

void RoomWorld::run_for(core::Duration duration) { room_.simulation().run_until(room_.simulation().now() + duration); }

void RoomWorld::record(const std::string& from, const std::string& to, const std::vector<std::uint8_t>& frame) {
  context_.trace(frame_line(core::to_ns(room_.simulation().now()), from, to, frame));
}

void RoomWorld::record_event(const Endpoint& endpoint, const transport::TransportEvent& event) {
  context_.trace({core::to_ns(room_.simulation().now()), endpoint.name == tut_.name ? "tut" : endpoint.name, "app",
                  "event: " + std::string(transport::event_name(event)), "", event_json(event)});
}

}  // namespace dclcomms::conformance
