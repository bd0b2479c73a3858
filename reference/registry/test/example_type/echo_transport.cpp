#include "echo_transport.hpp"

#include "dclcomms/transport/transport_limits.hpp"
#include "dclcomms/transport/uri_text.hpp"
#include "dclcomms/transport/url_check.hpp"

namespace dclcomms::example {

using namespace transport;  // the interface this file implements

core::Result<TransportUri, UriError> validate_echo_uri(TransportUri uri) {
  if (uri.params.empty()) return empty_params_error(uri.type, "a room name, e.g. echo:lobby");
  if (uri.params.size() > echo_room_bytes_max) {
    return core::fail(UriErrorCode::bad_parameter, "echo room name is " + std::to_string(uri.params.size()) + " bytes, over the limit of " +
                                                       std::to_string(echo_room_bytes_max));
  }
  for (std::size_t i = 0; i < uri.params.size(); ++i) {
    const char c = uri.params[i];
    if ((c >= 'a' && c <= 'z') || uri_text::is_digit(c) || c == '-') continue;
    const auto offset = static_cast<std::ptrdiff_t>(uri.type.size() + 1 + i);  // in the whole string
    return core::fail(UriErrorCode::bad_parameter, "echo room name has " + uri_text::describe_char_at(uri.params, i) + " at " +
                                                       uri_text::offset_text(offset) + " (rooms are [a-z0-9-])");
  }
  return uri;
}

EchoTransport::EchoTransport(std::string room, core::Runtime& runtime)
    : room_(std::move(room)), events_(runtime, [this](const TransportEvent& event) { emit(event); }) {}

Status EchoTransport::connect() {
  if (state_ != State::idle) return core::fail(TransportErrorCode::already_connected, "echo: connect called twice");
  state_ = State::connected;
  events_.post(Connected{{"echo"}});
  return core::Ok{};
}

void EchoTransport::disconnect() {
  if (state_ == State::closed) return;
  state_ = State::closed;
  events_.post(Disconnected{"client disconnected", false});
}

Status EchoTransport::send(std::span<const std::uint8_t> packet, const SendOptions&) {
  if (state_ != State::connected) return core::fail(TransportErrorCode::not_connected, "echo: send while not connected");
  if (packet.size() > packet_bytes_max) {
    return core::fail(TransportErrorCode::packet_too_large, "echo: packet of " + std::to_string(packet.size()) + " bytes");
  }
  events_.post(MessageReceived{"echo", PacketBytes(packet.begin(), packet.end())});
  return core::Ok{};
}

void register_echo(TransportFactory& factory) {
  factory.register_type(
      "echo",
      [](const TransportUri& uri, const TransportContext& context) -> core::Result<TransportPtr, UriError> {
        return TransportPtr(std::make_unique<EchoTransport>(uri.params, *context.runtime));
      },
      validate_echo_uri);
}

}  // namespace dclcomms::example
