#pragma once
// The `ws-room` transport: WsRoomClientCore carried by a MessageStream (Beast in production, the
// simulator in tests), timers from the context's Runtime. It maps the core's events onto transport
// events: Welcomed -> Connected{peers}, PeerJoined/PeerLeft, MessageReceived (sender = the alias's
// address), Closed -> Disconnected{reason, kicked}.

#include <memory>
#include <optional>

#include "dclcomms/transport/event_poster.hpp"
#include "dclcomms/transport/transport_factory.hpp"
#include "dclcomms/ws_room/client_core.hpp"

namespace dclcomms::ws_room {

class WsRoomTransport final : public transport::Transport {
 public:
  WsRoomTransport(const transport::TransportUri& uri, const transport::TransportContext& context);
  ~WsRoomTransport() override;
  WsRoomTransport(const WsRoomTransport&) = delete;
  WsRoomTransport& operator=(const WsRoomTransport&) = delete;

  std::string_view type() const override { return "ws-room"; }
  transport::Status connect() override;
  void disconnect() override;
  transport::Status send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) override;

  const WsRoomClientCore& core() const { return core_; }

 private:
  void pump();
  void arm_timer();
  void on_core_event(ClientEvent event);

  std::string endpoint_;
  transport::TransportContext context_;
  WsRoomClientCore core_;
  std::unique_ptr<transport::MessageStream> stream_;
  bool stream_close_requested_ = false;
  std::optional<core::TimerId> timer_;
  std::optional<core::TimePoint> timer_deadline_;
  bool connect_called_ = false;
  bool disconnected_ = false;
  transport::EventPoster events_;
};

/// Registers `ws-room` on `factory`. Transports it makes need a websocket connector and an
/// identity in the factory's context; without a connector creation fails with unsupported_type.
void register_ws_room(transport::TransportFactory& factory);

}  // namespace dclcomms::ws_room
