#pragma once
// What the application's own disconnect() after joining a ws-room must leave behind, seen from
// everywhere: checked the same way whether the room was reached directly (ws-room) or through a
// signed login (signed-login delegates to ws-room).

#include <optional>
#include <string>

#include "dclcomms/conformance/case_context.hpp"
#include "room_world.hpp"

namespace dclcomms::conformance {

/// Calls disconnect() on the joined transport under test of `world` (reference server, `peer`
/// joined too) and checks: exactly one Disconnected (not a kick) and nothing after it, the server
/// holding only the peer's connection, the peer seeing the transport leave, and a later send refused
/// or dropped, never delivered. Returns the problem, if any; `where` names the situation.
std::optional<std::string> check_disconnect_leaves_room(CaseContext& context, RoomWorld& world, Endpoint& peer, const std::string& where);

}  // namespace dclcomms::conformance
