#pragma once
// SimLivekitSfu: a model of a LiveKit room server on one simulated host, for running livekit
// transports inside the simulator. It does what a comms client can observe of LiveKit:
//   * joins with an access token, checked at join with the server's API key/secret and the
//     injected wall clock (signature, iss, nbf/exp, identity, roomJoin, room); refused joins get a
//     reason naming the problem;
//   * rooms auto-created on first join (LiveKit's default), or only pre-created ones;
//   * reliable data (over the simulator's reliable streams: ordered, exactly once) and lossy data
//     (over datagrams: may be dropped, never duplicated or corrupted), broadcast or to destination
//     identities; the sender never gets its own packet; payloads above 64 KiB - 1 are dropped;
//     data from participants without canPublishData is dropped;
//   * participant joined / left notifications, the list of participants at join;
//   * a second session with the same identity in a room evicts the OLDER one (DUPLICATE_IDENTITY);
//     the others see the identity leave and join again;
//   * RemoveParticipant (PARTICIPANT_REMOVED) and shutdown (SERVER_SHUTDOWN);
//   * ping timeouts: a session silent (no frame, no ping) for Options::ping_timeout is dropped.
// Not modelled: media tracks, metadata updates, reconnection/resume, node clustering.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dclcomms/carriers/sim_livekit_network.hpp"
#include "dclcomms/livekit/livekit_token.hpp"

namespace dclcomms::carriers {

struct SimLivekitSfuOptions {
  livekit::ApiCredentials credentials;
  /// The server's wall clock in Unix seconds, for nbf/exp (required; tests derive it from the
  /// simulated clock).
  std::function<std::int64_t()> unix_seconds_now;
  std::int64_t leeway_seconds = 10;
  bool auto_create_rooms = true;
  std::vector<std::string> rooms;  // created at start
  std::size_t lossy_chunk_bytes = livekit::wire::lossy_chunk_bytes_default;
  /// A session the SFU has heard nothing from (no frame, no ping) for this long is dropped as
  /// gone, and the room sees it leave: how LiveKit ends a participant whose network vanished.
  core::Duration ping_timeout = std::chrono::seconds(15);
  core::Duration sweep_period = std::chrono::seconds(1);  // how often silent sessions are looked for
};

struct SimLivekitSfuStats {
  std::uint64_t joins = 0;
  std::uint64_t joins_rejected = 0;
  std::uint64_t duplicate_evictions = 0;
  std::uint64_t reliable_forwarded = 0;  // one per recipient
  std::uint64_t lossy_forwarded = 0;     // one per recipient
  std::uint64_t data_denied = 0;         // sender lacks canPublishData
  std::uint64_t data_oversized = 0;      // payload above data_payload_bytes_max
  std::uint64_t protocol_errors = 0;     // undecodable frames: the session is dropped
  std::uint64_t ping_timeouts = 0;       // sessions dropped for silence
};

class SimLivekitSfu {
 public:
  SimLivekitSfu(SimLivekitNetwork& network, sim::HostId host, SimLivekitSfuOptions options);
  ~SimLivekitSfu();
  SimLivekitSfu(const SimLivekitSfu&) = delete;
  SimLivekitSfu& operator=(const SimLivekitSfu&) = delete;

  /// Identities in `room`, in the order they joined (empty if no such room).
  std::vector<std::string> participants(std::string_view room) const;
  std::vector<std::string> rooms() const;
  /// RoomService.RemoveParticipant: the session is told PARTICIPANT_REMOVED. False if absent.
  bool remove_participant(std::string_view room, std::string_view identity);
  /// Closes every session with SERVER_SHUTDOWN and stops accepting.
  void shutdown();
  const SimLivekitSfuStats& stats() const { return stats_; }

 private:
  struct Session;
  struct Endpoint;
  struct Datagrams;

  void accept(sim::StreamId stream, sim::HostId peer);
  void on_message(sim::StreamId stream, std::span<const std::uint8_t> bytes);
  void on_fragment(sim::HostId from, livekit::wire::LossyFragment fragment);
  void join(sim::StreamId stream, const livekit::wire::Join& request);
  void forward(Session& sender, const livekit::wire::DataUp& data, livekit::DataKind kind);
  bool send(sim::StreamId stream, const livekit::wire::ServerFrame& frame);
  /// Removes a session from its room and tells the others; `notice` (if any) goes to it first.
  void drop(sim::StreamId stream, const livekit::wire::Closed* notice);
  void drop_failed_sends();
  void arm_sweep();
  void sweep();

  SimLivekitNetwork& network_;
  sim::HostId host_;
  SimLivekitSfuOptions options_;
  std::unique_ptr<Datagrams> datagrams_;
  std::map<sim::StreamId, std::unique_ptr<Endpoint>> endpoints_;
  std::map<sim::StreamId, Session> sessions_;  // joined sessions
  std::map<std::uint64_t, sim::StreamId> by_session_id_;
  std::map<std::string, std::vector<sim::StreamId>, std::less<>> rooms_;  // members in join order
  std::vector<sim::StreamId> failed_sends_;
  std::optional<core::TimerId> sweep_timer_;
  core::TimePoint sweep_due_{};
  std::uint64_t next_session_id_ = 1;
  bool stopped_ = false;
  SimLivekitSfuStats stats_;
};

}  // namespace dclcomms::carriers
