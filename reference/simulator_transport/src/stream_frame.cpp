#include "dclcomms/simulator_transport/stream_frame.hpp"

namespace dclcomms::simulator_transport {

std::vector<std::uint8_t> encode_frame(FrameTag tag, std::span<const std::uint8_t> body) {
  std::vector<std::uint8_t> out;
  out.reserve(1 + body.size());
  out.push_back(static_cast<std::uint8_t>(tag));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

std::optional<Frame> decode_frame(std::span<const std::uint8_t> message) {
  if (message.empty()) return std::nullopt;
  const auto tag = static_cast<FrameTag>(message[0]);
  const auto body = message.subspan(1);
  switch (tag) {
    case FrameTag::join:
    case FrameTag::leave:
      if (!body.empty()) return std::nullopt;
      return Frame{.tag = tag, .body = body};
    case FrameTag::packet: return Frame{.tag = tag, .body = body};
  }
  return std::nullopt;
}

}  // namespace dclcomms::simulator_transport
