#pragma once
// A schema-aware walk over protobuf wire bytes that finds what is wrong with them, precisely.
//
// protobuf's own parser answers only "false", and it silently treats a known field with the wrong
// wire type as an unknown field. Peers that send such bytes are broken or hostile, and users of a
// conformance suite need to know which byte went wrong, so we check first and parse second.

#include <cstddef>
#include <optional>

#include "dclcomms/codec/codec.hpp"

namespace google::protobuf {
class Descriptor;
}

namespace dclcomms::codec {

/// Nesting limit for length-delimited sub-messages. Our schemas nest at most 3 deep (WsPacket >
/// WsWelcome > map entry); 16 leaves room for growth and bounds the recursion.
inline constexpr std::size_t wire_depth_max = 16;

/// Returns the first problem in `bytes` read as a `descriptor` message, or nothing when the bytes
/// are well-formed. Unknown fields are allowed (only their framing is checked). What the walk needs
/// of each message type is planned once per `descriptor` and kept for the program's life, so the
/// descriptor must live as long (generated messages' descriptors do).
std::optional<CodecError> check_wire(ByteView bytes, const google::protobuf::Descriptor& descriptor);

}  // namespace dclcomms::codec
