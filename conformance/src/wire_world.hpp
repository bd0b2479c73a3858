#pragma once
// WireWorld: the world of a wire-mode case (docs/wire-mode.md). Unlike RoomWorld it is real: our
// reference ws-room server (Beast) listens on an ephemeral loopback port, a FaultProxy listens on
// another and forwards to it, and the transport under test — created through its own factory
// registration, like in every case — connects through the proxy over real TCP. Reference peers
// connect to the server directly, so the faults sit on the transport under test's link only.
// Everything runs on one AsioRuntime on the case's thread; every wait has a real-time deadline.
//
// Frames and events of the transport under test go to the case's transcript with their real time
// since the world started (ns), and so do the faults the case applies (from and to "proxy").

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/carriers/websocket_server.hpp"
#include "dclcomms/conformance/case_context.hpp"
#include "fault_proxy.hpp"
#include "room_world.hpp"

namespace dclcomms::conformance {

/// The harness's own servers on loopback (127.0.0.1, any port) wait 30 s for a websocket upgrade or
/// an HTTP request: long enough that a transport slowed down by a loaded machine is never cut off by
/// the harness (the transport's own timers are its business and stay as they are).
carriers::WebSocketServerOptions harness_server_options();
/// Runs `runtime` until `done` or until `limit` of real time has passed. Returns `done()`.
bool run_real_time_until(carriers::AsioRuntime& runtime, const std::function<bool()>& done, core::Duration limit);
/// Runs `runtime` for `duration` of real time.
void run_real_time_for(carriers::AsioRuntime& runtime, core::Duration duration);

class WireWorld {
 public:
  /// Starts the server and the proxy with `faults`; on failure error() says why.
  WireWorld(CaseContext& context, const wire::FaultSettings& faults);
  ~WireWorld();
  WireWorld(const WireWorld&) = delete;
  WireWorld& operator=(const WireWorld&) = delete;

  /// Why the world could not start (a port could not be bound), or nothing.
  const std::optional<std::string>& error() const { return error_; }

  /// Creates the transport under test for `uri` (default: the room behind the proxy); on refusal,
  /// the factory's message.
  std::optional<std::string> create_tut(std::optional<std::string> uri = std::nullopt);
  /// Serves our reference signed-login endpoint (Beast HTTP) behind a second FaultProxy with
  /// `faults`; the adapter it names is the room behind the first proxy. Nothing, or why not.
  std::optional<std::string> serve_login(const wire::FaultSettings& faults);
  /// `signed-login:http://127.0.0.1:<login proxy>/worlds/<room>/comms` (after serve_login).
  std::string login_uri() const;
  wire::FaultProxy& login_proxy() { return *login_proxy_; }
  Endpoint& tut() { return tut_; }
  void connect_tut();
  /// A reference ws-room peer joining the same room, straight to the server (no faults).
  Endpoint& add_peer();

  wire::FaultProxy& proxy() { return *proxy_; }
  /// Records a fault the case applies, e.g. "stall 2000 ms", in the transcript.
  void note(const std::string& what);

  /// Runs the runtime until `done` or until `limit` of real time has passed. Returns `done()`.
  bool run_until(const std::function<bool()>& done, core::Duration limit);
  /// Runs the runtime for `duration` of real time.
  void run_for(core::Duration duration);
  /// Real time since the world started.
  core::Duration elapsed() const { return runtime_.now() - origin_; }

 private:
  transport::TransportContext context_for(transport::SigningIdentity identity);
  std::string room_uri(std::uint16_t port) const;
  std::string room_name() const;
  void record_event(const std::string& who, const transport::TransportEvent& event);
  std::int64_t elapsed_ns() const { return core::to_ns(elapsed()); }

  CaseContext& context_;
  carriers::AsioRuntime runtime_;  // first: everything below runs on it and goes before it
  core::TimePoint origin_;
  std::optional<std::string> error_;
  std::unique_ptr<ws_room::WsRoomServer> server_;
  std::unique_ptr<wire::FaultProxy> proxy_;
  std::unique_ptr<carriers::WebSocketServer> login_server_;
  std::unique_ptr<wire::FaultProxy> login_proxy_;
  std::vector<std::unique_ptr<transport::TransportFactory>> factories_;
  Endpoint tut_;
  std::vector<std::unique_ptr<Endpoint>> peers_;
};

}  // namespace dclcomms::conformance
