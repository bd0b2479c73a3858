#include "dclcomms/signed_login/signed_login_transport.hpp"
#include "dclcomms/signed_login/signed_login_uri.hpp"

#include <chrono>

namespace dclcomms::signed_login {
namespace {

std::int64_t system_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

SignedLoginTransport::SignedLoginTransport(const transport::TransportUri& uri, const transport::TransportContext& context,
                                           const transport::TransportFactory& factory)
    : context_(context),
      factory_(factory),
      core_(client_core_config(uri, context.identity)),
      events_(*context.runtime, [this](const transport::TransportEvent& event) { emit(event); }) {}

SignedLoginTransport::~SignedLoginTransport() = default;

transport::Status SignedLoginTransport::connect() {
  if (connect_called_) return core::fail(transport::TransportErrorCode::already_connected, "signed-login: connect called twice");
  connect_called_ = true;
  // The signed fetch's timestamp is wall-clock time (the server compares it with its own clock):
  // the caller's clock when it gives one, so simulations sign with theirs.
  core_.start(context_.unix_ms_now ? context_.unix_ms_now() : system_unix_ms());
  pump();
  return core::Ok{};
}

// Carries what the core asks for: the one request out through the HTTP client, the outcome back
// in; then acts on the core's event.
void SignedLoginTransport::pump() {
  if (auto request = core_.poll_transmit()) {
    context_.http(std::move(*request), context_.http_options,
                  [this, alive = std::weak_ptr<int>(alive_)](core::Result<transport::HttpResult, transport::HttpError> response) {
                    if (alive.expired()) return;  // the transport is gone
                    core_.handle_response(std::move(response));
                    pump();
                  });
  }
  while (auto event = core_.poll_event()) {
    if (auto* failed = std::get_if<Failed>(&*event)) {
      end(failed->code, failed->message);
    } else {
      resolve(std::get<Resolved>(*event).connection_string);
    }
  }
}

// The server named the next connection string: it goes through the same factory, and from then on
// this transport is the transport it made.
void SignedLoginTransport::resolve(const std::string& connection_string) {
  if (ended_) return;  // disconnected while waiting
  auto created = factory_.create(connection_string);
  if (!created) {
    return end(transport::TransportErrorCode::protocol_error,
               "signed-login answered '" + connection_string + "', which cannot be used: " + created.error().message);
  }
  delegate_ = std::move(created).value();
  // Events pass through unchanged (they are already delivered from the runtime's loop, never
  // re-entrantly).
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
  // A request in flight has no outcome any more. Before connect() there is nothing to cancel: a
  // connect() after this disconnect() still signs and sends, and its answer is dropped (above).
  if (core_.state() == LoginState::awaiting_response) core_.cancel();
  events_.post(transport::Disconnected{"client disconnected", false});
}

transport::Status SignedLoginTransport::send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) {
  if (!delegate_) return core::fail(transport::TransportErrorCode::not_connected, "signed-login: not resolved yet");
  return delegate_->send(packet, options);
}

void register_signed_login(transport::TransportFactory& factory) {
  factory.register_type(
      "signed-login",
      [&factory](const transport::TransportUri& uri,
                 const transport::TransportContext& context) -> core::Result<transport::TransportPtr, transport::UriError> {
        if (!context.http) {
          return core::fail(transport::UriErrorCode::unsupported_type, "signed-login needs an HTTP client, and this factory has none");
        }
        return transport::TransportPtr(std::make_unique<SignedLoginTransport>(uri, context, factory));
      },
      validate_signed_login_uri);
}

}  // namespace dclcomms::signed_login
