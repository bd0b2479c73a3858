#pragma once
// The addresses the sans-I/O WebRTC cores exchange with whoever carries their datagrams (a UDP
// socket, or the simulator).

#include <cstdint>
#include <vector>

#include "dclcomms/core/socket_address.hpp"

namespace dclcomms::webrtc {

using core::SocketAddress;

/// One datagram to send.
struct DatagramTransmit {
  SocketAddress to;
  std::vector<std::uint8_t> bytes;
};

}  // namespace dclcomms::webrtc
