#include "dclcomms/offline/offline_transport.hpp"

#include <string>

#include "dclcomms/transport/transport_limits.hpp"

namespace dclcomms::offline {

using namespace transport;  // the interface this file implements

OfflineTransport::OfflineTransport(core::Runtime& runtime) : events_(runtime, [this](const TransportEvent& event) { emit(event); }) {}

Status OfflineTransport::connect() {
  if (state_ != State::idle) {
    return core::fail(TransportErrorCode::already_connected, "offline transport: connect called twice");
  }
  state_ = State::connected;
  events_.post(Connected{});
  return core::Ok{};
}

void OfflineTransport::disconnect() {
  if (state_ == State::closed) return;
  const bool was_connected = state_ == State::connected;
  state_ = State::closed;
  events_.post(Disconnected{was_connected ? "client disconnected" : "client disconnected before connect", false});
}

Status OfflineTransport::send(std::span<const std::uint8_t> packet, const SendOptions&) {
  if (state_ != State::connected) {
    return core::fail(TransportErrorCode::not_connected, "offline transport: send while not connected");
  }
  if (packet.size() > packet_bytes_max) {
    return core::fail(TransportErrorCode::packet_too_large,
                      "packet of " + std::to_string(packet.size()) + " bytes exceeds the limit of " + std::to_string(packet_bytes_max));
  }
  ++discarded_count_;
  return core::Ok{};
}

void register_offline(TransportFactory& factory) {
  factory.register_type(
      "offline",
      [](const TransportUri&, const TransportContext& context) -> core::Result<TransportPtr, UriError> {
        return TransportPtr(std::make_unique<OfflineTransport>(*context.runtime));
      },
      [](TransportUri uri) -> core::Result<TransportUri, UriError> { return uri; });  // anything goes (spec §7.1)
}

}  // namespace dclcomms::offline
