#pragma once
// A reference ws-room client: our WsRoomTransport made through a factory that knows only ws-room,
// on whatever carries its frames (the simulator's streams, or real sockets in wire mode). Used for
// the members of a room that are not the transport under test.

#include <string>

#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::sim_room {

/// Creates the ws-room transport for `uri` on `context`, with `on_event` as its event handler; not
/// yet connected (callers decide what a refused connect() means). `uri` must be a valid ws-room URI.
transport::TransportPtr make_room_client(transport::TransportContext context, const std::string& uri, transport::EventHandler on_event);

}  // namespace dclcomms::sim_room
