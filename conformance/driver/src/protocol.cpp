// The driver protocol's JSON mapping (see protocol.hpp). Parsing follows the schema
// (docs/driver-protocol.schema.json): a field may be absent (its default applies, as the schema
// requires only "do"/"cmd"), but a field of the wrong type, an unknown "do" or hex that is not hex
// is a protocol violation, said with the field's name.
#include "dclcomms/driver/protocol.hpp"

#include "dclcomms/core/hex.hpp"
#include "dclcomms/identity/signing_identity.hpp"

namespace dclcomms::driver {
namespace {

using Problem = core::Unexpected<DriverError>;

Problem violation(std::string message) { return Problem{DriverError{DriverErrorCode::protocol_violation, std::move(message)}}; }

// Field readers: the value, the default when absent or null, or what is wrong.
core::Result<std::int64_t, DriverError> integer_field(const Json& object, const char* key, std::string_view what) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::int64_t{0};
  if (!it->is_number_integer()) return violation(std::string(what) + ": \"" + key + "\" must be an integer, got " + it->dump());
  return it->get<std::int64_t>();
}

core::Result<std::string, DriverError> string_field(const Json& object, const char* key, std::string_view what) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) return violation(std::string(what) + ": \"" + key + "\" must be a string, got " + it->dump().substr(0, 80));
  return it->get<std::string>();
}

core::Result<std::vector<std::string>, DriverError> strings_field(const Json& object, const char* key, std::string_view what) {
  std::vector<std::string> out;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_array()) return violation(std::string(what) + ": \"" + key + "\" must be an array of strings");
  for (const auto& item : *it) {
    if (!item.is_string())
      return violation(std::string(what) + ": \"" + key + "\" must be an array of strings, has " + item.dump().substr(0, 80));
    out.push_back(item.get<std::string>());
  }
  return out;
}

core::Result<std::vector<std::uint8_t>, DriverError> hex_field(const Json& object, const char* key, std::string_view what) {
  auto text = string_field(object, key, what);
  if (!text) return Problem{text.error()};
  auto bytes = core::from_hex(*text);
  if (!bytes) return violation(std::string(what) + ": \"" + key + "\" is not hex");
  return std::move(*bytes);
}

core::Result<transport::HttpHeaders, DriverError> headers_field(const Json& object, std::string_view what) {
  transport::HttpHeaders headers;
  const auto it = object.find("headers");
  if (it == object.end() || it->is_null()) return headers;
  if (!it->is_array()) return violation(std::string(what) + ": \"headers\" must be an array of [name, value] pairs");
  for (const auto& header : *it) {
    if (!header.is_array() || header.size() != 2 || !header[0].is_string() || !header[1].is_string()) {
      return violation(std::string(what) + ": \"headers\" must be [name, value] pairs of strings");
    }
    headers.emplace_back(header[0].get<std::string>(), header[1].get<std::string>());
  }
  return headers;
}

Json headers_json(const transport::HttpHeaders& headers) {
  Json out = Json::array();
  for (const auto& [name, value] : headers) out.push_back({name, value});
  return out;
}

core::Result<livekit::DataKind, DriverError> kind_field(const Json& object, std::string_view what) {
  auto kind = string_field(object, "kind", what);
  if (!kind) return Problem{kind.error()};
  if (kind->empty() || *kind == "reliable") return livekit::DataKind::reliable;
  if (*kind == "lossy") return livekit::DataKind::lossy;
  return violation(std::string(what) + ": \"kind\" is \"reliable\" or \"lossy\", not \"" + kind->substr(0, 40) + "\"");
}

// Unwraps a field reader's result inside a function returning Result<_, DriverError>.
#define DCL_FIELD(var, expr)                           \
  auto var##_read = (expr);                            \
  if (!var##_read) return Problem{var##_read.error()}; \
  auto var = std::move(var##_read).value()

}  // namespace

// ---------------------------------------------------------------------------------------------
// Answers

Json ok() { return {{"ok", true}}; }

Json refused(std::string_view code, std::string_view message) { return {{"ok", false}, {"error", {{"code", code}, {"message", message}}}}; }

Json status_to_json(const transport::Status& status) {
  return status ? ok() : refused(transport::to_string(status.error().code), status.error().message);
}

transport::TransportErrorCode transport_error_code_from(std::string_view code) {
  using C = transport::TransportErrorCode;
  for (const C c : {C::not_connected, C::already_connected, C::packet_too_large, C::unsupported, C::protocol_error, C::io_error, C::timeout,
                    C::denied}) {
    if (transport::to_string(c) == code) return c;
  }
  return C::protocol_error;
}

transport::UriErrorCode uri_error_code_from(std::string_view code) {
  for (int c = 0; c <= static_cast<int>(transport::UriErrorCode::duplicate_parameter); ++c) {
    const auto candidate = static_cast<transport::UriErrorCode>(c);
    if (transport::to_string(candidate) == code) return candidate;
  }
  return transport::UriErrorCode::bad_url;
}

transport::Status status_from_json(const Json& outcome, std::string_view fallback_message) {
  if (outcome.is_object() && outcome.value("ok", false)) return core::Ok{};
  const Json error = outcome.is_object() ? outcome.value("error", Json::object()) : Json::object();
  const std::string code = error.is_object() ? error.value("code", "") : "";
  const std::string message = error.is_object() ? error.value("message", std::string(fallback_message)) : std::string(fallback_message);
  return core::fail(transport_error_code_from(code), message);
}

Json not_an_object_answer() {
  Json answer = refused("protocol_error", "not a JSON object");
  answer["id"] = nullptr;
  answer["actions"] = Json::array();
  return answer;
}

// ---------------------------------------------------------------------------------------------
// Events

Json event_to_json(const transport::TransportEvent& event) {
  struct Printer {
    Json operator()(const transport::Connected& e) const { return {{"event", "connected"}, {"peers", e.peers}}; }
    Json operator()(const transport::MessageReceived& e) const {
      return {{"event", "message"}, {"from", e.sender}, {"packet_hex", core::to_hex(e.packet)}};
    }
    Json operator()(const transport::PeerJoined& e) const { return {{"event", "peer_joined"}, {"address", e.address}}; }
    Json operator()(const transport::PeerLeft& e) const { return {{"event", "peer_left"}, {"address", e.address}}; }
    Json operator()(const transport::Disconnected& e) const {
      return {{"event", "disconnected"}, {"reason", e.reason}, {"kicked", e.kicked}};
    }
    Json operator()(const transport::ErrorReported& e) const {
      return {{"event", "error"}, {"code", transport::to_string(e.error.code)}, {"message", e.error.message}};
    }
  };
  return std::visit(Printer{}, event);
}

std::optional<transport::TransportEvent> event_from_json(const Json& e) {
  if (!e.is_object()) return std::nullopt;
  const auto kind = string_field(e, "event", "event");
  if (!kind) return std::nullopt;
  if (*kind == "connected") {
    auto peers = strings_field(e, "peers", "connected");
    if (!peers) return std::nullopt;
    return transport::Connected{std::move(*peers)};
  }
  if (*kind == "message") {
    auto bytes = hex_field(e, "packet_hex", "message");
    auto from = string_field(e, "from", "message");
    if (!bytes || !from) return std::nullopt;
    return transport::MessageReceived{std::move(*from), std::move(*bytes)};
  }
  if (*kind == "peer_joined" || *kind == "peer_left") {
    auto address = string_field(e, "address", *kind);
    if (!address) return std::nullopt;
    if (*kind == "peer_joined") return transport::PeerJoined{std::move(*address)};
    return transport::PeerLeft{std::move(*address)};
  }
  if (*kind == "disconnected") {
    auto reason = string_field(e, "reason", "disconnected");
    const auto kicked = e.find("kicked");
    if (!reason || (kicked != e.end() && !kicked->is_boolean())) return std::nullopt;
    return transport::Disconnected{std::move(*reason), kicked != e.end() && kicked->get<bool>()};
  }
  if (*kind == "error") {
    auto code = string_field(e, "code", "error");
    auto message = string_field(e, "message", "error");
    if (!code || !message) return std::nullopt;
    return transport::ErrorReported{transport::TransportError{transport_error_code_from(*code), std::move(*message)}};
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// hello

Json to_json(const Hello& hello) { return {{"cmd", "hello"}, {"version", 1}, {"protocol", hello.protocol}}; }

Json to_json(const HelloAnswer& answer) {
  const auto& c = answer.capabilities;
  Json payload_bytes_max = nullptr;
  if (c.payload_bytes_max) payload_bytes_max = *c.payload_bytes_max;
  Json out = ok();
  out["name"] = answer.name;
  out["capabilities"] = {{"types", c.types},
                         {"unreliable", c.unreliable},
                         {"targeted_sends", c.targeted_sends},
                         {"payload_bytes_max", payload_bytes_max},
                         {"virtual_time", c.virtual_time},
                         {"peer_joined_events", c.peer_joined_events},
                         {"typed_send_refusals", c.typed_send_refusals}};
  // A 1.0 answer says nothing: that is how 1.0 drivers, written before versions, answer.
  if (answer.protocol != protocol_1_0) out["protocol"] = answer.protocol;
  return out;
}

core::Result<HelloAnswer, DriverError> hello_answer_from_json(const Json& answer) {
  if (!answer.is_object() || !answer.value("ok", false)) return violation("the driver refused hello");
  HelloAnswer out;
  DCL_FIELD(name, string_field(answer, "name", "hello"));
  out.name = name.empty() ? "driver" : name;
  const Json caps = answer.value("capabilities", Json::object());
  if (!caps.is_object()) return violation("hello: capabilities must be an object");
  DCL_FIELD(types, strings_field(caps, "types", "hello capabilities"));
  out.capabilities.types = std::set<std::string>(types.begin(), types.end());
  const auto flag = [&caps](const char* key, bool absent) {
    return caps.contains(key) && caps[key].is_boolean() ? caps[key].get<bool>() : absent;
  };
  out.capabilities.unreliable = flag("unreliable", true);
  out.capabilities.targeted_sends = flag("targeted_sends", false);
  // Absent: 65535, what version 1 meant before the field could be null; null: no limit declared.
  if (const auto limit = caps.find("payload_bytes_max"); limit != caps.end()) {
    if (limit->is_null()) {
      out.capabilities.payload_bytes_max = std::nullopt;
    } else if (limit->is_number_unsigned()) {
      out.capabilities.payload_bytes_max = limit->get<std::size_t>();
    } else {
      return violation("hello: capabilities.payload_bytes_max must be a non-negative integer or null, got " + limit->dump());
    }
  }
  out.capabilities.virtual_time = flag("virtual_time", true);
  // Fields added later in version 1: absent means what every driver was held to before them.
  out.capabilities.peer_joined_events = flag("peer_joined_events", true);
  out.capabilities.typed_send_refusals = flag("typed_send_refusals", true);
  const Json spoken = answer.value("protocol", Json(protocol_1_0));
  if (spoken != protocol_1_0 && spoken != protocol_1_1) {
    return violation("hello: protocol must be \"1.0\" or \"1.1\" (the harness offered 1.1), got " + spoken.dump());
  }
  out.protocol = spoken.get<std::string>();
  return out;
}

// ---------------------------------------------------------------------------------------------
// create and the transport calls

Json to_json(const Create& create) {
  Json identity = nullptr;
  if (create.identity) {
    identity = {{"address", create.identity->address},
                {"base_chain", Json::parse(create.identity->base_chain_json, nullptr, false)},
                {"ephemeral_key", create.identity->ephemeral_key_hex}};
  }
  return {{"cmd", "create"}, {"uri", create.uri}, {"identity", identity}, {"now_ms", 0}, {"unix_ms", create.unix_ms}};
}

core::Result<std::optional<transport::SigningIdentity>, DriverError> identity_from_json(const Json& create_request) {
  const Json identity = create_request.value("identity", Json());
  if (!identity.is_object()) return std::optional<transport::SigningIdentity>{};
  const Json chain = identity.value("base_chain", Json::array());
  const Json key = identity.value("ephemeral_key", Json(""));
  if (!key.is_string()) return Problem{DriverError{DriverErrorCode::bad_identity, "bad identity: ephemeral_key must be a string"}};
  auto parts = identity::signing_identity_from_parts(chain.dump(), key.get<std::string>());
  if (!parts) return Problem{DriverError{DriverErrorCode::bad_identity, "bad identity: " + parts.error().message}};
  return std::optional<transport::SigningIdentity>{std::move(parts).value()};
}

Json to_json(const TransportCallRequest& call) {
  struct Printer {
    Json operator()(const Connect&) const { return {{"cmd", "connect"}}; }
    Json operator()(const Disconnect&) const { return {{"cmd", "disconnect"}}; }
    Json operator()(const Send& s) const {
      return {{"cmd", "send"},
              {"packet_hex", core::to_hex(s.packet)},
              {"reliable", s.options.reliability == transport::Reliability::reliable},
              {"targets", s.options.targets}};
    }
  };
  return std::visit(Printer{}, call);
}

Json calls_to_json(const std::vector<TransportCallRequest>& calls) {
  Json list = Json::array();
  for (const auto& call : calls) list.push_back(to_json(call));
  return {{"cmd", "calls"}, {"calls", std::move(list)}};
}

std::optional<Json> serve_transport_call(transport::Transport& transport, const Json& request) {
  const std::string cmd = request.value("cmd", "");
  if (cmd == "calls") {
    // Protocol 1.1: back to back, nothing run in between; the caller settles once, after them all.
    const Json calls = request.value("calls", Json());
    if (!calls.is_array() || calls.empty()) return refused("protocol_error", "calls must be a non-empty array");
    Json results = Json::array();
    for (const auto& call : calls) {
      const std::string inner = call.is_object() && call.value("cmd", Json()).is_string() ? call.value("cmd", "") : "";
      if (inner != "connect" && inner != "send" && inner != "disconnect") {
        results.push_back(refused("protocol_error", "a call is connect, send or disconnect, not '" + inner + "'"));
        continue;
      }
      results.push_back(*serve_transport_call(transport, call));
    }
    Json answer = ok();
    answer["results"] = std::move(results);
    return answer;
  }
  if (cmd == "connect") return status_to_json(transport.connect());
  if (cmd == "disconnect") {
    transport.disconnect();
    return ok();
  }
  if (cmd != "send") return std::nullopt;
  const auto bytes = hex_field(request, "packet_hex", "send");
  if (!bytes) return refused("protocol_error", bytes.error().message);
  const auto targets = strings_field(request, "targets", "send");
  if (!targets) return refused("protocol_error", targets.error().message);
  transport::SendOptions options;
  options.reliability = request.value("reliable", Json(true)) == Json(false) ? transport::Reliability::unreliable
                                                                             : transport::Reliability::reliable;
  options.targets = *targets;
  return status_to_json(transport.send(*bytes, options));
}

// ---------------------------------------------------------------------------------------------
// Actions

Json to_json(const Action& action) {
  struct Printer {
    Json operator()(const WsOpen& a) const {
      return {{"do", "ws_open"}, {"stream", a.stream}, {"url", a.url}, {"subprotocols", a.subprotocols}};
    }
    Json operator()(const WsSend& a) const { return {{"do", "ws_send"}, {"stream", a.stream}, {"hex", core::to_hex(a.frame)}}; }
    Json operator()(const WsClose& a) const { return {{"do", "ws_close"}, {"stream", a.stream}, {"reason", a.reason}}; }
    Json operator()(const SetTimer& a) const { return {{"do", "set_timer"}, {"at_ms", a.at_ms ? Json(*a.at_ms) : Json(nullptr)}}; }
    Json operator()(const HttpRequestAction& a) const {
      return {{"do", "http_request"},
              {"request", a.request},
              {"method", a.http.method},
              {"url", a.http.url},
              {"headers", headers_json(a.http.headers)},
              {"body", a.http.body}};
    }
    Json operator()(const LkJoin& a) const { return {{"do", "lk_join"}, {"session", a.session}, {"url", a.url}, {"token", a.token}}; }
    Json operator()(const LkPublish& a) const {
      return {{"do", "lk_publish"},
              {"session", a.session},
              {"hex", core::to_hex(a.payload)},
              {"kind", livekit::to_string(a.kind)},
              {"destinations", a.destinations}};
    }
    Json operator()(const LkLeave& a) const { return {{"do", "lk_leave"}, {"session", a.session}}; }
    Json operator()(const EmitEvent& a) const { return {{"do", "event"}, {"event", event_to_json(a.event)}}; }
  };
  return std::visit(Printer{}, action);
}

core::Result<Action, DriverError> action_from_json(const Json& action) {
  if (!action.is_object()) return violation("an action must be an object, got " + action.dump().substr(0, 80));
  DCL_FIELD(what, string_field(action, "do", "action"));
  if (what == "ws_open") {
    DCL_FIELD(stream, integer_field(action, "stream", what));
    DCL_FIELD(url, string_field(action, "url", what));
    DCL_FIELD(subprotocols, strings_field(action, "subprotocols", what));
    return Action{WsOpen{stream, std::move(url), std::move(subprotocols)}};
  }
  if (what == "ws_send") {
    DCL_FIELD(stream, integer_field(action, "stream", what));
    DCL_FIELD(frame, hex_field(action, "hex", what));
    return Action{WsSend{stream, std::move(frame)}};
  }
  if (what == "ws_close") {
    DCL_FIELD(stream, integer_field(action, "stream", what));
    DCL_FIELD(reason, string_field(action, "reason", what));
    return Action{WsClose{stream, std::move(reason)}};
  }
  if (what == "set_timer") {
    const auto at = action.find("at_ms");
    if (at == action.end() || at->is_null()) return Action{SetTimer{}};
    if (!at->is_number_integer()) return violation("set_timer: \"at_ms\" must be an integer or null, got " + at->dump());
    return Action{SetTimer{at->get<std::int64_t>()}};
  }
  if (what == "http_request") {
    DCL_FIELD(request, integer_field(action, "request", what));
    DCL_FIELD(method, string_field(action, "method", what));
    DCL_FIELD(url, string_field(action, "url", what));
    DCL_FIELD(headers, headers_field(action, what));
    DCL_FIELD(body, string_field(action, "body", what));
    return Action{HttpRequestAction{request, transport::HttpRequest{method.empty() ? "GET" : method, std::move(url), std::move(headers),
                                                                    std::move(body)}}};
  }
  if (what == "lk_join") {
    DCL_FIELD(session, integer_field(action, "session", what));
    DCL_FIELD(url, string_field(action, "url", what));
    DCL_FIELD(token, string_field(action, "token", what));
    return Action{LkJoin{session, std::move(url), std::move(token)}};
  }
  if (what == "lk_publish") {
    DCL_FIELD(session, integer_field(action, "session", what));
    DCL_FIELD(payload, hex_field(action, "hex", what));
    DCL_FIELD(kind, kind_field(action, what));
    DCL_FIELD(destinations, strings_field(action, "destinations", what));
    return Action{LkPublish{session, std::move(payload), kind, std::move(destinations)}};
  }
  if (what == "lk_leave") {
    DCL_FIELD(session, integer_field(action, "session", what));
    return Action{LkLeave{session}};
  }
  if (what == "event") {
    auto event = event_from_json(action.value("event", Json::object()));
    if (!event)
      return violation("event: \"event\" is not one of the six transport events: " + action.value("event", Json()).dump().substr(0, 120));
    return Action{EmitEvent{std::move(*event)}};
  }
  return violation("unknown action \"" + what.substr(0, 40) +
                   "\" (docs/driver-protocol.md lists ws_open, ws_send, ws_close, set_timer, "
                   "http_request, lk_join, lk_publish, lk_leave, event)");
}

bool is_io(const Action& action) { return !std::holds_alternative<SetTimer>(action) && !std::holds_alternative<EmitEvent>(action); }

std::string_view to_string(DriverErrorCode code) {
  switch (code) {
    case DriverErrorCode::protocol_violation: return "protocol_violation";
    case DriverErrorCode::bad_identity: return "bad_identity";
  }
  return "unknown";
}

std::string_view action_name(const Action& action) {
  constexpr std::string_view names[] = {"ws_open", "ws_send",    "ws_close", "set_timer", "http_request",
                                        "lk_join", "lk_publish", "lk_leave", "event"};
  static_assert(std::size(names) == std::variant_size_v<Action>);
  return names[action.index()];
}

// ---------------------------------------------------------------------------------------------
// Reports

Json to_json(const Report& report) {
  struct Printer {
    Json operator()(const TimerFired&) const { return {{"cmd", "timer"}}; }
    Json operator()(const WsOpened& r) const { return {{"cmd", "ws_opened"}, {"stream", r.stream}, {"subprotocol", r.subprotocol}}; }
    Json operator()(const WsFrame& r) const { return {{"cmd", "ws_frame"}, {"stream", r.stream}, {"hex", core::to_hex(r.frame)}}; }
    Json operator()(const WsClosed& r) const { return {{"cmd", "ws_closed"}, {"stream", r.stream}, {"detail", r.detail}}; }
    Json operator()(const HttpResponse& r) const {
      return {{"cmd", "http_response"},
              {"request", r.request},
              {"status", r.result.status},
              {"headers", headers_json(r.result.headers)},
              {"body", r.result.body}};
    }
    Json operator()(const HttpFailed& r) const { return {{"cmd", "http_failed"}, {"request", r.request}, {"detail", r.detail}}; }
    Json operator()(const LkJoined& r) const {
      return {{"cmd", "lk_joined"}, {"session", r.session}, {"identity", r.identity}, {"participants", r.participants}};
    }
    Json operator()(const LkParticipantJoined& r) const {
      return {{"cmd", "lk_participant_joined"}, {"session", r.session}, {"identity", r.identity}};
    }
    Json operator()(const LkParticipantLeft& r) const {
      return {{"cmd", "lk_participant_left"}, {"session", r.session}, {"identity", r.identity}};
    }
    Json operator()(const LkData& r) const {
      return {{"cmd", "lk_data"},
              {"session", r.session},
              {"sender", r.sender},
              {"hex", core::to_hex(r.payload)},
              {"kind", livekit::to_string(r.kind)}};
    }
    Json operator()(const LkClosed& r) const {
      return {{"cmd", "lk_closed"}, {"session", r.session}, {"reason", livekit::to_string(r.reason)}, {"detail", r.detail}};
    }
  };
  return std::visit(Printer{}, report);
}

std::optional<core::Result<Report, DriverError>> report_from_json(const Json& request) {
  using Out = core::Result<Report, DriverError>;
  const std::string cmd = request.is_object() && request.value("cmd", Json()).is_string() ? request.value("cmd", "") : "";
  const auto parse = [&]() -> Out {
    if (cmd == "timer") return Report{TimerFired{}};
    if (cmd == "ws_opened") {
      DCL_FIELD(stream, integer_field(request, "stream", cmd));
      DCL_FIELD(subprotocol, string_field(request, "subprotocol", cmd));
      return Report{WsOpened{stream, std::move(subprotocol)}};
    }
    if (cmd == "ws_frame") {
      DCL_FIELD(stream, integer_field(request, "stream", cmd));
      DCL_FIELD(frame, hex_field(request, "hex", cmd));
      return Report{WsFrame{stream, std::move(frame)}};
    }
    if (cmd == "ws_closed") {
      DCL_FIELD(stream, integer_field(request, "stream", cmd));
      DCL_FIELD(detail, string_field(request, "detail", cmd));
      return Report{WsClosed{stream, std::move(detail)}};
    }
    if (cmd == "http_response") {
      DCL_FIELD(id, integer_field(request, "request", cmd));
      DCL_FIELD(status, integer_field(request, "status", cmd));
      DCL_FIELD(headers, headers_field(request, cmd));
      DCL_FIELD(body, string_field(request, "body", cmd));
      if (status < 0 || status > 999) return violation("http_response: \"status\" must be an HTTP status, got " + std::to_string(status));
      return Report{HttpResponse{id, transport::HttpResult{static_cast<unsigned>(status), std::move(headers), std::move(body)}}};
    }
    if (cmd == "http_failed") {
      DCL_FIELD(id, integer_field(request, "request", cmd));
      DCL_FIELD(detail, string_field(request, "detail", cmd));
      return Report{HttpFailed{id, detail.empty() ? std::string("failed") : std::move(detail)}};
    }
    if (cmd == "lk_joined") {
      DCL_FIELD(session, integer_field(request, "session", cmd));
      DCL_FIELD(identity, string_field(request, "identity", cmd));
      DCL_FIELD(participants, strings_field(request, "participants", cmd));
      return Report{LkJoined{session, std::move(identity), std::move(participants)}};
    }
    if (cmd == "lk_participant_joined" || cmd == "lk_participant_left") {
      DCL_FIELD(session, integer_field(request, "session", cmd));
      DCL_FIELD(identity, string_field(request, "identity", cmd));
      if (cmd == "lk_participant_joined") return Report{LkParticipantJoined{session, std::move(identity)}};
      return Report{LkParticipantLeft{session, std::move(identity)}};
    }
    if (cmd == "lk_data") {
      DCL_FIELD(session, integer_field(request, "session", cmd));
      DCL_FIELD(sender, string_field(request, "sender", cmd));
      DCL_FIELD(payload, hex_field(request, "hex", cmd));
      DCL_FIELD(kind, kind_field(request, cmd));
      return Report{LkData{session, std::move(sender), std::move(payload), kind}};
    }
    DCL_FIELD(session, integer_field(request, "session", cmd));  // lk_closed
    DCL_FIELD(reason, string_field(request, "reason", cmd));
    DCL_FIELD(detail, string_field(request, "detail", cmd));
    const auto known = livekit::disconnect_reason_from_string(reason);
    return Report{LkClosed{session, known.value_or(livekit::DisconnectReason::connection_lost), std::move(detail)}};
  };
  static constexpr std::string_view reports[] = {"timer",
                                                 "ws_opened",
                                                 "ws_frame",
                                                 "ws_closed",
                                                 "http_response",
                                                 "http_failed",
                                                 "lk_joined",
                                                 "lk_participant_joined",
                                                 "lk_participant_left",
                                                 "lk_data",
                                                 "lk_closed"};
  for (const std::string_view name : reports) {
    if (cmd == name) return parse();
  }
  return std::nullopt;
}

#undef DCL_FIELD

}  // namespace dclcomms::driver
