#pragma once
// SocketAddress: an IP address (as text: SDP, STUN and logs carry it so) and a port. The one address
// type that datagram carriers (UDP sockets, the simulator) and the protocol cores above them share.

#include <compare>
#include <cstdint>
#include <string>

namespace dclcomms::core {

struct SocketAddress {
  std::string ip;  // "127.0.0.1", "::1"
  std::uint16_t port = 0;
  auto operator<=>(const SocketAddress&) const = default;
};

/// "127.0.0.1:7880", "[::1]:7880".
inline std::string to_string(const SocketAddress& address) {
  return address.ip.find(':') == std::string::npos ? address.ip + ":" + std::to_string(address.port)
                                                   : "[" + address.ip + "]:" + std::to_string(address.port);
}

}  // namespace dclcomms::core
