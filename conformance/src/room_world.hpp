#pragma once
// RoomWorld: the simulated world a case runs in, built on the simulated room of
// reference/ws_room/sim_room. Its server host serves the ws-room (our reference WsRoomServer, or a
// scripted server the case drives frame by frame); another serves
// signed-login over HTTP (LoginService); the transport under test runs on its own host, created
// through its own factory registration; reference peers can join from further hosts. Every frame
// and HTTP exchange of the transport under test is recorded into the case's transcript, whatever
// the transport's implementation.

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dclcomms/carriers/sim_websocket_network.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/conformance/case_context.hpp"
#include "dclcomms/sim/simulation.hpp"
#include "dclcomms/sim_room/sim_room.hpp"
#include "login_service.hpp"
#include "ws_room_server.hpp"

namespace dclcomms::conformance {

struct Endpoint {
  std::string name;
  sim::HostId host = 0;
  std::string address;
  transport::TransportPtr transport;
  std::vector<transport::TransportEvent> events;

  template <class E>
  std::vector<E> all() const {
    std::vector<E> out;
    for (const auto& e : events) {
      if (const auto* typed = std::get_if<E>(&e)) out.push_back(*typed);
    }
    return out;
  }
  bool disconnected() const { return !all<transport::Disconnected>().empty(); }
  bool connected() const { return !all<transport::Connected>().empty(); }
};

/// A server the case scripts: it records what each connection sent and sends what the case says.
struct ScriptedServer {
  std::vector<transport::ServerConnectionId> opened;  // in order
  std::map<transport::ServerConnectionId, std::vector<codec::WsPacket>> received;
  std::set<transport::ServerConnectionId> closed;
  std::unique_ptr<transport::MessageServer> carrier;
  void send(transport::ServerConnectionId connection, const codec::WsPacket& packet) {
    carrier->send(connection, codec::encode_ws_packet(packet));
  }
};

class LivekitDeployment;

class RoomWorld {
 public:
  enum class ServerKind { reference, scripted };

  RoomWorld(CaseContext& context, ServerKind kind, const sim::LinkFaults& faults);
  ~RoomWorld();

  /// Creates the transport under test for `uri`; on refusal returns the factory's message.
  std::optional<std::string> create_tut(const std::string& uri = "ws-room:ws://room-server/rooms/conformance");
  Endpoint& tut() { return tut_; }
  /// What create_tut() hands the transport under test beyond its TransportContext (fill before).
  HarnessServices& services() { return services_; }
  /// Connects the transport under test (after create_tut).
  void connect_tut();
  /// Also serves `livekit:` URIs (before create_tut): a LiveKit SFU (livekit_deployment.hpp) that the
  /// transport under test joins from a second host, "tut-livekit", through services(). Its joins
  /// count as connection attempts. (Simulated carriers now share hosts by port, so "tut" could carry
  /// both; the second host stays because host names and ids are in every recorded transcript and
  /// digest, which must not change.)
  void serve_livekit();

  /// A reference ws-room peer (our transport) joining the reference server's room.
  Endpoint& add_peer();
  std::vector<std::unique_ptr<Endpoint>>& peers() { return peers_; }

  ScriptedServer& scripted() { return scripted_; }
  ws_room::WsRoomServer* reference_server() { return room_.reference_server(); }
  /// The signed-login endpoint at http://login-server/ (the reference endpoint unless scripted).
  LoginService& login() { return *login_; }

  /// Steps the simulation until `done` or until `limit` of virtual time has passed. Returns `done()`.
  bool run_until(const std::function<bool()>& done, core::Duration limit = std::chrono::seconds(30));
  void run_for(core::Duration duration);
  sim::Simulation& simulation() { return room_.simulation(); }
  sim::HostId server_host() const { return room_.server_host(); }
  /// Replaces the faults of the link between the transport under test and the server, both ways.
  void set_tut_link(const sim::LinkFaults& faults);
  /// How many websocket connections the transport under test has opened so far.
  int tut_connection_attempts() const { return tut_connection_attempts_; }
  /// How many HTTP requests the transport under test has started so far.
  int tut_http_requests() const { return tut_http_requests_; }
  /// Every URL the transport under test opened (websocket) or requested (HTTP), in order: what it
  /// made of its connection string.
  const std::vector<std::string>& tut_urls() const { return tut_urls_; }

 private:
  transport::TransportContext tut_context(transport::SigningIdentity identity);
  void record(const std::string& from, const std::string& to, const std::vector<std::uint8_t>& frame);
  void record_event(const Endpoint& endpoint, const transport::TransportEvent& event);
  transport::HttpFetcher recording_http(transport::HttpFetcher fetcher);

  CaseContext& context_;
  sim_room::SimRoom room_;  // the simulation, its network, the server host (and the reference server)
  sim::HostId login_host_;
  sim::LinkFaults faults_;
  std::unique_ptr<LoginService> login_;
  Endpoint tut_;
  std::vector<std::unique_ptr<Endpoint>> peers_;
  std::vector<std::unique_ptr<transport::TransportFactory>> factories_;
  ScriptedServer scripted_;
  HarnessServices services_;
  int tut_connection_attempts_ = 0;
  int tut_http_requests_ = 0;
  std::vector<std::string> tut_urls_;
  std::unique_ptr<LivekitDeployment> livekit_;  // after the transports: they hold its sessions
};

/// Wraps `inner` so that every frame on its streams is reported: `on_sent` before a frame the
/// transport sends goes out, `on_received` before a frame it receives reaches it. Whatever carries
/// the frames (the simulator, or real sockets in wire mode), the transcript sees the same thing.
transport::MessageStreamConnector recording_connector(transport::MessageStreamConnector inner,
                                                      std::function<void(const std::vector<std::uint8_t>&)> on_sent,
                                                      std::function<void(const std::vector<std::uint8_t>&)> on_received);

/// A ws-room frame as a transcript line (decoded when it decodes).
TraceLine frame_line(std::int64_t time_ns, std::string from, std::string to, const std::vector<std::uint8_t>& frame);

/// A transport event as one line of JSON (for transcripts).
std::string event_json(const transport::TransportEvent& event);

/// Every world's way of making the transport under test: a factory of its own on `factory_context`
/// (offline unregistered: only what the transport registers), the transport's registration with
/// `services`, then `uri`. On success `tut.transport` is set and each event is appended to
/// `tut.events`, then passed to `on_event` (the world's transcript). On refusal, the factory's
/// message. The factory is kept in `factories` (the transport may refer to it).
std::optional<std::string> create_tut_transport(CaseContext& context, transport::TransportContext factory_context,
                                                const HarnessServices& services, const std::string& uri, Endpoint& tut,
                                                std::vector<std::unique_ptr<transport::TransportFactory>>& factories,
                                                std::function<void(const transport::TransportEvent&)> on_event);

/// A WsPacket as one line of JSON (for transcripts and failure messages).
std::string describe(const codec::WsPacket& packet);

}  // namespace dclcomms::conformance
