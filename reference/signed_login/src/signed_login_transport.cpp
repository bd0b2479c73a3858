#include "dclcomms/signed_login/signed_login_transport.hpp"
#include "dclcomms/signed_login/signed_login_uri.hpp"

#include <chrono>

#include "dclcomms/signed_login/signed_fetch.hpp"

namespace dclcomms::signed_login {
namespace {

std::int64_t system_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string origin_of(const transport::UrlParts& url) {
  std::string origin = url.scheme + "://" + (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host);
  if (url.port != 0) origin += ":" + std::to_string(url.port);
  return origin;
}

}  // namespace

SignedLoginTransport::SignedLoginTransport(const transport::TransportUri& uri, const transport::TransportContext& context,
                                           const transport::TransportFactory& factory)
    : uri_(uri), context_(context), factory_(factory),
      events_(*context.runtime, [this](const transport::TransportEvent& event) { emit(event); }) {}

SignedLoginTransport::~SignedLoginTransport() = default;

transport::Status SignedLoginTransport::connect() {
  if (connect_called_) return core::fail(transport::TransportErrorCode::already_connected, "signed-login: connect called twice");
  connect_called_ = true;
  if (!context_.identity) {
    end(transport::TransportErrorCode::denied, "signed-login needs an identity to sign the request (use --key)");
    return core::Ok{};
  }
  const std::int64_t now_ms = context_.unix_ms_now ? context_.unix_ms_now() : system_unix_ms();
  const std::string metadata = comms_handshake_metadata(origin_of(uri_.url));
  auto headers = signed_fetch_headers(*context_.identity, "POST", uri_.url.path, now_ms, metadata);
  if (!headers) {
    end(transport::TransportErrorCode::denied, "signed-login: " + headers.error().message);
    return core::Ok{};
  }
  transport::HttpRequest request{.method = "POST", .url = uri_.endpoint, .headers = std::move(headers).value(), .body = ""};
  context_.http(std::move(request), context_.http_options,
                [this, alive = std::weak_ptr<int>(alive_)](core::Result<transport::HttpResult, transport::HttpError> response) {
                  if (alive.expired()) return;  // the transport is gone
                  on_response(std::move(response));
                });
  return core::Ok{};
}

void SignedLoginTransport::on_response(core::Result<transport::HttpResult, transport::HttpError> response) {
  if (ended_) return;  // disconnected while waiting
  if (!response) return end(transport::TransportErrorCode::io_error, "signed-login request to " + uri_.endpoint + " failed: " + response.error().message);
  auto resolved = read_signed_login_response(*response);
  if (!resolved) {
    const auto code = resolved.error().code == SignedLoginErrorCode::bad_response ||
                              resolved.error().code == SignedLoginErrorCode::recursion
                          ? transport::TransportErrorCode::protocol_error
                          : transport::TransportErrorCode::denied;
    return end(code, "signed-login " + std::string(to_string(resolved.error().code)) + ": " + resolved.error().message);
  }
  auto created = factory_.create(*resolved);
  if (!created) {
    return end(transport::TransportErrorCode::protocol_error,
               "signed-login answered '" + *resolved + "', which cannot be used: " + created.error().message);
  }
  delegate_ = std::move(created).value();
  // From here on this transport is its delegate: events pass through unchanged (they are already
  // delivered from the runtime's loop, never re-entrantly).
  delegate_->set_event_handler([this](const transport::TransportEvent& event) {
    if (std::holds_alternative<transport::Disconnected>(event)) ended_ = true;
    emit(event);
  });
  if (auto status = delegate_->connect(); !status) end(status.error().code, status.error().message);
}

void SignedLoginTransport::end(transport::TransportErrorCode code, const std::string& message) {
  if (ended_) return;
  ended_ = true;
  events_.post(transport::ErrorReported{transport::TransportError{code, message}});
  events_.post(transport::Disconnected{message, false});
}

void SignedLoginTransport::disconnect() {
  if (delegate_) return delegate_->disconnect();
  if (ended_) return;
  ended_ = true;
  events_.post(transport::Disconnected{"client disconnected", false});
}

transport::Status SignedLoginTransport::send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) {
  if (!delegate_) return core::fail(transport::TransportErrorCode::not_connected, "signed-login: not resolved yet");
  return delegate_->send(packet, options);
}

void register_signed_login(transport::TransportFactory& factory) {
  factory.register_type("signed-login", [&factory](const transport::TransportUri& uri, const transport::TransportContext& context)
                                            -> core::Result<transport::TransportPtr, transport::UriError> {
    if (!context.http) {
      return core::fail(transport::UriErrorCode::unsupported_type, "signed-login needs an HTTP client, and this factory has none");
    }
    return transport::TransportPtr(std::make_unique<SignedLoginTransport>(uri, context, factory));
  }, validate_signed_login_uri);
}

}  // namespace dclcomms::signed_login
