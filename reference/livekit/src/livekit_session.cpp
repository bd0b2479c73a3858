#include "dclcomms/livekit/livekit_session.hpp"

#include "dclcomms/core/assert.hpp"

namespace dclcomms::livekit {

std::string_view to_string(DataKind kind) { return kind == DataKind::lossy ? "lossy" : "reliable"; }

std::string_view to_string(DisconnectReason reason) {
  switch (reason) {
    case DisconnectReason::client_initiated: return "client_initiated";
    case DisconnectReason::duplicate_identity: return "duplicate_identity";
    case DisconnectReason::server_shutdown: return "server_shutdown";
    case DisconnectReason::participant_removed: return "participant_removed";
    case DisconnectReason::join_failure: return "join_failure";
    case DisconnectReason::connection_lost: return "connection_lost";
  }
  DCL_ASSERT(false);
  return {};
}

std::optional<DisconnectReason> disconnect_reason_from_string(std::string_view text) {
  for (const auto reason : {DisconnectReason::client_initiated, DisconnectReason::duplicate_identity, DisconnectReason::server_shutdown,
                            DisconnectReason::participant_removed, DisconnectReason::join_failure, DisconnectReason::connection_lost}) {
    if (to_string(reason) == text) return reason;
  }
  return std::nullopt;
}

}  // namespace dclcomms::livekit
