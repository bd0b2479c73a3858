#pragma once
// What a virtual peer and the user's host say to each other on their reliable stream. Datagrams
// carry bare RFC-4 Packet bytes (the sender is the datagram's source host); stream messages carry
// one tag byte first, because the stream also tells the user's side that a peer joined or left
// (as a room server would) and must keep that ordered with the peer's reliable packets.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace dclcomms::simulator_transport {

enum class FrameTag : std::uint8_t {
  join = 1,    // the peer entered the room (no body)
  leave = 2,   // the peer left the room (no body)
  packet = 3,  // body: one bare RFC-4 Packet
};

struct Frame {
  FrameTag tag = FrameTag::packet;
  std::span<const std::uint8_t> body;  // a view into the message it was read from
};

std::vector<std::uint8_t> encode_frame(FrameTag tag, std::span<const std::uint8_t> body = {});

/// nullopt for an empty message, an unknown tag, or a body on join/leave.
std::optional<Frame> decode_frame(std::span<const std::uint8_t> message);

}  // namespace dclcomms::simulator_transport
