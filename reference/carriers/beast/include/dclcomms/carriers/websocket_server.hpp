#pragma once
// A Beast websocket + HTTP server carrier: accepts TCP (optionally TLS) connections, upgrades the
// websocket requests its owner accepts, answers plain HTTP GETs through a callback, and moves binary
// frames. It knows nothing of what the frames mean (the ws-room server core does).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/core/result.hpp"
#include "dclcomms/transport/message_server.hpp"

namespace dclcomms::carriers {

using ServerConnectionId = transport::ServerConnectionId;
using HttpResponse = transport::HttpResponse;
using WebSocketServerCallbacks = transport::MessageServerCallbacks;
using transport::ListenError;
using transport::ListenErrorCode;

struct WebSocketServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;           // 0 = pick a free port (see port())
  std::string tls_certificate_pem;  // both set: wss:// and https:// only
  std::string tls_private_key_pem;
  std::vector<std::string> subprotocols = {"rfc5", "rfc4"};  // the first one the client offers is chosen
  std::size_t read_message_bytes_max = 1 << 20;
  std::size_t connections_max = 10'000;
  std::size_t write_backlog_bytes_max = 16 * 1024 * 1024;  // a hard cap: past it the connection is closed
  /// How long a connection's first unwritten frame may wait for more before the socket write: zero
  /// writes after the handlers that are ready now (no added latency; frames coalesce only under
  /// load); a few ms make every write carry several relays at any load, for that much latency.
  core::Duration write_coalesce = core::Duration::zero();
  core::Duration handshake_timeout = std::chrono::seconds(5);
  core::Duration idle_timeout = std::chrono::seconds(90);
};

/// A MessageServer on Beast, listening on a TCP port.
class WebSocketServer : public transport::MessageServer {
 public:
  /// Binds and starts accepting on `runtime`. Errors: bad_address, bind_failed, bad_tls_certificate,
  /// bad_tls_key; the message names the address and the system's reason.
  static core::Result<std::unique_ptr<WebSocketServer>, ListenError> listen(AsioRuntime& runtime, WebSocketServerOptions options,
                                                                            WebSocketServerCallbacks callbacks);
  virtual std::uint16_t port() const = 0;
};

/// What a server written against MessageServer is started with in production: a starter that
/// listens with Beast as `listen` says and stores the bound port in `*port` (the servers'
/// start_on_beast).
transport::MessageServerStarter websocket_server_starter(AsioRuntime& runtime, WebSocketServerOptions listen, std::uint16_t* port);

}  // namespace dclcomms::carriers
