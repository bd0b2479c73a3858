#pragma once
// The wire between a participant and the simulated SFU (reference/carriers/sim: SimLivekitNetwork,
// SimLivekitSfu). Bytes only, no simulator, so it lives with the livekit type. It is our own small
// framing over the simulator's carriers, NOT LiveKit's protocol (which is protobuf signalling over a websocket plus
// SCTP data channels); it carries the same information. Layout (integers little-endian, strings as
// u16 length + UTF-8 bytes, lists as u16 count + items):
//
// One reliable simulated stream per session (signalling and reliable data; ordered, exactly once):
//   client -> SFU   'J' join     token
//                   'U' data     destinations(list of strings), payload (rest of the frame)
//                   'Q' leave
//   SFU -> client   'W' welcome  session id (u64), own identity, participants (list)
//                   'X' rejected reason (the stream is abandoned after it)
//                   '+' joined   identity
//                   '-' left     identity
//                   'D' data     sender identity, payload (rest of the frame)
//                   'K' closed   DisconnectReason (u8), detail
//
// Lossy data rides simulator datagrams. The reassembled message is a 'U' (up) or 'D' (down) frame,
// cut into chunks; each datagram is
//   checksum (u64: FNV-1a 64 of everything after it) | 'L' | session id (u64) | sequence (u64) |
//   fragment index (u16) | fragment count (u16) | chunk
// The checksum stands in for SCTP's CRC32c: a corrupted datagram is dropped, never delivered (one
// flipped bit always changes FNV-1a). The sequence (per session and direction) lets the receiver
// drop duplicated datagrams, as SCTP's TSNs do; a message with a lost fragment is lost whole.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "dclcomms/livekit/livekit_session.hpp"

namespace dclcomms::livekit::wire {

using Bytes = std::vector<std::uint8_t>;

struct Join {
  std::string token;
};
struct DataUp {
  std::vector<std::string> destinations;
  Bytes payload;
};
struct Leave {};
struct Ping {};  // liveness, every ping interval (LiveKit's signal-channel ping)
using ClientFrame = std::variant<Join, DataUp, Leave, Ping>;

struct Welcome {
  std::uint64_t session = 0;
  std::string identity;
  std::vector<std::string> participants;
};
struct Rejected {
  std::string reason;
};
struct ParticipantJoined {
  std::string identity;
};
struct ParticipantLeft {
  std::string identity;
};
struct DataDown {
  std::string sender;
  Bytes payload;
};
struct Closed {
  DisconnectReason reason = DisconnectReason::connection_lost;
  std::string detail;
};
struct Pong {};  // the answer to a Ping
using ServerFrame = std::variant<Welcome, Rejected, ParticipantJoined, ParticipantLeft, DataDown, Closed, Pong>;

Bytes encode(const ClientFrame& frame);
Bytes encode(const ServerFrame& frame);
/// nullopt: not a well-formed frame of that direction (the peer broke the framing).
std::optional<ClientFrame> decode_client_frame(std::span<const std::uint8_t> bytes);
std::optional<ServerFrame> decode_server_frame(std::span<const std::uint8_t> bytes);

// ---- lossy datagrams -------------------------------------------------------------------------

/// Chunk size of lossy fragments: with the 29-byte header a datagram stays under the smallest
/// MTU of the weather profiles (1400).
inline constexpr std::size_t lossy_chunk_bytes_default = 1200;
inline constexpr std::size_t lossy_header_bytes = 29;
/// Bound on fragments per message (65535-byte payloads + framing need 56 at the default chunk size).
inline constexpr std::size_t lossy_fragments_max = 1024;

struct LossyFragment {
  std::uint64_t session = 0;
  std::uint64_t sequence = 0;
  std::uint16_t index = 0;
  std::uint16_t count = 0;
  Bytes chunk;
};

/// Cuts `message` into datagrams of at most lossy_header_bytes + chunk_bytes bytes.
std::vector<Bytes> fragment_lossy(std::uint64_t session, std::uint64_t sequence, std::span<const std::uint8_t> message,
                                  std::size_t chunk_bytes = lossy_chunk_bytes_default);
/// nullopt: corrupted (checksum), truncated or inconsistent; the caller drops it.
std::optional<LossyFragment> decode_lossy_datagram(std::span<const std::uint8_t> datagram);

/// Reassembles lossy messages of one sender, in any order, each at most once. Bounded: at most
/// `partial_max` incomplete messages (the oldest is dropped) and a window of remembered sequences.
class LossyReassembler {
 public:
  static constexpr std::size_t partial_max = 16;
  static constexpr std::size_t remembered_max = 1024;

  /// The whole message when `fragment` completes one; nullopt otherwise (incomplete, duplicate,
  /// stale or inconsistent).
  std::optional<Bytes> add(LossyFragment fragment);
  std::uint64_t duplicates() const { return duplicates_; }
  std::uint64_t abandoned() const { return abandoned_; }

 private:
  struct Partial {
    std::uint16_t count = 0;
    std::uint16_t received = 0;
    std::vector<std::optional<Bytes>> chunks;
  };
  std::map<std::uint64_t, Partial> partial_;
  std::set<std::uint64_t> completed_;   // recent completed sequences
  std::optional<std::uint64_t> floor_;  // sequences at or below it are forgotten: treated as stale
  std::uint64_t duplicates_ = 0;
  std::uint64_t abandoned_ = 0;
};

}  // namespace dclcomms::livekit::wire
