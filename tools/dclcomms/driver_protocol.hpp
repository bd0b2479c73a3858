#pragma once
// Pieces both `dclcomms driver` modes share (docs/driver-protocol.md): transport events as the
// protocol's event objects, the identity a `create` carries, and the answers' shape.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "dclcomms/core/result.hpp"
#include "dclcomms/transport/transport.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::cli::driver {

/// {"event":"connected","peers"}, {"event":"message","from","packet_hex"}, {"event":"peer_joined",
/// "address"}, {"event":"peer_left","address"}, {"event":"disconnected","reason","kicked"},
/// {"event":"error","code","message"}.
nlohmann::json event_json(const transport::TransportEvent& event);

/// The signing identity of a create request's "identity" (none when absent), or why it is unusable.
core::Result<std::optional<transport::SigningIdentity>, std::string> identity_of(const nlohmann::json& create_request);

/// The answer to `connect`, `disconnect`, `send` or `calls` (protocol 1.1: several of those, made
/// back to back; its answer's `results` holds each one's outcome) on `transport`; nothing for any
/// other command.
std::optional<nlohmann::json> transport_request(transport::Transport& transport, const nlohmann::json& request);

inline nlohmann::json ok() { return {{"ok", true}}; }
inline nlohmann::json refused(const std::string& code, const std::string& message) {
  return {{"ok", false}, {"error", {{"code", code}, {"message", message}}}};
}
inline nlohmann::json status_json(const transport::Status& s) {
  return s ? ok() : refused(std::string(transport::to_string(s.error().code)), s.error().message);
}

}  // namespace dclcomms::cli::driver
