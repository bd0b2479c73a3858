#pragma once
// WsRoomServer: the reference ws-room server — WsRoomServerCore carried by the Beast websocket
// server, AuthChains verified with reference/auth. Rooms at /rooms/<id>; GET /status (and
// /rooms/status) answers {"rooms", "users", "details":[{"roomName","count"}]}.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/carriers/websocket_server.hpp"
#include "dclcomms/ws_room/server_core.hpp"

namespace dclcomms::ws_room {

struct WsRoomServerOptions {
  carriers::WebSocketServerOptions listen;
  bool challenge_required = true;
  std::size_t room_capacity = 150;
  std::uint64_t challenge_seed = 0;  // 0: seeded from the system random generator
  /// Unix time in ms for AuthChain expiry checks (default: the system clock).
  std::function<std::int64_t()> unix_ms_now;
  /// One line per connection event (joins, leaves, rejections) as JSON; empty: silent.
  std::function<void(const std::string& json_line)> log;
};

class WsRoomServer {
 public:
  static core::Result<std::unique_ptr<WsRoomServer>, std::string> start(carriers::AsioRuntime& runtime,
                                                                        WsRoomServerOptions options);
  ~WsRoomServer();
  std::uint16_t port() const { return carrier_->port(); }
  const WsRoomServerCore& core() const { return core_; }
  std::string status_json() const;
  void stop();

 private:
  WsRoomServer(carriers::AsioRuntime& runtime, WsRoomServerOptions options);
  void pump();
  void arm_timer();

  carriers::AsioRuntime& runtime_;
  WsRoomServerOptions options_;
  WsRoomServerCore core_;
  std::unique_ptr<carriers::WebSocketServer> carrier_;
  std::optional<core::TimerId> timer_;
  std::optional<core::TimePoint> timer_deadline_;
};

/// "/rooms/<id>" (query ignored) -> "<id>"; anything else -> empty.
std::string room_of_target(const std::string& target);

}  // namespace dclcomms::ws_room
