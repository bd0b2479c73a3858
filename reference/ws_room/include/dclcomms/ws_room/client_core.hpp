#pragma once
// WsRoomClientCore: the client side of the ws-room protocol (RFC-5, spec §3) as a pure state machine.
// Bytes and timer expiries go in; frames to write, a close request, the next deadline and events come
// out. It never touches a socket or a clock, so the same core runs over Beast and in the simulator.
//
// Drain order after every input or command: poll_transmit() until empty, then poll_timeout(), then
// poll_event() until empty.
//
//   idle --handle_connected--> identifying --challenge/sign--> awaiting_welcome --welcome--> joined
//                                   \-------------------- welcome (no challenge) ----------/
//   any --kick / bad frame / timeout / peer close / close()--> closed (terminal: no reconnect here)

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "dclcomms/codec/codec.hpp"
#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/ws_room/ws_room_types.hpp"

namespace dclcomms::ws_room {

/// Signs a challenge: returns the AuthChain JSON whose final payload is `challenge`.
using ChallengeSigner = std::function<std::string(std::string_view challenge)>;

struct ClientCoreConfig {
  std::string address;                  // our identity, sent in WsIdentification (lowercase 0x…)
  ChallengeSigner sign_challenge;       // required when the server asks for a challenge
  core::Duration challenge_timeout;     // identification sent -> challenge or welcome (kernel: 1 s)
  core::Duration welcome_timeout;       // signed challenge sent -> welcome (kernel: 1 s)
  std::size_t inbound_frame_bytes_max;  // larger frames close the connection
  std::size_t outbound_frames_max;      // frames waiting for the carrier
  std::size_t outbound_bytes_max;
};

/// The defaults reference clients use (1 s per handshake step, 64 KiB - 1 bodies).
ClientCoreConfig client_core_config_default(std::string address, ChallengeSigner signer);

enum class ClientState : std::uint8_t { idle, identifying, awaiting_welcome, joined, closed };

/// Events for the application (a transport maps them onto transport::TransportEvent).
struct Welcomed {
  Alias alias;
  std::map<Alias, std::string> peers;  // the other members, alias -> lowercase address
};
struct PeerJoined {
  Alias alias;
  std::string address;
};
struct PeerLeft {
  Alias alias;
  std::string address;
};
struct MessageReceived {
  Alias alias;
  std::string address;
  codec::Bytes body;  // a bare RFC-4 Packet, untouched
  bool unreliable;
};
struct Closed {
  CloseReason reason;
  std::string detail;  // human-readable: the kick reason, the decode error, which step timed out
  bool kicked;         // the server said not to reconnect
};
using ClientEvent = std::variant<Welcomed, PeerJoined, PeerLeft, MessageReceived, Closed>;

struct ClientStats {
  std::uint64_t frames_received = 0;
  std::uint64_t frames_sent = 0;
  std::uint64_t updates_from_unknown_alias = 0;  // dropped (kernel/bevy do the same)
  std::uint64_t stale_leaves = 0;                // leave for an alias we never saw: tolerated
  std::uint64_t ignored_packets = 0;             // other packet types after the handshake
};

enum class SendErrorCode : std::uint8_t { not_joined, packet_too_large, queue_full };
using SendError = core::Error<SendErrorCode>;

class WsRoomClientCore {
 public:
  explicit WsRoomClientCore(ClientCoreConfig config);

  // Inputs from the carrier.
  void handle_connected(core::TimePoint now);
  void handle_frame(std::span<const std::uint8_t> frame, core::TimePoint now);
  void handle_closed(std::string_view detail, core::TimePoint now);
  void handle_timeout(core::TimePoint now);  // early or repeated calls are no-ops

  // Commands from the application.
  core::Result<core::Ok, SendError> send(std::span<const std::uint8_t> packet, bool unreliable, core::TimePoint now);
  void close(core::TimePoint now);

  // Outputs.
  std::optional<Transmit> poll_transmit();
  std::optional<core::TimePoint> poll_timeout() const { return deadline_; }
  std::optional<ClientEvent> poll_event();

  ClientState state() const { return state_; }
  std::optional<Alias> alias() const { return alias_; }
  /// The other members, alias -> lowercase address (a copy: kept internally as a flat sorted array).
  std::map<Alias, std::string> peers() const;
  const ClientStats& stats() const { return stats_; }

 private:
  void on_handshake_packet(const codec::WsPacket& packet, core::TimePoint now);
  void on_joined_packet(const codec::WsPacket& packet);
  void welcome(const codec::rfc5::WsWelcome& welcome);
  void queue_frame(const codec::WsPacket& packet);
  void fail(CloseReason reason, std::string detail, bool kicked = false);
  /// Index of `alias` in peer_aliases_, or peer_aliases_.size() when absent.
  std::size_t find_peer(Alias alias) const;
  std::string_view peer_address(std::size_t index) const;
  void insert_peer(std::size_t index, Alias alias, std::string_view address);
  void erase_peer(std::size_t index);

  ClientCoreConfig config_;
  ClientState state_ = ClientState::idle;
  std::optional<Alias> alias_;
  // The other members: sorted aliases, and their addresses in one buffer (address i ends at
  // peer_address_ends_[i]). Every update looks its sender up and copies its address, so both
  // are contiguous (a std::map's scattered nodes, then a std::string's separate heap text, were
  // the room bench's largest single cost: cache misses).
  std::vector<Alias> peer_aliases_;
  std::string peer_address_text_;
  std::vector<std::uint32_t> peer_address_ends_;
  std::optional<core::TimePoint> deadline_;
  std::deque<Transmit> transmits_;
  std::size_t transmit_bytes_ = 0;
  std::deque<ClientEvent> events_;
  ClientStats stats_;
};

}  // namespace dclcomms::ws_room
