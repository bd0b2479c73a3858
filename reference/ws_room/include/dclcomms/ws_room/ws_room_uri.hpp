#pragma once
// ws-room connection strings (spec §2): `ws-room:wss://host/rooms/room-1`, or without a scheme
// (`ws-room:host/rooms/room-1`: wss:// is prepended, as every explorer does).

#include "dclcomms/core/result.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::ws_room {

/// The type's UriValidator: fills `endpoint` (the URL to open, normalised) and `url`.
core::Result<transport::TransportUri, transport::UriError> validate_ws_room_uri(transport::TransportUri uri);

}  // namespace dclcomms::ws_room
