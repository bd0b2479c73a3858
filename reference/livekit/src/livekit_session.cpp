#include "dclcomms/livekit/livekit_session.hpp"

#include "dclcomms/core/assert.hpp"

namespace dclcomms::livekit {

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

}  // namespace dclcomms::livekit
