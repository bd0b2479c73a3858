#pragma once
// Binary codec for RFC-4 Packets and RFC-5 WsPackets.
//
// encode_*: deterministic serialization (field-number order, map entries sorted by key, unknown
//           fields preserved after the known ones), so equal values give equal bytes.
// decode_*: checks the bytes against the schema first (wire_check.hpp) so that every failure has a
//           precise class and position, then parses with protobuf. Unknown fields are kept and
//           re-encoded byte for byte.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dclcomms/codec/codec_error.hpp"
#include "dclcomms/codec/messages.hpp"
#include "dclcomms/core/result.hpp"

namespace google::protobuf {
class Message;
}

namespace dclcomms::codec {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

/// Default limit for an RFC-4 body: 64 KiB - 1, LiveKit's SCTP maximum and the largest payload any
/// reference client sends (spec §6.3, §8.4).
inline constexpr std::size_t packet_bytes_max_default = 65535;
/// Default limit for a WsPacket: a full RFC-4 body plus the WsPeerUpdate envelope (tag, length,
/// alias, flag: at most 18 bytes), rounded up.
inline constexpr std::size_t ws_packet_bytes_max_default = packet_bytes_max_default + 64;

struct DecodeLimits {
  std::size_t bytes_max;
};

/// Serializes any message deterministically.
Bytes encode_message(const google::protobuf::Message& message);
/// Checks then parses `bytes` into `message` (which is cleared first).
core::Result<core::Ok, CodecError> decode_message(ByteView bytes, const DecodeLimits& limits, google::protobuf::Message& message);

inline Bytes encode_packet(const Packet& packet) { return encode_message(packet); }
inline Bytes encode_ws_packet(const WsPacket& packet) { return encode_message(packet); }

core::Result<Packet, CodecError> decode_packet(ByteView bytes, DecodeLimits limits = {packet_bytes_max_default});
core::Result<WsPacket, CodecError> decode_ws_packet(ByteView bytes, DecodeLimits limits = {ws_packet_bytes_max_default});

}  // namespace dclcomms::codec
