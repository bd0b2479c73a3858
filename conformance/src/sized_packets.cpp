#include "sized_packets.hpp"

#include <algorithm>
#include <string>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::conformance {

codec::Bytes chat_packet_of_size(std::size_t size_bytes) {
  DCL_ASSERT(size_bytes >= 3);
  const auto encode = [](std::size_t text) {
    codec::Packet p;
    p.mutable_chat()->set_message(std::string(text, 'x'));
    return codec::encode_packet(p);
  };
  // Two length prefixes (the chat field's and its message's) grow with the text: converge on them.
  std::size_t text = size_bytes > 16 ? size_bytes - 16 : 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const auto bytes = encode(text);
    if (bytes.size() == size_bytes) return bytes;
    if (bytes.size() > size_bytes && text == 0) break;
    text = text + size_bytes - bytes.size();
  }
  const auto bytes = encode(text);
  DCL_ASSERT(bytes.size() == size_bytes);  // every size from 3 up is reachable
  return bytes;
}

std::vector<std::size_t> payload_size_ladder(std::size_t limit) {
  std::vector<std::size_t> sizes;
  for (const std::size_t size : {std::size_t{16384}, std::size_t{16385}, std::size_t{30000}, std::size_t{32768}, std::size_t{49152},
                                 std::size_t{65000}, limit - 1, limit}) {
    if (size >= 3 && size <= limit) sizes.push_back(size);
  }
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

}  // namespace dclcomms::conformance
