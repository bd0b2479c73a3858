#pragma once
// The `livekit` transport (spec §6): `livekit:<ws[s]-url>?access_token=<JWT>`.
//
// create() (through the factory) checks the URI and the token's structure and grants (identity,
// roomJoin, room, canPublishData, canSubscribe: a comms client must send and receive), so a broken
// connection string fails at once with bad_token naming the problem. connect() checks the token's
// nbf/exp against the injected wall clock, then joins through the options' LivekitConnector (the
// network interface: the simulated SFU today, a WebRTC/signalling engine later).
//
// Events: Connected{participants present}, PeerJoined/PeerLeft{identity},
// MessageReceived{sender identity, bare Packet bytes} (data from the server itself, with no
// participant, is ignored as the reference clients do), Disconnected{reason, kicked = true on
// DUPLICATE_IDENTITY}. send(): reliable -> reliable data, unreliable -> lossy data, targets ->
// destination identities; payloads above 64 KiB - 1 fail with packet_too_large and nothing is sent.

#include <cstdint>
#include <functional>
#include <memory>

#include "dclcomms/livekit/livekit_session.hpp"
#include "dclcomms/livekit/livekit_token.hpp"
#include "dclcomms/livekit/livekit_uri.hpp"
#include "dclcomms/transport/event_poster.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::livekit {

struct LivekitTransportOptions {
  /// Joins rooms. Empty: the factory still validates livekit URIs and tokens, then refuses to
  /// create the transport with unsupported_type (no engine to connect with).
  LivekitConnector connector;
  /// Wall clock in Unix seconds for the nbf/exp check at connect; empty: no check (the server
  /// checks anyway). Never read inside the library.
  std::function<std::int64_t()> unix_seconds_now;
  std::int64_t leeway_seconds = 10;
};

class LivekitTransport final : public transport::Transport {
 public:
  LivekitTransport(LivekitUri uri, LivekitClaims claims, const transport::TransportContext& context, LivekitTransportOptions options);
  ~LivekitTransport() override;
  LivekitTransport(const LivekitTransport&) = delete;
  LivekitTransport& operator=(const LivekitTransport&) = delete;

  std::string_view type() const override { return "livekit"; }
  transport::Status connect() override;
  void disconnect() override;
  transport::Status send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) override;

  /// The token's claims (identity, room, grants), as decoded at creation.
  const LivekitClaims& claims() const { return claims_; }

 private:
  void finish(transport::Disconnected event);

  LivekitUri uri_;
  LivekitClaims claims_;
  LivekitTransportOptions options_;
  std::unique_ptr<LivekitSession> session_;
  bool connect_called_ = false;
  bool joined_ = false;
  bool disconnected_ = false;
  transport::EventPoster events_;
};

/// Registers `livekit` on `factory` with these options.
void register_livekit(transport::TransportFactory& factory, LivekitTransportOptions options);

}  // namespace dclcomms::livekit
