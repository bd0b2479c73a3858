#pragma once
// The conformance driver protocol (docs/driver-protocol.md, docs/driver-protocol.schema.json) as
// typed messages, used by both sides: the harness (driver_transport.hpp: requests out, actions in)
// and our own driver (virtual_time_driver.hpp and `dclcomms driver --real-time`: requests in,
// actions out). Every message key is spelled here and nowhere else; the JSON mapping of each
// message is one pair of functions, so the two sides cannot drift apart.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "dclcomms/conformance/case.hpp"
#include "dclcomms/core/result.hpp"
#include "dclcomms/livekit/livekit_session.hpp"
#include "dclcomms/transport/http_client.hpp"
#include "dclcomms/transport/transport.hpp"
#include "dclcomms/transport/transport_factory.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::driver {

using Json = nlohmann::json;

/// What is wrong with a message (the message says which field and how).
enum class DriverErrorCode : std::uint8_t {
  protocol_violation,  // not what docs/driver-protocol.schema.json allows
  bad_identity,        // a create's identity that cannot sign (its chain or key does not parse)
};
std::string_view to_string(DriverErrorCode code);
using DriverError = core::Error<DriverErrorCode>;

/// Protocol versions: 1.0, and 1.1 (adds `calls`, several transport calls in one request).
inline constexpr char protocol_1_0[] = "1.0";
inline constexpr char protocol_1_1[] = "1.1";

// ---------------------------------------------------------------------------------------------
// Answers: {"ok": true, ...} or {"ok": false, "error": {"code", "message"}}, plus "id" and "actions".

Json ok();
Json refused(std::string_view code, std::string_view message);
Json status_to_json(const transport::Status& status);
/// The outcome of one call as the driver gave it; `fallback_message` when a refusal names none.
transport::Status status_from_json(const Json& outcome, std::string_view fallback_message);
/// A driver's error code as our enum (protocol_error for a code we do not know).
transport::TransportErrorCode transport_error_code_from(std::string_view code);
transport::UriErrorCode uri_error_code_from(std::string_view code);

// ---------------------------------------------------------------------------------------------
// Transport events: {"event":"connected","peers"}, {"event":"message","from","packet_hex"},
// {"event":"peer_joined"|"peer_left","address"}, {"event":"disconnected","reason","kicked"},
// {"event":"error","code","message"}.

Json event_to_json(const transport::TransportEvent& event);
/// Nothing for an object that is not one of the six events (or a message whose hex is not hex).
std::optional<transport::TransportEvent> event_from_json(const Json& event);

// ---------------------------------------------------------------------------------------------
// hello

struct Hello {
  std::string protocol{protocol_1_1};  // the highest version the harness speaks
};
struct HelloAnswer {
  std::string name;
  conformance::Capabilities capabilities;
  std::string protocol{protocol_1_0};  // what the driver speaks with this harness
};
Json to_json(const Hello& hello);
Json to_json(const HelloAnswer& answer);  // an ok() answer
/// A driver's hello answer, or what is wrong with it. Capability fields added after 1.0 default to
/// what every driver was held to before them.
core::Result<HelloAnswer, DriverError> hello_answer_from_json(const Json& answer);

// ---------------------------------------------------------------------------------------------
// create, and the transport calls (connect, send, disconnect, and 1.1's calls)

struct Create {
  std::string uri;
  std::optional<transport::SigningIdentity> identity;
  std::int64_t unix_ms = 0;  // the harness's wall clock at now_ms = 0
};
Json to_json(const Create& create);
/// The create request's identity (none when absent or null), or why it is unusable.
core::Result<std::optional<transport::SigningIdentity>, DriverError> identity_from_json(const Json& create_request);

struct Connect {};
struct Disconnect {};
struct Send {
  transport::PacketBytes packet;
  transport::SendOptions options;
};
using TransportCallRequest = std::variant<Connect, Send, Disconnect>;
Json to_json(const TransportCallRequest& call);
/// `{"cmd":"calls","calls":[...]}`.
Json calls_to_json(const std::vector<TransportCallRequest>& calls);

/// Serving side: the answer to connect, send, disconnect or calls on `transport`; nothing for any
/// other command.
std::optional<Json> serve_transport_call(transport::Transport& transport, const Json& request);

// ---------------------------------------------------------------------------------------------
// Actions: what a virtual-time driver asks the harness to do ({"do": ...} in an answer's actions).

struct WsOpen {
  std::int64_t stream = 0;
  std::string url;
  std::vector<std::string> subprotocols;
};
struct WsSend {
  std::int64_t stream = 0;
  std::vector<std::uint8_t> frame;
};
struct WsClose {
  std::int64_t stream = 0;
  std::string reason;
};
struct SetTimer {
  std::optional<std::int64_t> at_ms;  // none: no timer
};
struct HttpRequestAction {
  std::int64_t request = 0;
  transport::HttpRequest http;
};
struct LkJoin {
  std::int64_t session = 0;
  std::string url;
  std::string token;
};
struct LkPublish {
  std::int64_t session = 0;
  std::vector<std::uint8_t> payload;
  livekit::DataKind kind = livekit::DataKind::reliable;
  std::vector<std::string> destinations;
};
struct LkLeave {
  std::int64_t session = 0;
};
struct EmitEvent {
  transport::TransportEvent event;
};
using Action = std::variant<WsOpen, WsSend, WsClose, SetTimer, HttpRequestAction, LkJoin, LkPublish, LkLeave, EmitEvent>;

Json to_json(const Action& action);
/// An action from a driver's answer, or what is wrong with it (unknown "do", a field of the wrong
/// type, hex that is not hex).
core::Result<Action, DriverError> action_from_json(const Json& action);
/// Whether the action is I/O (a socket, an HTTP request, a LiveKit session): none may come before
/// connect() (docs/driver-protocol.md, create).
bool is_io(const Action& action);
std::string_view action_name(const Action& action);

// ---------------------------------------------------------------------------------------------
// Reports: what the harness tells a virtual-time driver about the actions it performed.

struct TimerFired {};
struct WsOpened {
  std::int64_t stream = 0;
  std::string subprotocol;
};
struct WsFrame {
  std::int64_t stream = 0;
  std::vector<std::uint8_t> frame;
};
struct WsClosed {
  std::int64_t stream = 0;
  std::string detail;
};
struct HttpResponse {
  std::int64_t request = 0;
  transport::HttpResult result;
};
struct HttpFailed {
  std::int64_t request = 0;
  std::string detail;
};
struct LkJoined {
  std::int64_t session = 0;
  std::string identity;
  std::vector<std::string> participants;
};
struct LkParticipantJoined {
  std::int64_t session = 0;
  std::string identity;
};
struct LkParticipantLeft {
  std::int64_t session = 0;
  std::string identity;
};
struct LkData {
  std::int64_t session = 0;
  std::string sender;
  std::vector<std::uint8_t> payload;
  livekit::DataKind kind = livekit::DataKind::reliable;
};
struct LkClosed {
  std::int64_t session = 0;
  livekit::DisconnectReason reason = livekit::DisconnectReason::connection_lost;
  std::string detail;
};
using Report = std::variant<TimerFired, WsOpened, WsFrame, WsClosed, HttpResponse, HttpFailed, LkJoined, LkParticipantJoined,
                            LkParticipantLeft, LkData, LkClosed>;

Json to_json(const Report& report);
/// Nothing when the request is not a report (hello, create, a transport call); otherwise the typed
/// report or what is wrong with it.
std::optional<core::Result<Report, DriverError>> report_from_json(const Json& request);

/// A request that is not a JSON object: the answer the protocol prescribes.
Json not_an_object_answer();

}  // namespace dclcomms::driver
