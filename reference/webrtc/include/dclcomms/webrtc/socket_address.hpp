#pragma once
// SocketAddress: an IP address (text, as SDP and STUN carry it) and a UDP port. What the sans-I/O
// WebRTC cores exchange with whoever carries their datagrams (a UDP socket, or the simulator).

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace dclcomms::webrtc {

struct SocketAddress {
  std::string ip;  // "127.0.0.1", "::1"
  std::uint16_t port = 0;
  auto operator<=>(const SocketAddress&) const = default;
};

inline std::string to_string(const SocketAddress& address) {
  return address.ip.find(':') == std::string::npos ? address.ip + ":" + std::to_string(address.port)
                                                   : "[" + address.ip + "]:" + std::to_string(address.port);
}

/// One datagram to send.
struct DatagramTransmit {
  SocketAddress to;
  std::vector<std::uint8_t> bytes;
};

}  // namespace dclcomms::webrtc
