#include "dclcomms/signed_login/client_core.hpp"

#include "dclcomms/core/assert.hpp"
#include "dclcomms/signed_login/signed_fetch.hpp"
#include "dclcomms/signed_login/signed_login_response.hpp"

namespace dclcomms::signed_login {
namespace {

// The metadata's origin: scheme://host[:port], IPv6 hosts in brackets, the port only when written.
std::string origin_of(const transport::UrlParts& url) {
  std::string origin = url.scheme + "://" + (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host);
  if (url.port != 0) origin += ":" + std::to_string(url.port);
  return origin;
}

}  // namespace

ClientCoreConfig client_core_config(const transport::TransportUri& uri, std::optional<transport::SigningIdentity> identity) {
  return ClientCoreConfig{.endpoint = uri.endpoint, .url = uri.url, .identity = std::move(identity)};
}

SignedLoginClientCore::SignedLoginClientCore(ClientCoreConfig config) : config_(std::move(config)) {}

void SignedLoginClientCore::start(std::int64_t unix_ms_now) {
  DCL_ASSERT(state_ == LoginState::idle);  // one request per core: a second login is a new core
  if (!config_.identity) {
    return fail(transport::TransportErrorCode::denied, "signed-login needs an identity to sign the request (use --key)");
  }
  const std::string metadata = comms_handshake_metadata(origin_of(config_.url));
  auto headers = signed_fetch_headers(*config_.identity, "POST", config_.url.path, unix_ms_now, metadata);
  if (!headers) return fail(transport::TransportErrorCode::denied, "signed-login: " + headers.error().message);
  // The body is empty: everything the server checks is in the signed headers (ADR-44).
  request_ = transport::HttpRequest{.method = "POST", .url = config_.endpoint, .headers = std::move(headers).value(), .body = ""};
  state_ = LoginState::request_ready;
}

std::optional<transport::HttpRequest> SignedLoginClientCore::poll_transmit() {
  if (state_ != LoginState::request_ready) return std::nullopt;
  // The state moves before the request leaves: a carrier that answers inside its send call finds
  // the core already waiting.
  state_ = LoginState::awaiting_response;
  auto request = std::move(request_);
  request_.reset();
  return request;
}

void SignedLoginClientCore::handle_response(core::Result<transport::HttpResult, transport::HttpError> response) {
  if (state_ == LoginState::cancelled) return;          // the carrier may not be able to call the request back
  DCL_ASSERT(state_ == LoginState::awaiting_response);  // one response, to the request handed out
  if (!response) {
    return fail(transport::TransportErrorCode::io_error,
                "signed-login request to " + config_.endpoint + " failed: " + response.error().message);
  }
  auto resolved = read_signed_login_response(*response);
  if (!resolved) {
    // The server's answer makes no sense (or points back here): a protocol error. Otherwise it
    // said no, in any of its ways (status, denial text, rate limit, redirect): denied.
    const auto code = resolved.error().code == SignedLoginErrorCode::bad_response ||
                              resolved.error().code == SignedLoginErrorCode::recursion
                          ? transport::TransportErrorCode::protocol_error
                          : transport::TransportErrorCode::denied;
    return fail(code, "signed-login " + std::string(to_string(resolved.error().code)) + ": " + resolved.error().message);
  }
  state_ = LoginState::resolved;
  event_ = Resolved{std::move(resolved).value()};
}

void SignedLoginClientCore::cancel() {
  if (state_ == LoginState::resolved || state_ == LoginState::failed) return;  // the outcome stands
  state_ = LoginState::cancelled;
  request_.reset();
}

std::optional<LoginEvent> SignedLoginClientCore::poll_event() {
  auto event = std::move(event_);
  event_.reset();
  return event;
}

void SignedLoginClientCore::fail(transport::TransportErrorCode code, std::string message) {
  state_ = LoginState::failed;
  event_ = Failed{code, std::move(message)};
}

}  // namespace dclcomms::signed_login
