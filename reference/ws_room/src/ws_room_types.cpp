#include "dclcomms/ws_room/ws_room_types.hpp"

namespace dclcomms::ws_room {

std::string_view to_string(CloseReason reason) {
  switch (reason) {
    case CloseReason::client_request: return "client_request";
    case CloseReason::kicked: return "kicked";
    case CloseReason::peer_closed: return "peer_closed";
    case CloseReason::protocol_error: return "protocol_error";
    case CloseReason::handshake_timeout: return "handshake_timeout";
    case CloseReason::auth_failed: return "auth_failed";
    case CloseReason::room_full: return "room_full";
    case CloseReason::slow_receiver: return "slow_receiver";
    case CloseReason::frame_too_large: return "frame_too_large";
  }
  return "unknown";
}

bool is_eth_address(std::string_view text) {
  if (text.size() != 42 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return false;
  for (const char c : text.substr(2)) {
    if (core::hex_digit_value(c) < 0) return false;
  }
  return true;
}

std::string packet_kind(const codec::WsPacket& packet) {
  const auto* field = packet.GetDescriptor()->FindFieldByNumber(static_cast<int>(packet.message_case()));
  return field ? field->name() : "an empty/unknown packet";
}

}  // namespace dclcomms::ws_room
