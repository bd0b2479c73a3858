#pragma once
// SignedLoginEndpoint: the server side of signed-login, sans I/O (spec §5.2, §5.3). It verifies a
// signed fetch the way @dcl/platform-crypto-middleware does — chain headers in order, a numeric
// millisecond timestamp within the window, metadata JSON, the final link signing
// lowercase(method:path:timestamp:metadata) — checks the comms-handshake intent and signer
// (ADR-180), and answers {"fixedAdapter": …} from a template.
//
// Routes: POST /get-comms-adapter/<room> and POST /worlds/<world>/comms. The template's {room}
// (and {world}, the same value) is replaced by the route's name; {address} by the signer.

#include <cstdint>
#include <string>

#include "dclcomms/transport/message_server.hpp"

namespace dclcomms::signed_login {

struct SignedLoginEndpointConfig {
  std::string adapter_template;               // e.g. "ws-room:ws://127.0.0.1:5555/rooms/{room}"
  std::int64_t signature_window_ms = 60'000;  // timestamp + window must not be in the past
};

class SignedLoginEndpoint {
 public:
  explicit SignedLoginEndpoint(SignedLoginEndpointConfig config) : config_(std::move(config)) {}

  /// Answers one HTTP request; `now_unix_ms` is the server's clock.
  transport::HttpResponse handle(const transport::HttpServerRequest& request, std::int64_t now_unix_ms) const;

 private:
  SignedLoginEndpointConfig config_;
};

}  // namespace dclcomms::signed_login
