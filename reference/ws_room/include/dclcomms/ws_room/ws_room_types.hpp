#pragma once
// Vocabulary shared by the ws-room client and server cores and their carriers.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "dclcomms/codec/codec.hpp"
#include "dclcomms/core/ascii.hpp"

namespace dclcomms::ws_room {

/// A server-assigned member id. 0 never names a member ("unknown" in from_alias).
using Alias = std::uint32_t;

/// Why a connection ended, as a class (the detail string says the rest).
enum class CloseReason : std::uint8_t {
  client_request,     // our side closed it
  kicked,             // WsKicked: duplicate login or a full room; do not reconnect
  peer_closed,        // the other side or the network closed it
  protocol_error,     // undecodable or out-of-order frame, bad challenge
  handshake_timeout,  // a handshake step took too long
  auth_failed,        // (server) the signed challenge did not verify
  room_full,          // (server) capacity reached
  slow_receiver,      // (server) reliable backlog over its limit
  frame_too_large,
};
std::string_view to_string(CloseReason reason);

/// What a core asks its carrier to do: write one binary frame, or close the connection.
struct Frame {
  codec::Bytes bytes;
};
struct CloseRequest {
  CloseReason reason;
  std::string detail;
};
using Transmit = std::variant<Frame, CloseRequest>;

/// The challenge prefix clients insist on before they sign anything (bevy/godot anti signing-oracle).
inline constexpr std::string_view challenge_prefix = "dcl-";

/// True for "0x" followed by 40 hex digits, in any case.
bool is_eth_address(std::string_view text);
/// The oneof member a WsPacket carries ("peer_update_message", …), or "an empty/unknown packet".
std::string packet_kind(const codec::WsPacket& packet);

/// Addresses are compared lowercase everywhere.
using core::to_lower_ascii;

}  // namespace dclcomms::ws_room
