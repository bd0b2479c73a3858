#pragma once
// MessageServer: the server side of MessageStream — accepts message-framed connections on request
// targets (websocket upgrades on a path, or their simulated equivalent) and answers plain HTTP GETs.
// Servers such as the ws-room server are written against it, so that Beast carries them in
// production and the simulator carries them in tests.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dclcomms/core/result.hpp"

namespace dclcomms::transport {

using ServerConnectionId = std::uint64_t;
/// One immutable frame that several connections share (a relay to every member of a room).
using SharedFrameBytes = std::shared_ptr<const std::vector<std::uint8_t>>;

struct HttpResponse {
  unsigned status = 404;
  std::string content_type = "application/json";
  std::string body = R"({"error":"not found"})";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. Retry-After
};

/// A plain (non-upgrade) HTTP request as a server sees it.
struct HttpServerRequest {
  std::string method;                                        // as sent, e.g. "POST"
  std::string target;                                        // path and query
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased, in arrival order
  std::string body;
  /// The value of header `name` (lowercase), or nothing.
  const std::string* header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return &value;
    }
    return nullptr;
  }
};

/// Called on the runtime's thread. on_closed is the last call for a connection id.
struct MessageServerCallbacks {
  std::function<bool(const std::string& target)> accept_upgrade;  // path and query of the request
  /// For servers that read more of the upgrade request than its target (LiveKit's clients send
  /// their token as "Authorization: Bearer …"). When set, screen_upgrade decides instead of
  /// accept_upgrade — nothing: accepted; a response: refused with it (e.g. 401 and the reason) —
  /// and on_open_request is called instead of on_open. Simulated upgrades carry no headers.
  std::function<std::optional<HttpResponse>(const HttpServerRequest& upgrade)> screen_upgrade;
  std::function<void(ServerConnectionId, const std::string& target)> on_open;
  std::function<void(ServerConnectionId, const HttpServerRequest& upgrade)> on_open_request;
  std::function<void(ServerConnectionId, std::vector<std::uint8_t> frame)> on_frame;
  std::function<void(ServerConnectionId, std::size_t backlog_bytes)> on_backlog;
  std::function<void(ServerConnectionId, const std::string& detail)> on_closed;
  std::function<HttpResponse(const std::string& target)> on_http_get;
  /// Every non-upgrade request, any method; when set, on_http_get is not used.
  std::function<HttpResponse(const HttpServerRequest& request)> on_http_request;
};

/// Why a MessageServer could not start (the message names the address and the system's reason).
enum class ListenErrorCode : std::uint8_t {
  bad_address,          // the host to listen on is not an IP address
  bind_failed,          // the socket could not be opened, bound or put to listen (port in use, no permission)
  bad_tls_certificate,  // the PEM certificate chain does not load
  bad_tls_key,          // the PEM private key does not load (or does not match the certificate)
};
std::string_view to_string(ListenErrorCode code);
using ListenError = core::Error<ListenErrorCode>;

class MessageServer;
/// Starts a carrier with the callbacks a server needs (WebSocketServer::listen, the simulator's
/// listen): what servers written against MessageServer are given.
using MessageServerStarter = std::function<core::Result<std::unique_ptr<MessageServer>, ListenError>(MessageServerCallbacks callbacks)>;

class MessageServer {
 public:
  virtual ~MessageServer() = default;
  virtual void send(ServerConnectionId connection, std::vector<std::uint8_t> frame) = 0;
  /// The same frame for many connections without a copy per connection in between; a carrier that
  /// cannot use the shared buffer copies it (the default).
  virtual void send_shared(ServerConnectionId connection, const SharedFrameBytes& frame) { send(connection, *frame); }
  virtual void close(ServerConnectionId connection, const std::string& reason) = 0;
  /// Stops accepting and closes every connection.
  virtual void stop() = 0;
  virtual std::size_t connection_count() const = 0;
};

}  // namespace dclcomms::transport
