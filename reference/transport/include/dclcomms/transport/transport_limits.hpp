#pragma once
// Limits every reference transport enforces at its interface.

#include <cstddef>

namespace dclcomms::transport {

/// The largest RFC-4 Packet a transport accepts in send(): 64 KiB - 1, LiveKit's SCTP maximum and
/// the codec's default body limit (codec::packet_bytes_max_default, asserted equal in tests).
inline constexpr std::size_t packet_bytes_max = 65535;

}  // namespace dclcomms::transport
