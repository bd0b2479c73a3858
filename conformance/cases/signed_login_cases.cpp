// signed-login cases (spec §5): what the transport under test POSTs is verified as it arrived at the
// world's endpoint (LoginService) — with the auth library and with the reference endpoint's own
// check; success leads into the named ws-room of the same world; denials, malformed answers and a
// silent endpoint end cleanly without a websocket; creating the transport does no I/O.
#include "cases.hpp"

#include <nlohmann/json.hpp>

#include "../src/delivery_checks.hpp"
#include "../src/one_tick_calls.hpp"
#include "../src/room_lifecycle_checks.hpp"
#include "../src/room_world.hpp"
#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/core/ascii.hpp"
#include "dclcomms/sim/weather.hpp"
#include "dclcomms/sim_room/clock_origin.hpp"

namespace dclcomms::conformance {
namespace {

using namespace std::chrono_literals;
using transport::Connected;
using transport::Disconnected;
using transport::ErrorReported;
using transport::MessageReceived;

// The query is there on purpose: the signed path is the pathname only (§5.1).
const std::string login_uri = "signed-login:http://login-server/worlds/conformance/comms?realm=conformance";
const std::string chain_header_prefix = "x-identity-auth-chain-";

// A world with the reference room server, the login endpoint and the transport under test created.
struct LoginWorld {
  RoomWorld world;
  std::optional<std::string> error;

  explicit LoginWorld(CaseContext& context) : world(context, RoomWorld::ServerKind::reference, *sim::weather_profile("lan")) {
    if (auto refused = world.create_tut(login_uri)) error = "the factory refused the valid URI '" + login_uri + "': " + *refused;
  }
  Endpoint& tut() { return world.tut(); }
  /// connect(), then run until the transport under test settles (Connected or Disconnected).
  bool connect_and_settle(core::Duration limit = 10s) {
    world.connect_tut();
    return world.run_until([&] { return tut().connected() || tut().disconnected(); }, limit);
  }
};

transport::HttpResponse json_answer(unsigned status, std::string body) {
  return transport::HttpResponse{status, "application/json", std::move(body), {}};
}

std::string describe_events(const Endpoint& endpoint) {
  std::string out;
  for (const auto& e : endpoint.events) {
    out += (out.empty() ? "" : ", ") + std::string(transport::event_name(e));
    if (const auto* d = std::get_if<Disconnected>(&e)) out += "(\"" + d->reason + "\")";
    if (const auto* r = std::get_if<ErrorReported>(&e))
      out += "(" + std::string(transport::to_string(r->error.code)) + ": \"" + r->error.message + "\")";
  }
  return out.empty() ? "no events" : out;
}

// ---- the request --------------------------------------------------------------------------------

CaseOutcome signed_headers_verify(CaseContext& context) {
  LoginWorld w(context);
  if (w.error) return fail(*w.error);
  w.world.connect_tut();
  const auto& requests = w.world.login().requests();
  if (!w.world.run_until([&] { return !requests.empty(); }, 10s))
    return fail("no HTTP request reached the endpoint within 10 s of connect()");
  const transport::HttpServerRequest& request = requests.front();
  if (request.method != "POST") return fail("the request's method is " + request.method + ", expected POST");
  if (!request.body.empty()) return fail("the request has a body of " + std::to_string(request.body.size()) + " bytes, expected none");

  // The chain: x-identity-auth-chain-0, -1, … with no gap (a server stops at the first gap).
  std::vector<std::string> links;
  while (const std::string* link = request.header(chain_header_prefix + std::to_string(links.size()))) links.push_back(*link);
  std::size_t chain_headers = 0;
  for (const auto& [name, value] : request.headers) chain_headers += name.rfind(chain_header_prefix, 0) == 0 ? 1 : 0;
  if (links.size() < 2)
    return fail("expected x-identity-auth-chain-0 and -1 at least, got " + std::to_string(links.size()) + " consecutive links");
  if (chain_headers != links.size())
    return fail("the x-identity-auth-chain-N headers are not consecutive from 0 (a server ignores links after a gap)");

  const std::string* timestamp = request.header("x-identity-timestamp");
  const std::string world_ms = std::to_string(sim_room::clock_origin_unix_ms);
  if (timestamp == nullptr) return fail("no x-identity-timestamp header");
  if (*timestamp != world_ms) return fail("x-identity-timestamp is '" + *timestamp + "', expected the world's clock in ms: " + world_ms);
  const std::string* metadata = request.header("x-identity-metadata");
  if (metadata == nullptr) return fail("no x-identity-metadata header");
  const auto metadata_json = nlohmann::json::parse(*metadata, nullptr, false);
  if (!metadata_json.is_object()) return fail("x-identity-metadata is not a JSON object: " + *metadata);
  if (metadata_json.value("intent", "") != "dcl:explorer:comms-handshake" || metadata_json.value("signer", "") != "dcl:explorer") {
    return fail("the metadata must say intent dcl:explorer:comms-handshake and signer dcl:explorer (ADR-180), got " + *metadata);
  }

  // The payload, rebuilt from what arrived: lowercase(method:pathname:timestamp:metadata).
  const std::string path = request.target.substr(0, request.target.find('?'));
  const std::string expected = core::to_lower_ascii(request.method + ":" + path + ":" + *timestamp + ":" + *metadata);
  std::string chain_json = "[";
  for (const auto& link : links) chain_json += (chain_json.size() > 1 ? "," : "") + link;
  auto chain = auth::parse_auth_chain(chain_json + "]");
  if (!chain) return fail("the chain headers do not form an AuthChain: " + chain.error().message);
  auto verified = auth::verify_auth_chain(*chain, expected, sim_room::clock_origin_unix_ms);
  if (!verified) return fail("the chain does not verify for '" + expected + "': " + verified.error().message);
  if (verified->owner_address != w.tut().address) {
    return fail("the chain's owner is " + verified->owner_address + ", but the identity is " + w.tut().address);
  }
  // And the reference endpoint (middleware rules: chain, timestamp window, metadata) accepts it.
  const auto verdict = w.world.login().reference_verdict(request);
  if (verdict.status != 200)
    return fail("the reference endpoint refuses the request: HTTP " + std::to_string(verdict.status) + " " + verdict.body);
  return pass(std::to_string(links.size()) + " links; the final one signs '" + expected + "'");
}

CaseOutcome no_request_before_connect(CaseContext& context) {
  LoginWorld w(context);
  if (w.error) return fail(*w.error);
  w.world.run_for(5s);
  if (w.world.tut_http_requests() != 0 || !w.world.login().requests().empty())
    return fail("creating the transport sent an HTTP request before connect()");
  if (w.world.tut_connection_attempts() != 0) return fail("creating the transport opened a websocket before connect()");
  // The same observation must see the request once connect() is called, or it proved nothing.
  w.world.connect_tut();
  if (!w.world.run_until([&] { return !w.world.login().requests().empty(); }, 10s)) {
    return fail("no request reached the endpoint within 10 s of connect() either");
  }
  return pass("nothing on the network for 5 s after creation; the request went out on connect()");
}

// ---- success ------------------------------------------------------------------------------------

CaseOutcome joins_named_room(CaseContext& context) {
  LoginWorld w(context);
  if (w.error) return fail(*w.error);
  w.world.connect_tut();
  Endpoint& peer = w.world.add_peer();
  if (!w.world.run_until([&] { return (w.tut().connected() && peer.connected()) || w.tut().disconnected(); }, 30s)) {
    return fail("no Connected within 30 s of connect(); events: " + describe_events(w.tut()));
  }
  if (!w.tut().connected()) return fail("expected Connected after a 200 naming the world's ws-room; events: " + describe_events(w.tut()));
  if (w.world.tut_connection_attempts() != 1) {
    return fail("expected exactly one websocket (to the named room), got " + std::to_string(w.world.tut_connection_attempts()));
  }
  constexpr int count = 10;
  for (int i = 0; i < count; ++i) {
    codec::Packet p;
    p.mutable_chat()->set_message("through signed-login " + std::to_string(i));
    if (!w.tut().transport->send(codec::encode_packet(p), {})) return fail("send #" + std::to_string(i) + " refused after Connected");
    p.mutable_chat()->set_message("to signed-login " + std::to_string(i));
    if (!peer.transport->send(codec::encode_packet(p), {})) return fail("the reference peer's send was refused");
  }
  w.world.run_until([&] { return w.tut().all<MessageReceived>().size() >= count && peer.all<MessageReceived>().size() >= count; }, 10s);
  const auto at_tut = w.tut().all<MessageReceived>();
  const auto at_peer = peer.all<MessageReceived>();
  if (at_peer.size() != count)
    return fail("the peer in the named room got " + std::to_string(at_peer.size()) + " of " + std::to_string(count) + " packets");
  if (at_tut.size() != count)
    return fail("the transport got " + std::to_string(at_tut.size()) + " of " + std::to_string(count) + " packets from the peer");
  for (int i = 0; i < count; ++i) {
    if (at_tut[i].sender != peer.address) return fail("a packet from the peer was attributed to '" + at_tut[i].sender + "'");
    if (at_peer[i].sender != w.tut().address) return fail("the peer saw a packet from '" + at_peer[i].sender + "'");
    const auto packet = codec::decode_packet(at_tut[i].packet);
    if (!packet || packet->chat().message() != "to signed-login " + std::to_string(i))
      return fail("packet #" + std::to_string(i) + " arrived altered or out of order");
  }
  return pass(std::to_string(count) + " packets each way through the room the endpoint named");
}

// ---- refusals and broken answers -----------------------------------------------------------------

struct Refusal {
  std::string what;
  std::function<void(LoginService&)> arrange;
  std::string server_text;  // the words the transport must pass on (denials)
};

// Runs one refusal in a fresh world; empty when it ended cleanly, else what went wrong.
std::optional<std::string> ends_without_connecting(CaseContext& context, const Refusal& refusal, bool expect_denied) {
  LoginWorld w(context);
  if (w.error) return *w.error;
  refusal.arrange(w.world.login());
  if (!w.connect_and_settle()) return "no Connected or Disconnected within 10 s; events: " + describe_events(w.tut());
  w.world.run_for(5s);  // room for a late (wrong) connection attempt
  const std::string events = describe_events(w.tut());
  if (w.tut().connected()) return "surfaced Connected; events: " + events;
  if (w.world.tut_connection_attempts() != 0) return "opened a websocket anyway";
  if (w.world.login().requests().size() != 1)
    return "sent " + std::to_string(w.world.login().requests().size()) + " HTTP requests, expected one";
  if (!w.tut().disconnected()) return "no Disconnected; events: " + events;
  const auto errors = w.tut().all<ErrorReported>();
  if (errors.empty()) return "no error event saying why; events: " + events;
  if (expect_denied && errors.front().error.code != transport::TransportErrorCode::denied)
    return "the error is not typed 'denied'; events: " + events;
  if (!refusal.server_text.empty() && errors.front().error.message.find(refusal.server_text) == std::string::npos &&
      w.tut().all<Disconnected>().front().reason.find(refusal.server_text) == std::string::npos) {
    return "neither the error nor Disconnected names the server's reason \"" + refusal.server_text + "\"; events: " + events;
  }
  return std::nullopt;
}

CaseOutcome run_refusals(CaseContext& context, const std::vector<Refusal>& refusals, bool expect_denied) {
  for (const auto& refusal : refusals) {
    if (auto problem = ends_without_connecting(context, refusal, expect_denied)) return fail(refusal.what + ": " + *problem);
  }
  std::string names;
  for (const auto& refusal : refusals) names += (names.empty() ? "" : "; ") + refusal.what;
  return pass(std::to_string(refusals.size()) + " answers, each ended with an error and Disconnected, no websocket: " + names);
}

Refusal scripted(std::string what, unsigned status, std::string body, std::string server_text = "") {
  return Refusal{std::move(what),
                 [status, body](LoginService& login) {
                   login.answer_with([status, body](const transport::HttpServerRequest&) { return json_answer(status, body); });
                 },
                 std::move(server_text)};
}

CaseOutcome denial_ends_without_connecting(CaseContext& context) {
  return run_refusals(
      context,
      {
          // The reference endpoint's own refusal: its clock is 2 minutes past the signed timestamp.
          Refusal{"the endpoint finds the signature expired",
                  [](LoginService& login) { login.set_server_clock(sim_room::clock_origin_unix_ms + 120'000); }, "Expired signature"},
          scripted("401 not allowed", 401, R"({"error":"Not allowed","message":"You are not allowed to access this world"})",
                   "You are not allowed to access this world"),
          scripted("403 wrong secret", 403, R"({"error":"Invalid shared secret"})", "Invalid shared secret"),
          scripted("200 with valid=false and a message", 200, R"({"valid":false,"message":"Access denied: the world is private"})",
                   "the world is private"),
          // bevy/godot accept status 200 only, the kernel 2xx: a refusal's body naming an adapter is no invitation.
          scripted("403 whose body also names an adapter", 403,
                   R"({"error":"Banned","fixedAdapter":"ws-room:ws://room-server/rooms/conformance"})", "Banned"),
      },
      true);
}

CaseOutcome malformed_answer_fails_cleanly(CaseContext& context) {
  return run_refusals(context,
                      {
                          scripted("200 with an HTML body", 200, "<html><body>502 Bad Gateway</body></html>"),
                          scripted("200 with a JSON array", 200, "[]"),
                          scripted("200 with an empty object", 200, "{}"),
                          scripted("200 whose fixedAdapter is a number", 200, R"({"fixedAdapter":42})"),
                          scripted("200 naming an unsupported type", 200, R"({"fixedAdapter":"p2p:wss://peer.example.org/rooms/1"})"),
                          scripted("200 naming a malformed connection string", 200, R"({"fixedAdapter":"ws-room:"})"),
                          scripted("200 naming another signed-login (recursion)", 200, R"({"fixedAdapter":")" + login_uri + R"("})"),
                      },
                      false);
}

CaseOutcome silent_endpoint_times_out(CaseContext& context) {
  LoginWorld w(context);
  if (w.error) return fail(*w.error);
  w.world.login().go_silent();
  const auto started = w.world.simulation().now();
  if (!w.connect_and_settle(60s)) return fail("an endpoint that never answers left the transport waiting for 60 s (virtual)");
  const auto waited_ms = core::to_ns(w.world.simulation().now() - started) / 1'000'000;
  if (w.tut().connected()) return fail("surfaced Connected without an answer; events: " + describe_events(w.tut()));
  if (w.world.tut_connection_attempts() != 0) return fail("opened a websocket without an answer");
  if (w.tut().all<ErrorReported>().empty()) return fail("ended without an error event saying why; events: " + describe_events(w.tut()));
  return pass("gave up after " + std::to_string(waited_ms) + " ms of virtual time: " + describe_events(w.tut()));
}

}  // namespace

// ---- lifecycle ----------------------------------------------------------------------------------

CaseOutcome login_then_disconnect_in_one_tick(CaseContext& context) {
  LoginWorld w(context);
  if (w.error) return fail(*w.error);
  const std::vector<TransportCall> calls{TransportCall::connect(), TransportCall::disconnect()};
  const auto result = call_in_one_tick(*w.tut().transport, calls);
  // Long enough for the endpoint's answer to come back: a transport that forgot the disconnect()
  // would now open the room it names.
  w.world.run_for(10s);
  if (w.tut().connected())
    return fail("reported Connected after connect() and disconnect() in one tick; events: " + describe_events(w.tut()));
  if (const auto held = w.world.reference_server()->core().connection_count(); held > 0) {
    return fail("connect() and disconnect() in one tick, yet 10 s later the room server holds " + std::to_string(held) +
                " connection(s) from it");
  }
  if (w.world.tut_connection_attempts() > 1) return fail("opened " + std::to_string(w.world.tut_connection_attempts()) + " websockets");
  if (auto problem = check_ended_once(w.tut().events, "connect() and disconnect() in one tick"))
    return fail(*problem + "; events: " + describe_events(w.tut()));
  return passed_in_one_tick(result, w.world.tut_connection_attempts() == 0 ? "no room opened; one Disconnected"
                                                                           : "the room it opened was closed; one Disconnected");
}

// The application's own disconnect() once in the room the endpoint named: one Disconnected and
// nothing after it, the room server no longer holding the connection, the other member seeing it
// leave, a later send refused or dropped.
CaseOutcome login_disconnect_leaves_room(CaseContext& context) {
  LoginWorld w(context);
  if (w.error) return fail(*w.error);
  w.world.connect_tut();
  Endpoint& peer = w.world.add_peer();
  if (!w.world.run_until([&] { return (w.tut().connected() && peer.connected()) || w.tut().disconnected(); }, 30s) ||
      !w.tut().connected()) {
    return fail("could not join the named room; events: " + describe_events(w.tut()));
  }
  if (auto problem = check_disconnect_leaves_room(context, w.world, peer, "disconnect() in the named room")) {
    return fail(*problem + "; events: " + describe_events(w.tut()));
  }
  return pass();
}

void add_signed_login_cases(std::vector<Case>& cases) {
  const std::string s5 = "comms-transports.md §5";
  const std::string type = "signed-login";
  cases.push_back({"signedlogin.request.signed_headers_verify", Level::must,
                   "The POST carries x-identity-auth-chain-0.., x-identity-timestamp (the world's clock) and x-identity-metadata, and the "
                   "chain verifies to the identity over lowercase(method:path:timestamp:metadata).",
                   s5 + ".1, §5.2, §4.4", type, signed_headers_verify});
  cases.push_back({"signedlogin.request.none_before_connect", Level::must,
                   "Creating the transport sends no request and opens no websocket; connect() does.",
                   "comms-transports.md §5.1, §1.2 (connect() opens the connection)", type, no_request_before_connect});
  cases.push_back({"signedlogin.connect.joins_named_room", Level::must,
                   "A 200 naming a ws-room leads into that room: Connected, then packets flow both ways with a peer there.",
                   s5 + ".3 (clients connect to fixedAdapter)", type, joins_named_room});
  cases.push_back({"signedlogin.denial.no_connection", Level::must,
                   "A refusal (401/403, or a message without an adapter) ends with a 'denied' error naming the server's reason, "
                   "Disconnected, and no websocket.",
                   s5 + ".3 (the kernel shows the message; bevy and godot accept status 200 only)", type, denial_ends_without_connecting});
  cases.push_back({"signedlogin.response.malformed_fails_cleanly", Level::must,
                   "A non-JSON or malformed answer, or one naming an unusable connection string, ends with an error and Disconnected, and "
                   "no websocket.",
                   s5 + ".3", type, malformed_answer_fails_cleanly});
  cases.push_back({"signedlogin.lifecycle.connect_then_disconnect_in_one_tick", Level::must,
                   "connect() and disconnect() in one tick: whatever the login answers, no Connected, no room connection left open, "
                   "exactly one Disconnected (not a kick) and nothing after it.",
                   "comms-transports.md §1.2 (disconnect() closes; DISCONNECTION: our own connection ended), §5.3", type,
                   login_then_disconnect_in_one_tick});
  cases.push_back({"signedlogin.lifecycle.disconnect_leaves_room", Level::must,
                   "disconnect() in the room the endpoint named: exactly one Disconnected (not a kick) and nothing after it, the room "
                   "server no longer holds the connection, the other member sees it leave, a later send is refused or dropped.",
                   "comms-transports.md §1.2 (disconnect() closes; DISCONNECTION: our own connection ended), §5.3, §3.4", type,
                   login_disconnect_leaves_room});
  cases.push_back({"signedlogin.request.timeout", Level::should,
                   "An endpoint that never answers ends the attempt with an error in bounded time.",
                   s5 + ".1 (no normative limit: bevy waits 5 s, the kernel sets none)", type, silent_endpoint_times_out});
}

}  // namespace dclcomms::conformance
