#pragma once
// The seam between the livekit transport and whatever carries a LiveKit participant's connection.
//
// A LivekitConnector joins a room with a token and returns a LivekitSession; the session reports
// what LiveKit's client SDKs report (joined with the participants present, participant connected /
// disconnected, data received, disconnected with a DisconnectReason). Two implementations exist or
// are planned:
//   * carriers::SimLivekitNetwork::connector (reference/carriers/sim, sim_livekit_network.hpp): the
//     SFU model inside the simulator, a simulated carrier like the websocket one; its sessions pump
//     the sans-I/O LivekitClientCore (client_core.hpp), which a real carrier would pump too;
//   * a real one (not in this build: Debian has no WebRTC engine) would speak LiveKit's signalling
//     (protobuf over a websocket to <url>/rtc?access_token=…) and carry data over SCTP data
//     channels ("_reliable" ordered, "_lossy" unordered with no retransmits). It implements exactly
//     this interface and nothing in the transport changes. See docs/livekit.md.
//
// Threading: everything runs on the runtime of the host that created the session; callbacks never
// run from inside a connector call or a session method.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dclcomms::livekit {

/// LiveKit's two data-packet kinds: RELIABLE (ordered, retransmitted) and LOSSY (unordered, may be
/// dropped, never retransmitted).
enum class DataKind : std::uint8_t { reliable, lossy };

/// Why a session ended: the DisconnectReason values of LiveKit that a comms client can meet.
enum class DisconnectReason : std::uint8_t {
  client_initiated,     // we left
  duplicate_identity,   // the same identity joined the room again: the older session is evicted
  server_shutdown,      // the server is going away
  participant_removed,  // an administrator removed us (RoomService.RemoveParticipant)
  join_failure,         // the server refused the join (token, room) or it never completed
  connection_lost,      // the connection broke (crash, reset)
};
/// "reliable" or "lossy", as LiveKit names the two data channels.
std::string_view to_string(DataKind kind);
std::string_view to_string(DisconnectReason reason);
/// The reason named by to_string(), or nothing for any other text.
std::optional<DisconnectReason> disconnect_reason_from_string(std::string_view text);

/// Largest data payload LiveKit carries: the SCTP maximum message size it negotiates (spec §6.3).
inline constexpr std::size_t data_payload_bytes_max = 65535;

struct JoinRequest {
  std::string url;    // the server URL without the query, e.g. wss://lk.example.org or ws://sfu:7880
  std::string token;  // the access token (never logged)
};

struct SessionHandler {
  /// Joined as `identity`; `participants` = the other identities present, in the order they joined.
  std::function<void(std::string identity, std::vector<std::string> participants)> on_joined;
  std::function<void(std::string identity)> on_participant_joined;
  std::function<void(std::string identity)> on_participant_left;
  /// `sender` is the publishing participant's identity (empty: data from the server itself).
  std::function<void(std::string sender, std::vector<std::uint8_t> payload, DataKind kind)> on_data;
  /// The session ended (or never started). The last call.
  std::function<void(DisconnectReason reason, std::string detail)> on_closed;
};

class LivekitSession {
 public:
  virtual ~LivekitSession() = default;
  /// Publishes one data packet to `destinations` (identities; empty = every other participant).
  /// Callers keep payloads within data_payload_bytes_max and send only after on_joined; anything
  /// else is ignored. Lossy packets may be dropped anywhere on the way.
  virtual void publish_data(std::vector<std::uint8_t> payload, DataKind kind, std::vector<std::string> destinations) = 0;
  /// Leaves the room; on_closed(client_initiated) follows.
  virtual void leave() = 0;
};

/// Starts joining; returns at once. The outcome arrives through the handler.
using LivekitConnector = std::function<std::unique_ptr<LivekitSession>(const JoinRequest& request, SessionHandler handler)>;

}  // namespace dclcomms::livekit
