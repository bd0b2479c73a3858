#include "dclcomms/livekit/livekit_transport.hpp"

#include "dclcomms/core/assert.hpp"
#include "dclcomms/transport/transport_limits.hpp"

namespace dclcomms::livekit {

static_assert(data_payload_bytes_max == transport::packet_bytes_max);

LivekitTransport::LivekitTransport(LivekitUri uri, LivekitClaims claims, const transport::TransportContext& context,
                                   LivekitTransportOptions options)
    : uri_(std::move(uri)),
      claims_(std::move(claims)),
      options_(std::move(options)),
      events_(*context.runtime, [this](const transport::TransportEvent& event) { emit(event); }) {
  DCL_ASSERT(options_.connector);
}

LivekitTransport::~LivekitTransport() = default;

transport::Status LivekitTransport::connect() {
  if (connect_called_) return core::fail(transport::TransportErrorCode::already_connected, "livekit: connect called twice");
  connect_called_ = true;
  if (options_.unix_seconds_now) {
    // LiveKit checks the window only when joining (spec §6.2); a client that knows the time saves
    // the round trip and says exactly what is wrong.
    const auto in_time = check_livekit_token_time(claims_, options_.unix_seconds_now(), options_.leeway_seconds);
    if (!in_time) {
      finish(
          transport::Disconnected{"access_token " + std::string(to_string(in_time.error().code)) + ": " + in_time.error().message, false});
      return core::Ok{};
    }
  }
  SessionHandler handler;
  handler.on_joined = [this](std::string, std::vector<std::string> participants) {
    joined_ = true;
    events_.post(transport::Connected{std::move(participants)});
  };
  handler.on_participant_joined = [this](std::string identity) { events_.post(transport::PeerJoined{std::move(identity)}); };
  handler.on_participant_left = [this](std::string identity) { events_.post(transport::PeerLeft{std::move(identity)}); };
  handler.on_data = [this](std::string sender, std::vector<std::uint8_t> payload, DataKind) {
    if (sender.empty()) return;  // server-originated data is not a peer's packet
    events_.post(transport::MessageReceived{std::move(sender), std::move(payload)});
  };
  handler.on_closed = [this](DisconnectReason reason, std::string detail) {
    finish(transport::Disconnected{std::string(to_string(reason)) + ": " + detail, reason == DisconnectReason::duplicate_identity});
  };
  session_ = options_.connector(JoinRequest{uri_.endpoint, uri_.access_token}, std::move(handler));
  DCL_ASSERT(session_ != nullptr);
  return core::Ok{};
}

void LivekitTransport::disconnect() {
  if (disconnected_) return;
  if (!session_) return finish(transport::Disconnected{"client disconnected before connect", false});
  session_->leave();  // on_closed(client_initiated) follows
}

transport::Status LivekitTransport::send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) {
  if (!joined_ || disconnected_) {
    return core::fail(transport::TransportErrorCode::not_connected, "livekit: not in a room (connect first)");
  }
  if (packet.size() > data_payload_bytes_max) {
    return core::fail(transport::TransportErrorCode::packet_too_large,
                      "livekit: packet of " + std::to_string(packet.size()) + " bytes is over LiveKit's data limit of " +
                          std::to_string(data_payload_bytes_max) + " bytes; nothing was sent");
  }
  for (const auto& target : options.targets) {
    if (target.empty()) return core::fail(transport::TransportErrorCode::unsupported, "livekit: an empty target identity");
  }
  const auto kind = options.reliability == transport::Reliability::reliable ? DataKind::reliable : DataKind::lossy;
  session_->publish_data(std::vector<std::uint8_t>(packet.begin(), packet.end()), kind, options.targets);
  return core::Ok{};
}

void LivekitTransport::finish(transport::Disconnected event) {
  if (disconnected_) return;
  disconnected_ = true;
  joined_ = false;
  events_.post(std::move(event));
}

void register_livekit(transport::TransportFactory& factory, LivekitTransportOptions options) {
  factory.register_type(
      "livekit",
      [options = std::move(options)](const transport::TransportUri& generic, const transport::TransportContext& context)
          -> core::Result<transport::TransportPtr, transport::UriError> {
        auto uri = parse_livekit_uri(generic);
        if (!uri) return core::Unexpected<transport::UriError>{uri.error()};
        auto claims = decode_livekit_token(uri->access_token);
        core::Result<core::Ok, TokenError> usable = core::Ok{};
        if (claims) usable = check_livekit_claims(*claims, TokenRequirements{});
        const auto* error = !claims ? &claims.error() : !usable ? &usable.error() : nullptr;
        if (error) {
          return core::fail(transport::UriErrorCode::bad_token,
                            "access_token " + std::string(to_string(error->code)) + ": " + error->message);
        }
        if (!options.connector) {
          return core::fail(transport::UriErrorCode::unsupported_type,
                            "livekit: the URI and token are valid, but this build has no LiveKit engine to join with "
                            "(no WebRTC stack; see docs/livekit.md)");
        }
        return transport::TransportPtr(
            std::make_unique<LivekitTransport>(std::move(uri).value(), std::move(claims).value(), context, options));
      },
      validate_livekit_uri);
}

}  // namespace dclcomms::livekit
