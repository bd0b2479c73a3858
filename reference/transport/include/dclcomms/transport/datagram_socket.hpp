#pragma once
// DatagramSocket: the carrier of a UDP endpoint (WebRTC's ICE/DTLS/SCTP run over it). Production
// opens one on Asio (carriers::open_udp_socket); protocol cores never see it: their owner moves
// datagrams between the two. Callbacks run on the runtime's thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/socket_address.hpp"
#include "dclcomms/transport/message_server.hpp"

namespace dclcomms::transport {

using DatagramHandler = std::function<void(const core::SocketAddress& from, std::span<const std::uint8_t> datagram)>;

class DatagramSocket {
 public:
  virtual ~DatagramSocket() = default;
  /// Sends one datagram; a failure (no route, buffer full) loses it, as UDP may.
  virtual void send_to(const core::SocketAddress& to, std::span<const std::uint8_t> datagram) = 0;
  /// The bound address (the port chosen when 0 was asked for).
  virtual core::SocketAddress local_address() const = 0;
};

/// Opens a socket bound to `bind` (port 0: any free port). Errors: bad_address, bind_failed.
using DatagramSocketOpener =
    std::function<core::Result<std::unique_ptr<DatagramSocket>, ListenError>(const core::SocketAddress& bind, DatagramHandler handler)>;

}  // namespace dclcomms::transport
