#pragma once
// LivekitServer: SignalServerCore (signal_server_core.hpp) on any MessageServer — the Beast
// websocket server in `dclcomms livekit serve`, the simulator's in tests. It carries bytes, reads
// the clocks the core may not, and answers LiveKit's HTTP endpoints: a refused upgrade with 401 and
// the reason, and GET /rtc/validate (what SDKs ask after a refused upgrade, to show the reason).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/carriers/udp_socket.hpp"
#include "dclcomms/carriers/websocket_server.hpp"
#include "dclcomms/livekit_server/signal_server_core.hpp"
#include "dclcomms/transport/datagram_socket.hpp"
#include "dclcomms/transport/message_server.hpp"

namespace dclcomms::livekit_server {

struct LivekitServerOptions {
  SignalServerConfig signal;
  /// Unix time in ms, for tokens and timestamps (default: the system clock).
  std::function<std::int64_t()> unix_ms_now;
  /// One JSON line per participant event (joined, left, negotiation, data relayed or refused, peer
  /// connection up or down); empty: silent.
  std::function<void(const std::string& json_line)> log;
  /// The WebRTC side: a UDP socket opener and where to bind it (its address is the host candidate
  /// announced, so not a wildcard). No opener: signal only.
  transport::DatagramSocketOpener udp_opener;
  core::SocketAddress udp_bind;
  /// ICE credentials derive from it; none: from OpenSSL's random generator (production: credentials
  /// must not be guessable). Tests set it.
  std::optional<std::uint64_t> relay_seed;
  /// plain: the simulator's seam below data channels (no certificate is made).
  webrtc::LowerLayer lower = webrtc::LowerLayer::webrtc;
};

class LivekitServer {
 public:
  /// Fails only when the carrier does not start: the starter's error, unchanged.
  static core::Result<std::unique_ptr<LivekitServer>, transport::ListenError> start(core::Runtime& runtime, LivekitServerOptions options,
                                                                                    const transport::MessageServerStarter& starter);
  /// Beast, listening as `listen` says (no subprotocol: LiveKit's signal socket has none), and UDP
  /// on the same host: on `udp_port`, or when none the websocket's port number if free, else any.
  static core::Result<std::unique_ptr<LivekitServer>, transport::ListenError> start_on_beast(carriers::AsioRuntime& runtime,
                                                                                             LivekitServerOptions options,
                                                                                             carriers::WebSocketServerOptions listen,
                                                                                             std::optional<std::uint16_t> udp_port = {});
  ~LivekitServer();
  std::uint16_t port() const { return port_; }
  /// The UDP address peer connections use (none: signal only).
  std::optional<core::SocketAddress> udp_address() const;
  std::size_t participant_count() const { return core_->participant_count(); }
  const SignalServerCore& core() const { return *core_; }
  void stop();

 private:
  LivekitServer(core::Runtime& runtime, LivekitServerOptions options);
  transport::HttpResponse validate(const transport::HttpServerRequest& request) const;
  void pump();

  core::Runtime& runtime_;
  LivekitServerOptions options_;
  std::unique_ptr<SignalServerCore> core_;  // made once the UDP address is known
  std::unique_ptr<transport::MessageServer> carrier_;
  std::unique_ptr<transport::DatagramSocket> udp_;
  std::uint16_t port_ = 0;
  std::optional<core::TimerId> timer_;
};

}  // namespace dclcomms::livekit_server
