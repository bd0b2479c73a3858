#pragma once
// A livekit::LivekitConnector over LiveKit's real protocol: RtcClientCore carried by a signal
// websocket (any transport::MessageStreamConnector) and two UDP sockets (any
// transport::DatagramSocketOpener) on a core::Runtime. It names no Beast or Asio: production passes
// the Beast connector, carriers::udp_socket_opener and the AsioRuntime.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "dclcomms/core/runtime.hpp"
#include "dclcomms/livekit/livekit_session.hpp"
#include "dclcomms/transport/datagram_socket.hpp"
#include "dclcomms/transport/message_stream.hpp"
#include "dclcomms/webrtc/dtls_endpoint.hpp"
#include "dclcomms/webrtc/peer_connection.hpp"

namespace dclcomms::livekit_rtc {

struct RtcConnectorOptions {
  core::Runtime* runtime = nullptr;
  transport::MessageStreamConnector signal;
  transport::MessageStreamOptions signal_options;  // no subprotocol (LiveKit's signal socket has none)
  transport::DatagramSocketOpener udp;
  std::string udp_bind_ip = "0.0.0.0";
  /// Our DTLS certificate; none: one is generated for the connector.
  std::shared_ptr<const webrtc::DtlsIdentity> identity;
  /// ICE credentials and transaction ids of each session; none: from OpenSSL's random generator.
  std::function<std::uint64_t()> seed;
  /// plain: the simulator's seam below data channels (no certificate is made).
  webrtc::LowerLayer lower = webrtc::LowerLayer::webrtc;
};

/// Fails only when no DTLS certificate can be made (the message says why).
core::Result<livekit::LivekitConnector, webrtc::DtlsError> make_rtc_connector(RtcConnectorOptions options);

}  // namespace dclcomms::livekit_rtc
