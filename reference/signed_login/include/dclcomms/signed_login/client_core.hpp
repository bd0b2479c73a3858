#pragma once
// SignedLoginClientCore: the client side of signed-login (ADR-180, spec §5) as a pure state machine.
// start() builds the one signed POST; the carrier sends it and hands back what came of it; the core
// reads the answer and says which connection string to use next, or why there is none. It never
// touches the network or a clock: the signed fetch's timestamp (wall-clock Unix ms, which the server
// checks against its own clock) is start()'s input. It has no timer either: the HTTP client's
// timeout bounds the wait, and a timed-out request comes back through handle_response().
//
// Drain order after start() or handle_response(): poll_transmit(), then poll_event().
//
//   idle --start--> request_ready --poll_transmit--> awaiting_response --handle_response--> resolved
//     \                 \ (no identity, signer failure) ----------------------------------> failed
//      \------------------\------------------ cancel() ------------------------------------> cancelled
//
// One request, one outcome: at most one request is handed out and at most one event comes out;
// a second start(), a response without a request, or a second response are bugs (DCL_ASSERT).
// What to do with the connection string (make the transport it names, connect it) is the carrier's
// business: that is composition, not protocol.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "dclcomms/core/result.hpp"
#include "dclcomms/transport/http_client.hpp"
#include "dclcomms/transport/transport.hpp"
#include "dclcomms/transport/transport_factory.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::signed_login {

struct ClientCoreConfig {
  std::string endpoint;                                // the URL to POST to, as the URI's validator normalised it (TransportUri::endpoint)
  transport::UrlParts url;                             // its parts: the path is what gets signed, scheme/host/port the metadata's origin
  std::optional<transport::SigningIdentity> identity;  // none: start() fails (denied), nothing is sent
};

/// The config for a validated `signed-login:` URI (signed_login_uri.hpp) and the context's identity.
ClientCoreConfig client_core_config(const transport::TransportUri& uri, std::optional<transport::SigningIdentity> identity);

enum class LoginState : std::uint8_t {
  idle,               // start() not called yet
  request_ready,      // the signed POST is built; poll_transmit() hands it out
  awaiting_response,  // the carrier has the request; handle_response() comes next
  resolved,           // terminal: the server named a connection string (event Resolved)
  failed,             // terminal: there is none (event Failed)
  cancelled,          // terminal: cancel() came first; no event, a late response is ignored
};

/// The server named the connection string to use next (not itself a signed-login one).
struct Resolved {
  std::string connection_string;
};
/// No connection string: the transport reports `code` and `message` and ends. The message is what
/// users and transcripts see ("signed-login denied: HTTP 403: …").
struct Failed {
  transport::TransportErrorCode code;
  std::string message;
};
using LoginEvent = std::variant<Resolved, Failed>;

class SignedLoginClientCore {
 public:
  explicit SignedLoginClientCore(ClientCoreConfig config);

  /// Signs the POST with `unix_ms_now` as its x-identity-timestamp. Once per core.
  void start(std::int64_t unix_ms_now);
  /// The outcome of the request poll_transmit() handed out: any HTTP response (its status decides)
  /// or the HTTP client's error. Ignored after cancel().
  void handle_response(core::Result<transport::HttpResult, transport::HttpError> response);
  /// The application no longer wants an outcome: no event follows. A no-op once there is one.
  void cancel();

  /// The signed POST, exactly once, after start().
  std::optional<transport::HttpRequest> poll_transmit();
  /// The outcome, exactly once.
  std::optional<LoginEvent> poll_event();

  LoginState state() const { return state_; }

 private:
  void fail(transport::TransportErrorCode code, std::string message);

  ClientCoreConfig config_;
  LoginState state_ = LoginState::idle;
  std::optional<transport::HttpRequest> request_;
  std::optional<LoginEvent> event_;
};

}  // namespace dclcomms::signed_login
