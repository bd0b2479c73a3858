#include "driver_protocol.hpp"

#include "dclcomms/core/hex.hpp"
#include "dclcomms/identity/signing_identity.hpp"

namespace dclcomms::cli::driver {

using nlohmann::json;

json event_json(const transport::TransportEvent& event) {
  struct Printer {
    json operator()(const transport::Connected& e) const { return {{"event", "connected"}, {"peers", e.peers}}; }
    json operator()(const transport::MessageReceived& e) const {
      return {{"event", "message"}, {"from", e.sender}, {"packet_hex", core::to_hex(e.packet)}};
    }
    json operator()(const transport::PeerJoined& e) const { return {{"event", "peer_joined"}, {"address", e.address}}; }
    json operator()(const transport::PeerLeft& e) const { return {{"event", "peer_left"}, {"address", e.address}}; }
    json operator()(const transport::Disconnected& e) const {
      return {{"event", "disconnected"}, {"reason", e.reason}, {"kicked", e.kicked}};
    }
    json operator()(const transport::ErrorReported& e) const {
      return {{"event", "error"}, {"code", std::string(transport::to_string(e.error.code))}, {"message", e.error.message}};
    }
  };
  return std::visit(Printer{}, event);
}

core::Result<std::optional<transport::SigningIdentity>, std::string> identity_of(const json& create_request) {
  const auto& identity = create_request.value("identity", json());
  if (!identity.is_object()) return std::optional<transport::SigningIdentity>{};
  auto parts = identity::signing_identity_from_parts(identity.value("base_chain", json::array()).dump(), identity.value("ephemeral_key", ""));
  if (!parts) return core::Unexpected<std::string>{"bad identity: " + parts.error().message};
  return std::optional<transport::SigningIdentity>{std::move(parts).value()};
}

std::optional<json> transport_request(transport::Transport& transport, const json& request) {
  const std::string cmd = request.value("cmd", "");
  if (cmd == "calls") {
    // Protocol 1.1: back to back, nothing run in between; the caller settles once, after them all.
    const auto& calls = request.value("calls", json());
    if (!calls.is_array() || calls.empty()) return refused("protocol_error", "calls must be a non-empty array");
    json results = json::array();
    for (const auto& call : calls) {
      const std::string inner = call.is_object() ? call.value("cmd", "") : "";
      if (inner != "connect" && inner != "send" && inner != "disconnect") {
        results.push_back(refused("protocol_error", "a call is connect, send or disconnect, not '" + inner + "'"));
        continue;
      }
      results.push_back(*transport_request(transport, call));
    }
    json answer = ok();
    answer["results"] = std::move(results);
    return answer;
  }
  if (cmd == "connect") return status_json(transport.connect());
  if (cmd == "disconnect") {
    transport.disconnect();
    return ok();
  }
  if (cmd != "send") return std::nullopt;
  const auto bytes = core::from_hex(request.value("packet_hex", ""));
  if (!bytes) return refused("protocol_error", "packet_hex is not hex");
  transport::SendOptions options;
  options.reliability = request.value("reliable", true) ? transport::Reliability::reliable : transport::Reliability::unreliable;
  for (const auto& t : request.value("targets", json::array())) options.targets.push_back(t.get<std::string>());
  return status_json(transport.send(*bytes, options));
}

}  // namespace dclcomms::cli::driver
