#pragma once
// A UDP socket on the Asio runtime: transport::DatagramSocket for production (WebRTC's datagrams).

#include <memory>

#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/transport/datagram_socket.hpp"

namespace dclcomms::carriers {

core::Result<std::unique_ptr<transport::DatagramSocket>, transport::ListenError> open_udp_socket(AsioRuntime& runtime,
                                                                                                 const core::SocketAddress& bind,
                                                                                                 transport::DatagramHandler handler);

/// open_udp_socket on `runtime`, as a transport::DatagramSocketOpener.
transport::DatagramSocketOpener udp_socket_opener(AsioRuntime& runtime);

}  // namespace dclcomms::carriers
