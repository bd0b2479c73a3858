#pragma once
// What a signed-login endpoint answered (spec §5.3): the connection string to use next, or a typed
// denial carrying the server's own words.

#include <cstdint>
#include <optional>
#include <string>

#include "dclcomms/core/result.hpp"
#include "dclcomms/transport/http_client.hpp"

namespace dclcomms::signed_login {

enum class SignedLoginErrorCode : std::uint8_t {
  denied,        // 400/401/403/404 or a 2xx with `message`/`error`: the server said no
  rate_limited,  // 429 (retry_after_s may say when)
  unavailable,   // 503 (e.g. world at capacity) and other 5xx
  redirect,      // 3xx: redirects are refused (a signed request must not be replayed elsewhere)
  bad_response,  // not JSON, no adapter, or an adapter that is not a connection string
  recursion,     // the adapter is itself signed-login: refused, as the kernel does
  transport,     // the request never got an answer (DNS, connect, TLS, timeout)
};
std::string_view to_string(SignedLoginErrorCode code);

struct SignedLoginError {
  SignedLoginErrorCode code;
  std::string message;  // includes the server's text when there is one
  unsigned status = 0;  // HTTP status, 0 when none
  std::optional<std::uint32_t> retry_after_s;
};

/// 200 with `fixedAdapter` (or `adapter`) -> that connection string; anything else -> why not.
core::Result<std::string, SignedLoginError> read_signed_login_response(const transport::HttpResult& response);

}  // namespace dclcomms::signed_login
