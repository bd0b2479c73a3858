#pragma once
// Packets of a given size, and the sizes worth trying: the payload-size cases of every type send
// the same ladder both ways, up to the limit the transport declares.

#include <cstddef>
#include <vector>

#include "dclcomms/codec/codec.hpp"

namespace dclcomms::conformance {

/// A valid RFC-4 Packet (a Chat of 'x's) of exactly `size_bytes` encoded bytes (at least 3).
codec::Bytes chat_packet_of_size(std::size_t size_bytes);

/// The sizes between 16 KiB and `limit` that real deployments make interesting, ascending, each at
/// most `limit`, ending with `limit - 1` and `limit`: 16 KiB and one byte more (uWS's default
/// message limit, which ws-room-service keeps), 30000 (hammurabi's cap), 32 KiB, 48 KiB and 65000
/// (the kernel's cap) — spec §3.4, §8.4.
std::vector<std::size_t> payload_size_ladder(std::size_t limit);

}  // namespace dclcomms::conformance
