#pragma once
// LivekitWireWorld: the world of a livekit wire-mode case (docs/wire-mode.md) — for transports built
// on a LiveKit SDK of their own. Our LiveKit room server (`dclcomms livekit serve`'s code, Beast and
// UDP, ICE/DTLS/SCTP) listens on an ephemeral loopback port; the transport under test is created
// through its own factory registration with `livekit:ws://127.0.0.1:<port>?access_token=…`: an
// in-process transport joins through HarnessServices::livekit (our real-protocol client), a driver
// that opens its own sockets (virtual_time: false) joins with whatever LiveKit client it has.
// Reference participants join over the same real protocol with our client. Everything runs on one
// AsioRuntime on the case's thread; every wait is bounded; tokens and the server's token checks use
// the world's fixed clock (real time is for the network only), as in the other wire cases.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/conformance/case_context.hpp"
#include "livekit_world.hpp"
#include "room_world.hpp"

namespace dclcomms::livekit_server {
class LivekitServer;
}

namespace dclcomms::conformance {

class LivekitWireWorld {
 public:
  explicit LivekitWireWorld(CaseContext& context);
  ~LivekitWireWorld();
  LivekitWireWorld(const LivekitWireWorld&) = delete;
  LivekitWireWorld& operator=(const LivekitWireWorld&) = delete;

  /// Why the world could not start (a port, a certificate), or nothing.
  const std::optional<std::string>& error() const { return error_; }

  /// Creates the transport under test (identity member 0 of the seed) with a fresh token for the
  /// room; on refusal, the factory's message.
  std::optional<std::string> create_tut();
  Endpoint& tut() { return tut_; }
  void connect_tut();
  /// A reference participant joining the room over the real protocol (identity: member n of the
  /// seed unless given).
  Participant& add_participant(std::optional<std::string> identity = std::nullopt);

  bool run_until(const std::function<bool()>& done, core::Duration limit);
  void run_for(core::Duration duration);

 private:
  std::string token(const std::string& identity) const;
  void record_event(const std::string& who, const transport::TransportEvent& event);
  std::int64_t elapsed_ns() const { return core::to_ns(runtime_.now() - origin_); }

  CaseContext& context_;
  carriers::AsioRuntime runtime_;  // first: everything below runs on it and goes before it
  core::TimePoint origin_;
  std::optional<std::string> error_;
  std::unique_ptr<livekit_server::LivekitServer> server_;
  livekit::LivekitConnector connector_;
  std::vector<std::unique_ptr<transport::TransportFactory>> factories_;
  Endpoint tut_;
  std::vector<std::unique_ptr<Participant>> participants_;
};

}  // namespace dclcomms::conformance
