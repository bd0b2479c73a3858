#pragma once
// A recorded room: a real ws-room session (a recording, reference/recording) turned into something
// the simulator replays (`dclcomms sim import`; docs/recording.md). From the user's connection it
// takes who was in the room and when (welcome, joins, leaves), every packet the other peers sent
// with its arrival time, and a link model fitted from what was observed: one-way latency from the
// connection's own round trips, jitter from each peer stream's inter-arrival times, loss from the
// gaps in position indices, stalls from silences while peers were sending.
//
// Replayed (`recorded_room_case`), reference peers in our reference room send those packets at
// the recorded times and the transport under test joins the room in the user's place: it must get
// every peer's reliable packets exactly once and in order (unreliable ones: an in-order subset),
// byte for byte. In "exact" mode its link is the fitted latency alone, so arrivals land at the
// recorded times; in "weather" mode the fitted jitter and loss are applied too, and a failure
// shrinks like any simulated case's (`--shrink`).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dclcomms/conformance/case.hpp"
#include "dclcomms/core/result.hpp"
#include "dclcomms/recording/recording.hpp"
#include "dclcomms/sim/link_faults.hpp"

namespace dclcomms::conformance {

inline constexpr int recorded_room_format_version = 1;

/// Percentiles of a set of durations (nearest-rank), in nanoseconds.
struct DurationSummary {
  std::size_t samples = 0;
  std::int64_t p50_ns = 0, p90_ns = 0, p99_ns = 0, max_ns = 0;
};
DurationSummary summarize(std::vector<std::int64_t> samples_ns);

struct RecordedPeer {
  std::uint32_t alias = 0;
  std::string address;                    // as the room told it ("" if it never did)
  std::optional<std::int64_t> joined_ns;  // after the user's welcome; nothing: already there at the welcome
  std::optional<std::int64_t> left_ns;    // nothing: still there when the recording ends
};

struct RecordedMessage {
  std::int64_t at_ns = 0;  // arrival at the proxy, after the user's welcome
  std::size_t peer = 0;    // index into RecordedRoom::peers
  bool unreliable = false;
  std::vector<std::uint8_t> packet;  // the RFC-4 Packet bytes, as received
};

struct RecordedStall {
  std::int64_t at_ns = 0;  // the last arrival before the silence, after the welcome
  std::int64_t duration_ns = 0;
};

struct FittedLink {
  /// From the connection's round trips (the upgrade, identification -> challenge, signed challenge
  /// -> welcome), halved: an upper bound, as the server's work is inside them.
  DurationSummary one_way_latency;
  /// |gap - median gap| between consecutive packets of one kind from one peer.
  DurationSummary inter_arrival_jitter;
  std::uint64_t positions_expected = 0;  // from the first to the last position index seen, per peer
  std::uint64_t positions_missing = 0;   // indices skipped: lost on the way or shed by the server
  std::vector<RecordedStall> stalls;     // silences over the stall threshold while peers were sending
};

struct RecordedRoom {
  std::string source;  // the recording's file name
  std::string target;  // the user's request target (path and query)
  std::uint64_t user_connection = 0;
  std::uint32_t user_alias = 0;
  std::int64_t welcome_ns = 0;  // when the user's welcome arrived, in the recording's time
  std::int64_t end_ns = 0;      // the recording's last event on the user's connection, after the welcome
  std::uint64_t user_sent = 0;  // peer updates the user sent (not replayed: the transport under test sends its own)
  std::vector<RecordedPeer> peers;
  std::vector<RecordedMessage> messages;  // by at_ns
  FittedLink fitted;

  /// The exact replay's link: the fitted one-way latency (p50), nothing else.
  sim::LinkFaults exact_link() const;
  /// The fitted weather: that latency, uniform jitter up to the fitted p99 jitter, and the fitted
  /// position loss as packet loss.
  sim::LinkFaults weather_link() const;
};

/// |gap - median gap| between consecutive packets of one kind from one peer, over streams of 5
/// packets or more (FittedLink::inter_arrival_jitter; also measures a replay's arrivals).
DurationSummary inter_arrival_jitter(const std::vector<RecordedMessage>& messages);

enum class RecordedRoomErrorCode : std::uint8_t {
  io,          // a file cannot be read
  not_json,    // the room file does not parse
  bad_value,   // a key is missing, unknown or of the wrong type
  no_session,  // the recording holds no ws-room session that reached its welcome
};
std::string_view to_string(RecordedRoomErrorCode code);
using RecordedRoomError = core::Error<RecordedRoomErrorCode>;

/// Turns a recording into a recorded room. `connection`: the user's connection number (default:
/// the first that was welcomed). `source` names the recording in messages and in the room.
core::Result<RecordedRoom, RecordedRoomError> import_ws_room_recording(const recording::Recording& recording, std::string_view source,
                                                                       std::optional<std::uint64_t> connection = std::nullopt);

/// The room file (docs/recording.md#recorded-room): JSON, and back.
std::string to_json(const RecordedRoom& room);
core::Result<RecordedRoom, RecordedRoomError> parse_recorded_room(std::string_view text, std::string_view origin);
core::Result<RecordedRoom, RecordedRoomError> load_recorded_room(const std::string& path);

enum class ReplayMode : std::uint8_t { exact, weather };

/// The case that replays `room` against the transport under test: "recorded.exact" or
/// "recorded.weather" (MUST; comms-transports.md §3.1, §3.4).
Case recorded_room_case(std::shared_ptr<const RecordedRoom> room, ReplayMode mode);

/// What the transport under test saw in one replay (for tests and `sim import --check`).
struct ReplayObservation {
  bool joined = false;
  std::vector<std::int64_t> arrival_ns;      // each packet the transport got, after its Connected
  std::vector<std::size_t> arrival_message;  // index into room.messages of each arrival (npos: not one of them)
  std::vector<std::int64_t> round_trip_ns;   // the transport's own handshake round trips, as the server saw them
};
ReplayObservation observe_replay(const RecordedRoom& room, ReplayMode mode, const TransportUnderTest& transport, std::uint64_t seed);

}  // namespace dclcomms::conformance
