#pragma once
// WsRoomServerCore: the server side of ws-room (spec §3) for any number of rooms and connections, as
// a pure state machine. The carrier reports connections, frames, closes and write backlogs; the core
// answers with frames and close requests per connection, the next deadline, and events for logs.
//
// Rules it enforces (spec §3.3-3.5): identification first, within a timeout; room capacity with the
// "world is full" kick; challenge "dcl-<random>" and an AuthChain whose final payload is exactly the
// challenge; the member's identity comes from the verified chain, never from WsIdentification; a
// second login of the same identity kicks the first; relays stamp from_alias themselves and never
// echo to the sender; unknown packet types after the handshake are ignored; undecodable frames close.
// Backpressure: unreliable updates are dropped for a receiver whose backlog is over a limit; reliable
// ones are never dropped silently — past a second limit the receiver is disconnected with a reason.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "dclcomms/core/prng.hpp"
#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/ws_room/ws_room_types.hpp"

namespace dclcomms::ws_room {

using ConnectionId = std::uint64_t;

/// Why a signed challenge was refused. The core closes the connection the same way whatever the
/// class (auth_failed, the message in the log line): the class is for the verifier's other callers.
enum class ChallengeErrorCode : std::uint8_t {
  bad_chain,      // not a well-formed AuthChain: JSON, link types and order, signature or address format
  wrong_payload,  // the chain's final payload is not this connection's challenge
  expired,        // an ephemeral link has expired
  bad_signature,  // a signature is not the authority's (or a contract wallet's on-chain check said no)
  unverifiable,   // the chain needs a check this verifier cannot make (a contract wallet, no chain access)
};
using ChallengeError = core::Error<ChallengeErrorCode>;

/// Verifies a signed challenge. Returns the lowercase owner address of the chain, or why not.
using ChallengeVerifier = std::function<core::Result<std::string, ChallengeError>(std::string_view auth_chain_json,
                                                                                  std::string_view challenge, core::TimePoint now)>;

struct ServerCoreConfig {
  bool challenge_required;                // false: answer identification with a welcome directly
  ChallengeVerifier verify_challenge;     // required when challenge_required
  core::Duration identification_timeout;  // upgrade -> WsIdentification
  core::Duration challenge_timeout;       // challenge sent -> WsSignedChallenge
  std::size_t room_capacity;              // members per room (ws-room-service: 150)
  std::size_t connections_max;            // all connections, members or not
  std::size_t inbound_frame_bytes_max;
  std::size_t unreliable_backlog_bytes_max;  // receiver backlog above which unreliable updates drop
  std::size_t reliable_backlog_bytes_max;    // receiver backlog above which it is disconnected
  std::uint64_t challenge_seed;              // challenges are "dcl-" + random base-36 from this seed
};

ServerCoreConfig server_core_config_default(ChallengeVerifier verifier, std::uint64_t challenge_seed);

inline constexpr std::string_view kick_reason_room_full = "This world is full. Try again later.";
inline constexpr std::string_view kick_reason_duplicate = "Already logged in";

/// A frame for one connection. Every receiver of a relay (or of a join/leave notice) gets the same
/// immutable bytes: the core encodes a relay once and never copies it per receiver.
struct SharedFrame {
  std::shared_ptr<const codec::Bytes> bytes;
};
using ServerTransmitKind = std::variant<SharedFrame, CloseRequest>;

struct ServerTransmit {
  ConnectionId connection;
  ServerTransmitKind transmit;
};

struct MemberJoined {
  ConnectionId connection;
  std::string room;
  Alias alias;
  std::string address;
};
struct MemberLeft {
  ConnectionId connection;
  std::string room;
  Alias alias;
  std::string address;
  CloseReason reason;
};
struct ConnectionRejected {
  ConnectionId connection;
  CloseReason reason;
  std::string detail;
};
using ServerEvent = std::variant<MemberJoined, MemberLeft, ConnectionRejected>;

struct ServerStats {
  std::uint64_t frames_received = 0;
  std::uint64_t updates_relayed = 0;     // frames queued to receivers
  std::uint64_t unreliable_dropped = 0;  // backpressure drops
  std::uint64_t ignored_packets = 0;     // unknown/unexpected types after the handshake
};

struct RoomCount {
  std::string room;
  std::size_t members;
};

class WsRoomServerCore {
 public:
  explicit WsRoomServerCore(ServerCoreConfig config);

  /// A websocket was upgraded on /rooms/<room>. Returns false (and queues a close) when the server
  /// is at connections_max.
  bool handle_connection_opened(ConnectionId connection, std::string room, core::TimePoint now);
  void handle_frame(ConnectionId connection, std::span<const std::uint8_t> frame, core::TimePoint now);
  void handle_connection_closed(ConnectionId connection, core::TimePoint now);
  /// Bytes written to the connection's socket queue and not yet sent.
  void handle_backlog(ConnectionId connection, std::size_t backlog_bytes);
  void handle_timeout(core::TimePoint now);

  std::optional<ServerTransmit> poll_transmit();
  std::optional<core::TimePoint> poll_timeout() const;
  std::optional<ServerEvent> poll_event();

  std::vector<RoomCount> rooms() const;  // rooms with members, by name
  std::size_t connection_count() const { return connections_.size(); }
  std::size_t member_count() const { return members_by_identity_.size(); }
  const ServerStats& stats() const { return stats_; }

 private:
  enum class Stage : std::uint8_t { identifying, challenged, member };
  struct Connection {
    std::string room;
    Alias alias = 0;
    Stage stage = Stage::identifying;
    std::string identified_address;
    std::string identity;  // lowercase, from the verified chain (or identification without challenge)
    std::string challenge;
    std::optional<core::TimePoint> deadline;
    std::size_t backlog_bytes = 0;
  };

  void on_identification(ConnectionId id, Connection& c, const codec::WsPacket& packet, core::TimePoint now);
  void on_signed_challenge(ConnectionId id, Connection& c, const codec::WsPacket& packet, core::TimePoint now);
  void on_member_packet(ConnectionId id, Connection& c, const codec::WsPacket& packet);
  void admit(ConnectionId id, Connection& c, std::string identity);
  void relay(ConnectionId sender, const Connection& c, const codec::rfc5::WsPeerUpdate& update);
  void drop(ConnectionId id, CloseReason reason, std::string detail, std::optional<std::string> kick_reason);
  void set_deadline(ConnectionId id, Connection& c, std::optional<core::TimePoint> deadline);
  void send(ConnectionId id, const codec::WsPacket& packet);
  void send_bytes(ConnectionId id, const std::shared_ptr<const codec::Bytes>& bytes);
  std::string make_challenge();
  bool room_is_full(const std::string& room) const;

  ServerCoreConfig config_;
  core::Prng challenge_prng_;
  Alias last_alias_ = 0;
  std::map<ConnectionId, Connection> connections_;
  std::map<std::string, std::map<Alias, ConnectionId>> rooms_;  // members only
  std::map<std::string, ConnectionId> members_by_identity_;
  std::set<std::pair<core::TimePoint, ConnectionId>> deadlines_;
  std::deque<ServerTransmit> transmits_;
  std::deque<ServerEvent> events_;
  ServerStats stats_;
};

}  // namespace dclcomms::ws_room
