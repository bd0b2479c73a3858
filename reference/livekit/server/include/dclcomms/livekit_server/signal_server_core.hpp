#pragma once
// SignalServerCore: the signal half of a LiveKit room server, sans-I/O (quinn-proto style: handle_*
// in, poll_* out; no socket, no clock). It speaks LiveKit's client protocol on the signal
// websocket (`/rtc?access_token=…`, protobuf `SignalRequest` in, `SignalResponse` out; vendored
// definitions in reference/livekit/proto): the token checked at the upgrade (spec §6.2), the
// JoinResponse with the room and the participants present, ParticipantUpdates when others join and
// leave, pings answered, a client's LeaveRequest, and a duplicate identity displaced the way
// LiveKit does it (LeaveRequest{DUPLICATE_IDENTITY} to the older session, spec §6.4).
//
// With a DataRelayConfig it answers the WebRTC side too (data_relay_core.hpp): the client's
// publisher offer is answered, our subscriber offer follows, and DataPackets are relayed; datagrams
// go in through handle_datagram and out through poll_datagram. Without one, offers and ICE
// candidates are only reported (NegotiationReceived).

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/livekit/livekit_token.hpp"
#include "dclcomms/livekit_server/data_relay_core.hpp"

namespace livekit {
class ParticipantInfo;  // LiveKit's generated classes (reference/livekit/proto), kept out of this header
class SignalRequest;
}  // namespace livekit

namespace dclcomms::livekit_server {

using SignalConnectionId = std::uint64_t;

struct SignalServerConfig {
  livekit::ApiCredentials credentials;
  std::string server_version = "1.9.0";  // what JoinResponse.server_version says (a LiveKit version SDKs accept)
  std::int32_t ping_interval_s = 5;      // told to clients in the JoinResponse
  std::int32_t ping_timeout_s = 15;      // a joined client silent this long is closed
  std::size_t room_participants_max = 1000;
  std::size_t connections_max = 10'000;
  std::size_t transmit_queue_max = 100'000;  // queued SignalResponses over all connections (an invariant, asserted)
  std::optional<DataRelayConfig> relay;      // the WebRTC side; none: signal only
};

/// Why an upgrade is refused (the carrier answers HTTP 401 with the message, as LiveKit does).
enum class SignalRefusalCode : std::uint8_t {
  bad_target,  // not /rtc (or /rtc/v1) with an access_token
  bad_token,   // the token does not validate (the message says which check failed)
  room_full,   // room_participants_max reached
  too_many,    // connections_max reached
};
std::string_view to_string(SignalRefusalCode code);
using SignalRefusal = core::Error<SignalRefusalCode>;

struct SignalTransmit {
  SignalConnectionId connection = 0;
  std::vector<std::uint8_t> bytes;  // one serialized SignalResponse
};

struct SignalClose {
  SignalConnectionId connection = 0;
  std::string reason;
};

struct ParticipantJoined {
  std::string room, identity, sid;
};
struct ParticipantLeft {
  std::string room, identity, sid;
  std::string reason;  // "client leave", "duplicate identity", "ping timeout", "connection closed", "malformed signal message"
};
/// A client's WebRTC negotiation arrived (its publisher offer, or an ICE candidate): not answered yet.
struct NegotiationReceived {
  std::string identity;
  std::string what;  // "offer", "answer", "trickle"
  std::size_t bytes = 0;
};
using SignalServerEvent = std::variant<ParticipantJoined, ParticipantLeft, NegotiationReceived, DataRelayed, DataRefused, PeerConnectionUp,
                                       PeerConnectionDown, SubscriberTooSlow>;

class SignalServerCore {
 public:
  explicit SignalServerCore(SignalServerConfig config);

  /// Checks an upgrade request — its target (path and query) and its Authorization header ("" when
  /// none) — and its token at `unix_seconds_now`.
  core::Result<core::Ok, SignalRefusal> check_upgrade(std::string_view target, std::string_view authorization,
                                                      std::int64_t unix_seconds_now) const;
  /// The upgrade happened: the participant joins (its JoinResponse is queued, the others are told).
  /// The request must have passed check_upgrade.
  void handle_open(SignalConnectionId connection, std::string_view target, std::string_view authorization, core::TimePoint now,
                   std::int64_t unix_ms_now);
  void handle_message(SignalConnectionId connection, std::span<const std::uint8_t> bytes, core::TimePoint now, std::int64_t unix_ms_now);
  /// The connection is gone (whoever closed it); the last call for it.
  void handle_closed(SignalConnectionId connection);
  void handle_timeout(core::TimePoint now);
  /// A UDP datagram for the WebRTC side (ignored without a relay).
  void handle_datagram(std::span<const std::uint8_t> datagram, const core::SocketAddress& from, core::TimePoint now);

  std::optional<SignalTransmit> poll_transmit();
  std::optional<webrtc::DatagramTransmit> poll_datagram();
  std::optional<SignalClose> poll_close();
  std::optional<SignalServerEvent> poll_event();
  std::optional<core::TimePoint> poll_timeout() const;

  std::size_t participant_count() const { return sessions_.size(); }
  /// The identities in `room`, in the order they joined.
  std::vector<std::string> participants(const std::string& room) const;
  /// Joins admitted since the start (every handle_open that made a participant).
  std::uint64_t joins_total() const { return joins_total_; }

 private:
  struct Session {
    std::string room;
    std::string identity;
    std::string sid;
    std::string name;
    std::string metadata;
    bool can_publish = true, can_subscribe = true, can_publish_data = true;
    std::int64_t joined_at_ms = 0;
    std::uint32_t version = 1;
    core::TimePoint last_heard;
    bool subscriber_offered = false;
    bool leaving = false;  // a close is queued: nothing more is sent to it, nor about it twice
  };

  /// The ParticipantInfo others are told, from the session's token claims and join.
  static void fill_participant(::livekit::ParticipantInfo& info, const Session& session, bool disconnected);
  void send(SignalConnectionId connection, const std::string& serialized);
  void negotiate(SignalConnectionId connection, Session& session, const ::livekit::SignalRequest& request, core::TimePoint now);
  void pump_relay();
  void broadcast_update(const Session& about, bool disconnected, SignalConnectionId except);
  void leave(SignalConnectionId connection, const std::string& reason, bool close_it);
  std::vector<SignalConnectionId> room_members(const std::string& room) const;

  SignalServerConfig config_;
  std::map<SignalConnectionId, Session> sessions_;  // by connection, in order: deterministic fan-out
  std::map<std::string, std::string> room_sids_;
  std::uint64_t next_sid_ = 1;
  std::uint64_t joins_total_ = 0;
  std::deque<SignalTransmit> transmits_;
  std::deque<SignalClose> closes_;
  std::deque<SignalServerEvent> events_;
  std::optional<DataRelayCore> relay_;
};

/// The token of a signal request: "Authorization: Bearer <token>" (LiveKit's Rust and Node SDKs),
/// else the access_token of the query (its JS SDK); nothing when the path is not /rtc or there is
/// no token.
std::optional<std::string> access_token_of(std::string_view target, std::string_view authorization);

}  // namespace dclcomms::livekit_server
