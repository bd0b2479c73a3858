#include "dclcomms/transport/transport.hpp"

namespace dclcomms::transport {

std::string_view to_string(TransportErrorCode code) {
  switch (code) {
    case TransportErrorCode::not_connected: return "not_connected";
    case TransportErrorCode::already_connected: return "already_connected";
    case TransportErrorCode::packet_too_large: return "packet_too_large";
    case TransportErrorCode::unsupported: return "unsupported";
    case TransportErrorCode::protocol_error: return "protocol_error";
    case TransportErrorCode::io_error: return "io_error";
    case TransportErrorCode::timeout: return "timeout";
    case TransportErrorCode::denied: return "denied";
  }
  return "unknown";
}

std::string_view event_name(const TransportEvent& event) {
  struct Namer {
    std::string_view operator()(const Connected&) const { return "connected"; }
    std::string_view operator()(const MessageReceived&) const { return "message"; }
    std::string_view operator()(const PeerJoined&) const { return "peer_joined"; }
    std::string_view operator()(const PeerLeft&) const { return "peer_left"; }
    std::string_view operator()(const Disconnected&) const { return "disconnected"; }
    std::string_view operator()(const ErrorReported&) const { return "error"; }
  };
  return std::visit(Namer{}, event);
}

}  // namespace dclcomms::transport
