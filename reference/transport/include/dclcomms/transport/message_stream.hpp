#pragma once
// MessageStream: a reliable, ordered, message-framed connection (a websocket, or a simulated stream).
// This is the network interface that transports are written against and that the simulator
// replaces: the ws-room transport never knows whether Beast or the simulator carries its frames.
//
// All callbacks run on the owning runtime's thread, never from inside a method call.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dclcomms/core/time.hpp"

namespace dclcomms::transport {

struct MessageStreamHandler {
  std::function<void(std::string subprotocol)> on_open;           // connected (and upgraded), ready to send
  std::function<void(std::vector<std::uint8_t> frame)> on_frame;  // one whole binary message
  std::function<void(std::string detail)> on_closed;              // closed by either side or failed to open; last call
};

class MessageStream {
 public:
  virtual ~MessageStream() = default;
  /// Queues one binary message. Ignored after close.
  virtual void send(std::vector<std::uint8_t> frame) = 0;
  /// Starts a graceful close; on_closed follows (it is not called if the stream is destroyed first).
  virtual void close(std::string reason) = 0;
  /// Bytes queued and not yet written to the network.
  virtual std::size_t backlog_bytes() const = 0;
};

struct MessageStreamOptions {
  std::vector<std::string> subprotocols;  // offered in order, e.g. {"rfc5", "rfc4"}
  bool verify_certificates = true;        // wss: off only for local testing (documented opt-out)
  std::string ca_file;                    // extra trust anchor (PEM), e.g. a test server's certificate
  core::Duration handshake_timeout = std::chrono::seconds(5);
  core::Duration idle_timeout = std::chrono::seconds(90);  // pings keep a quiet connection alive
  std::size_t read_message_bytes_max = 1 << 20;
};

/// Opens a stream to `url` (an absolute ws:// or wss:// URL that parse_transport_uri accepted).
/// Returns at once; the outcome arrives through `handler`.
using MessageStreamConnector = std::function<std::unique_ptr<MessageStream>(const std::string& url, const MessageStreamOptions& options,
                                                                            MessageStreamHandler handler)>;

}  // namespace dclcomms::transport
