#include "driver_transport.hpp"

#include "dclcomms/core/hex.hpp"

#include <map>
#include <mutex>

namespace dclcomms::conformance {
namespace {

transport::TransportErrorCode error_code_of(const std::string& code) {
  using C = transport::TransportErrorCode;
  for (const C c : {C::not_connected, C::already_connected, C::packet_too_large, C::unsupported, C::protocol_error, C::io_error,
                    C::timeout, C::denied}) {
    if (transport::to_string(c) == code) return c;
  }
  return C::protocol_error;
}

transport::UriErrorCode uri_error_code_of(const std::string& code) {
  for (int c = 0; c <= static_cast<int>(transport::UriErrorCode::duplicate_parameter); ++c) {
    const auto candidate = static_cast<transport::UriErrorCode>(c);
    if (transport::to_string(candidate) == code) return candidate;
  }
  return transport::UriErrorCode::bad_url;
}

std::optional<transport::TransportEvent> event_of(const nlohmann::json& e) {
  const std::string kind = e.value("event", "");
  if (kind == "connected") {
    transport::Connected c;
    for (const auto& p : e.value("peers", nlohmann::json::array())) c.peers.push_back(p.get<std::string>());
    return c;
  }
  if (kind == "message") {
    const auto bytes = core::from_hex(e.value("packet_hex", ""));
    if (!bytes) return std::nullopt;
    return transport::MessageReceived{e.value("from", ""), *bytes};
  }
  if (kind == "peer_joined") return transport::PeerJoined{e.value("address", "")};
  if (kind == "peer_left") return transport::PeerLeft{e.value("address", "")};
  if (kind == "disconnected") return transport::Disconnected{e.value("reason", ""), e.value("kicked", false)};
  if (kind == "error") {
    return transport::ErrorReported{transport::TransportError{error_code_of(e.value("code", "")), e.value("message", "")}};
  }
  return std::nullopt;
}

// A driver whose create was refused holds no transport (protocol: it may be sent another create),
// so the next create of the same driver reuses it instead of starting a process: the bad-URI corpus
// alone is hundreds of creates, and a Node driver takes tens of milliseconds to start. One idle
// process per driver command at most.
std::mutex idle_mutex;
std::map<std::string, std::unique_ptr<DriverProcess>>& idle_processes() {
  static std::map<std::string, std::unique_ptr<DriverProcess>> idle;
  return idle;
}

std::unique_ptr<DriverProcess> take_idle_process(const std::string& command) {
  const std::lock_guard lock(idle_mutex);
  const auto it = idle_processes().find(command);
  if (it == idle_processes().end()) return nullptr;
  auto process = std::move(it->second);
  idle_processes().erase(it);
  return process;
}

void keep_idle_process(const std::string& command, std::unique_ptr<DriverProcess> process) {
  const std::lock_guard lock(idle_mutex);
  idle_processes()[command] = std::move(process);  // replaces (and stops) an older idle one
}

}  // namespace

DriverTransport::DriverTransport(std::unique_ptr<DriverProcess> process, std::string type, const transport::TransportContext& context,
                                 const HarnessServices& services, const DriverProtocol& protocol)
    : process_(std::move(process)), type_(std::move(type)), context_(context), origin_(context.runtime->now()), services_(services),
      protocol_(protocol),
      events_(*context.runtime, [this](const transport::TransportEvent& e) { emit(e); }) {}

DriverTransport::~DriverTransport() {
  if (timer_) context_.runtime->cancel(*timer_);
  if (poll_timer_) context_.runtime->cancel(*poll_timer_);
  streams_.clear();
  livekit_sessions_.clear();
}

core::Result<transport::TransportPtr, transport::UriError> DriverTransport::create(const std::string& command,
                                                                                   const transport::TransportUri& uri,
                                                                                   const transport::TransportContext& context,
                                                                                   const HarnessServices& services,
                                                                                   const DriverProtocol& protocol) {
  auto process = take_idle_process(command);
  if (!process) process = DriverProcess::start(command);
  if (!process) return core::fail(transport::UriErrorCode::unsupported_type, "cannot start the driver: " + command);
  nlohmann::json identity = nullptr;
  if (context.identity) {
    identity = {{"address", context.identity->address},
                {"base_chain", nlohmann::json::parse(context.identity->base_chain_json, nullptr, false)},
                {"ephemeral_key", context.identity->ephemeral_key_hex}};
  }
  const auto answer = process->call({{"cmd", "create"}, {"uri", uri.type + ":" + uri.params}, {"identity", identity}, {"now_ms", 0},
                                     {"unix_ms", context.unix_ms_now ? context.unix_ms_now() : std::int64_t{0}}});
  if (!answer) return core::fail(transport::UriErrorCode::unsupported_type, "the driver failed on create: " + process->error());
  if (!answer->value("ok", false)) {
    const auto error = (*answer)["error"];
    keep_idle_process(command, std::move(process));
    return core::fail(uri_error_code_of(error.value("code", "")), "driver: " + error.value("message", std::string("refused")));
  }
  // Creating does no I/O (spec §2.3: the factory answers at once; uri.accepts_real_world_forms):
  // a create answer that asks for any is a broken driver, said plainly rather than skipped.
  for (const auto& action : answer->value("actions", nlohmann::json::array())) {
    const std::string what = action.is_object() ? action.value("do", "") : "";
    if (what == "ws_open" || what == "ws_send" || what == "ws_close" || what == "http_request" || what == "lk_join" ||
        what == "lk_publish" || what == "lk_leave") {
      return core::fail(transport::UriErrorCode::unsupported_type,
                        "driver protocol violation: the create answer asks for I/O ('" + what +
                            "'); a transport opens nothing before connect() (docs/driver-protocol.md, create)");
    }
  }
  auto made = std::unique_ptr<DriverTransport>(new DriverTransport(std::move(process), uri.type, context, services, protocol));
  if (protocol.real_time) made->poll_unsolicited();
  return transport::TransportPtr(std::move(made));
}

std::int64_t DriverTransport::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(context_.runtime->now() - origin_).count();
}

std::optional<nlohmann::json> DriverTransport::call(nlohmann::json request) {
  if (failed_) return std::nullopt;
  request["now_ms"] = now_ms();
  auto answer = process_->call(std::move(request));
  if (!answer) {
    driver_failed(process_->error());
    return std::nullopt;
  }
  const std::weak_ptr<int> alive = alive_;
  for (const auto& action : answer->value("actions", nlohmann::json::array())) {
    if (alive.expired() || failed_) break;
    perform(action);
  }
  return answer;
}

void DriverTransport::perform(const nlohmann::json& action) {
  const std::string what = action.value("do", "");
  const std::int64_t stream = action.value("stream", std::int64_t{0});
  if (what == "ws_open") {
    transport::MessageStreamOptions options = context_.websocket_options;
    options.subprotocols.clear();
    for (const auto& p : action.value("subprotocols", nlohmann::json::array())) options.subprotocols.push_back(p.get<std::string>());
    transport::MessageStreamHandler handler;
    const std::weak_ptr<int> alive = alive_;
    handler.on_open = [this, alive, stream](std::string subprotocol) {
      if (!alive.expired()) call({{"cmd", "ws_opened"}, {"stream", stream}, {"subprotocol", subprotocol}});
    };
    handler.on_frame = [this, alive, stream](std::vector<std::uint8_t> frame) {
      if (!alive.expired()) call({{"cmd", "ws_frame"}, {"stream", stream}, {"hex", core::to_hex(frame)}});
    };
    handler.on_closed = [this, alive, stream](std::string detail) {
      if (!alive.expired()) call({{"cmd", "ws_closed"}, {"stream", stream}, {"detail", detail}});
    };
    if (!context_.websocket) return driver_failed("the driver asked for a websocket and the harness has none");
    streams_[stream] = context_.websocket(action.value("url", ""), options, std::move(handler));
  } else if (what == "ws_send") {
    const auto bytes = core::from_hex(action.value("hex", ""));
    if (const auto it = streams_.find(stream); it != streams_.end() && bytes) it->second->send(*bytes);
  } else if (what == "ws_close") {
    if (const auto it = streams_.find(stream); it != streams_.end()) it->second->close(action.value("reason", ""));
  } else if (what == "set_timer") {
    if (timer_) context_.runtime->cancel(*timer_);
    timer_.reset();
    if (action.contains("at_ms") && action["at_ms"].is_number_integer()) {
      const auto at = origin_ + std::chrono::milliseconds(action["at_ms"].get<std::int64_t>());
      timer_ = context_.runtime->schedule_at(at, [this] {
        timer_.reset();
        call({{"cmd", "timer"}});
      });
    }
  } else if (what == "http_request") {
    perform_http_request(action);
  } else if (what == "lk_join") {
    perform_livekit_join(action);
  } else if (what == "lk_publish") {
    const auto bytes = core::from_hex(action.value("hex", ""));
    const auto it = livekit_sessions_.find(action.value("session", std::int64_t{0}));
    if (it == livekit_sessions_.end() || !bytes) return;
    std::vector<std::string> destinations;
    for (const auto& d : action.value("destinations", nlohmann::json::array())) {
      if (d.is_string()) destinations.push_back(d.get<std::string>());
    }
    it->second->publish_data(*bytes, action.value("kind", "") == "lossy" ? livekit::DataKind::lossy : livekit::DataKind::reliable,
                             std::move(destinations));
  } else if (what == "lk_leave") {
    if (const auto it = livekit_sessions_.find(action.value("session", std::int64_t{0})); it != livekit_sessions_.end()) it->second->leave();
  } else if (what == "event") {
    if (auto event = event_of(action.value("event", nlohmann::json::object()))) events_.post(std::move(*event));
  }
}

// One HTTP exchange on the driver's behalf (signed-login): the harness's HttpFetcher carries it,
// and the answer goes back as http_response or http_failed with the driver's request number.
void DriverTransport::perform_http_request(const nlohmann::json& action) {
  const std::int64_t request_id = action.value("request", std::int64_t{0});
  if (!context_.http) return driver_failed("the driver asked for an HTTP request and the harness has no HTTP network");
  transport::HttpRequest request;
  request.method = action.value("method", std::string("GET"));
  request.url = action.value("url", "");
  request.body = action.value("body", "");
  for (const auto& header : action.value("headers", nlohmann::json::array())) {
    if (!header.is_array() || header.size() != 2 || !header[0].is_string() || !header[1].is_string()) {
      return driver_failed("http_request headers must be [name, value] pairs of strings");
    }
    request.headers.emplace_back(header[0].get<std::string>(), header[1].get<std::string>());
  }
  const std::weak_ptr<int> alive = alive_;
  context_.http(std::move(request), context_.http_options, [this, alive, request_id](core::Result<transport::HttpResult, std::string> result) {
    if (alive.expired()) return;
    if (!result) {
      call({{"cmd", "http_failed"}, {"request", request_id}, {"detail", result.error()}});
      return;
    }
    nlohmann::json headers = nlohmann::json::array();
    for (const auto& [name, value] : result->headers) headers.push_back({name, value});
    call({{"cmd", "http_response"}, {"request", request_id}, {"status", result->status}, {"headers", headers}, {"body", result->body}});
  });
}

// One LiveKit participant session on the driver's behalf, through the harness's LiveKit network
// (the simulated SFU): what LiveKit's SDKs report comes back as lk_* requests.
void DriverTransport::perform_livekit_join(const nlohmann::json& action) {
  const std::int64_t session = action.value("session", std::int64_t{0});
  if (!services_.livekit) return driver_failed("the driver asked to join a LiveKit room and the harness has no LiveKit network");
  const std::weak_ptr<int> alive = alive_;
  livekit::SessionHandler handler;
  handler.on_joined = [this, alive, session](std::string identity, std::vector<std::string> participants) {
    if (!alive.expired()) call({{"cmd", "lk_joined"}, {"session", session}, {"identity", identity}, {"participants", participants}});
  };
  handler.on_participant_joined = [this, alive, session](std::string identity) {
    if (!alive.expired()) call({{"cmd", "lk_participant_joined"}, {"session", session}, {"identity", identity}});
  };
  handler.on_participant_left = [this, alive, session](std::string identity) {
    if (!alive.expired()) call({{"cmd", "lk_participant_left"}, {"session", session}, {"identity", identity}});
  };
  handler.on_data = [this, alive, session](std::string sender, std::vector<std::uint8_t> payload, livekit::DataKind kind) {
    if (alive.expired()) return;
    call({{"cmd", "lk_data"}, {"session", session}, {"sender", sender}, {"hex", core::to_hex(payload)},
          {"kind", kind == livekit::DataKind::lossy ? "lossy" : "reliable"}});
  };
  handler.on_closed = [this, alive, session](livekit::DisconnectReason reason, std::string detail) {
    if (!alive.expired()) call({{"cmd", "lk_closed"}, {"session", session}, {"reason", livekit::to_string(reason)}, {"detail", detail}});
  };
  livekit_sessions_[session] = services_.livekit(livekit::JoinRequest{action.value("url", ""), action.value("token", "")}, std::move(handler));
}

void DriverTransport::poll_unsolicited() {
  poll_timer_.reset();
  if (failed_) return;
  bool alive = true;
  for (const auto& event : process_->take_unsolicited(alive)) {
    if (auto typed = event_of(event)) events_.post(std::move(*typed));
  }
  if (!alive) return driver_failed(process_->error());
  // 2 ms: well under any deadline of a wire case, and cheap (one poll(2) on the pipe).
  poll_timer_ = context_.runtime->schedule_at(context_.runtime->now() + std::chrono::milliseconds(2), [this] { poll_unsolicited(); });
}

void DriverTransport::driver_failed(const std::string& why) {
  if (failed_) return;
  failed_ = true;
  events_.post(transport::ErrorReported{transport::TransportError{transport::TransportErrorCode::io_error, "driver: " + why}});
  events_.post(transport::Disconnected{"driver failed: " + why, false});
}

// The outcome a driver gave one call: {"ok": true} or {"ok": false, "error": {"code", "message"}}.
transport::Status DriverTransport::status_of(const nlohmann::json& outcome, const std::string& refused) const {
  if (outcome.value("ok", false)) return core::Ok{};
  const auto error = outcome.value("error", nlohmann::json::object());
  return core::fail(error_code_of(error.value("code", "")), error.value("message", refused));
}

transport::Status DriverTransport::connect() {
  const auto answer = call({{"cmd", "connect"}});
  if (!answer) return core::Ok{};  // reported as events
  return status_of(*answer, "connect refused");
}

void DriverTransport::disconnect() { call({{"cmd", "disconnect"}}); }

namespace {
nlohmann::json send_fields(std::span<const std::uint8_t> packet, const transport::SendOptions& options) {
  return {{"cmd", "send"},
          {"packet_hex", core::to_hex(packet)},
          {"reliable", options.reliability == transport::Reliability::reliable},
          {"targets", options.targets}};
}
}  // namespace

transport::Status DriverTransport::send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) {
  const auto answer = call(send_fields(packet, options));
  if (!answer) return core::fail(transport::TransportErrorCode::io_error, "driver: " + process_->error());
  return status_of(*answer, "send refused");
}

OneTickResult DriverTransport::call_in_one_tick(std::span<const TransportCall> calls) {
  OneTickResult result;
  if (!protocol_.one_tick_calls) {
    result = call_one_by_one(*this, calls);  // one request each: the driver settles in between
    result.settled_between = true;
    return result;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : calls) {
    switch (c.kind) {
      case TransportCall::Kind::connect: list.push_back({{"cmd", "connect"}}); break;
      case TransportCall::Kind::send: list.push_back(send_fields(c.packet, c.options)); break;
      case TransportCall::Kind::disconnect: list.push_back({{"cmd", "disconnect"}}); break;
    }
  }
  const auto answer = call({{"cmd", "calls"}, {"calls", list}});
  const auto results = answer ? answer->value("results", nlohmann::json()) : nlohmann::json();
  if (answer && (!answer->value("ok", false) || !results.is_array() || results.size() != calls.size())) {
    driver_failed("driver protocol violation: a `calls` request of " + std::to_string(calls.size()) +
                  " calls needs an ok answer with one entry per call in `results` (docs/driver-protocol.md), got " +
                  answer->dump().substr(0, 200));
  }
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (failed_ || !results.is_array() || i >= results.size() || !results[i].is_object()) {
      result.statuses.push_back(core::fail(transport::TransportErrorCode::io_error, "driver: no outcome for this call"));
    } else {
      result.statuses.push_back(status_of(results[i], "refused"));
    }
  }
  return result;
}

core::Result<TransportUnderTest, std::string> driver_under_test(const std::string& command) {
  auto process = DriverProcess::start(command);
  if (!process) return core::Unexpected<std::string>{"cannot start the driver: " + command};
  // Protocol 1.1 (the `calls` request) is offered; a driver that does not answer "1.1" speaks 1.0.
  const auto hello = process->call({{"cmd", "hello"}, {"version", 1}, {"protocol", "1.1"}});
  if (!hello) return core::Unexpected<std::string>{"the driver did not answer hello: " + process->error()};
  if (!hello->value("ok", false)) return core::Unexpected<std::string>{"the driver refused hello"};
  const auto caps = hello->value("capabilities", nlohmann::json::object());
  TransportUnderTest tut;
  tut.name = hello->value("name", std::string("driver"));
  for (const auto& t : caps.value("types", nlohmann::json::array())) tut.capabilities.types.insert(t.get<std::string>());
  tut.capabilities.unreliable = caps.value("unreliable", true);
  tut.capabilities.targeted_sends = caps.value("targeted_sends", false);
  // Absent: 65535, what version 1 meant before the field could be null; null: no limit declared.
  if (const auto limit = caps.find("payload_bytes_max"); limit != caps.end()) {
    if (limit->is_null()) {
      tut.capabilities.payload_bytes_max = std::nullopt;
    } else if (limit->is_number_unsigned()) {
      tut.capabilities.payload_bytes_max = limit->get<std::size_t>();
    } else {
      return core::Unexpected<std::string>{"hello: capabilities.payload_bytes_max must be a non-negative integer or null, got " + limit->dump()};
    }
  }
  tut.capabilities.virtual_time = caps.value("virtual_time", true);
  // Fields added later in version 1: absent means what every driver was held to before them.
  tut.capabilities.peer_joined_events = caps.value("peer_joined_events", true);
  tut.capabilities.typed_send_refusals = caps.value("typed_send_refusals", true);
  DriverProtocol protocol;
  protocol.real_time = !tut.capabilities.virtual_time;
  const auto spoken = hello->value("protocol", nlohmann::json("1.0"));
  if (spoken != "1.0" && spoken != "1.1") {
    return core::Unexpected<std::string>{"hello: protocol must be \"1.0\" or \"1.1\" (the harness offered 1.1), got " + spoken.dump()};
  }
  protocol.one_tick_calls = spoken == "1.1";
  const auto types = tut.capabilities.types;
  tut.register_types = [command, types, protocol](transport::TransportFactory& factory, const HarnessServices& services) {
    for (const auto& type : types) {
      factory.register_type(
          type,
          [command, services, protocol](const transport::TransportUri& uri, const transport::TransportContext& context) {
            return DriverTransport::create(command, uri, context, services, protocol);
          },
          transport::TransportFactory::Validation::maker);  // the driver's own URI checks are under test
    }
  };
  return tut;
}

}  // namespace dclcomms::conformance
