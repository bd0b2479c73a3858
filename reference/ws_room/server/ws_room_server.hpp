#pragma once
// WsRoomServer: the reference ws-room server — WsRoomServerCore on any MessageServer (the Beast
// websocket server in production, the simulator's in tests), AuthChains verified with
// reference/auth. Rooms at /rooms/<id>; GET /status (and /rooms/status) answers
// {"rooms", "users", "connections", "details":[{"roomName","count"}]}.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/carriers/websocket_server.hpp"
#include "dclcomms/transport/message_server.hpp"
#include "dclcomms/ws_room/server_core.hpp"

namespace dclcomms::ws_room {

struct WsRoomServerOptions {
  bool challenge_required = true;
  std::size_t room_capacity = 150;
  std::size_t connections_max = 10'000;
  std::uint64_t challenge_seed = 0;  // 0: seeded from the system random generator
  /// How long a connection may take for each step of the handshake (upgrade -> identification,
  /// challenge -> signed challenge) before it is closed. 1 s as upstream's servers; the suite's
  /// wire mode raises it so that a transport that is slow only because the machine is loaded is
  /// not dropped by the harness's own server (wire cases test faults, not this timer).
  core::Duration handshake_step_timeout = std::chrono::seconds(1);
  /// Unix time in ms for AuthChain expiry checks (default: the system clock).
  std::function<std::int64_t()> unix_ms_now;
  /// One line per connection event (joins, leaves, rejections) as JSON; empty: silent.
  std::function<void(const std::string& json_line)> log;
};

using transport::MessageServerStarter;

class WsRoomServer {
 public:
  /// Fails only when the carrier does not start: the starter's error, unchanged.
  static core::Result<std::unique_ptr<WsRoomServer>, transport::ListenError> start(core::Runtime& runtime, WsRoomServerOptions options,
                                                                                   const MessageServerStarter& starter);
  /// The production server: Beast, listening as `listen` says. port() tells the bound port.
  static core::Result<std::unique_ptr<WsRoomServer>, transport::ListenError> start_on_beast(carriers::AsioRuntime& runtime,
                                                                                            WsRoomServerOptions options,
                                                                                            carriers::WebSocketServerOptions listen);
  ~WsRoomServer();
  std::uint16_t port() const { return port_; }
  const WsRoomServerCore& core() const { return core_; }
  std::string status_json() const;
  void stop();

 private:
  WsRoomServer(core::Runtime& runtime, WsRoomServerOptions options);
  void pump();
  void arm_timer();

  core::Runtime& runtime_;
  WsRoomServerOptions options_;
  WsRoomServerCore core_;
  std::unique_ptr<transport::MessageServer> carrier_;
  std::uint16_t port_ = 0;
  std::optional<core::TimerId> timer_;
  std::optional<core::TimePoint> timer_deadline_;
};

/// "/rooms/<id>" (query ignored) -> "<id>"; anything else -> empty.
std::string room_of_target(const std::string& target);

}  // namespace dclcomms::ws_room
