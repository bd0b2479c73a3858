#include "dclcomms/simulator_transport/peer_address.hpp"

#include "dclcomms/core/prng.hpp"

namespace dclcomms::simulator_transport {

std::string peer_address(std::uint64_t seed, std::uint32_t index) {
  static constexpr char digits[] = "0123456789abcdef";
  auto prng = core::Prng::derive(seed, "peer-address:" + std::to_string(index));
  std::string address = "0x";
  address.reserve(42);
  // 20 bytes = two full 64-bit draws and half of a third.
  for (int word = 0; word < 3; ++word) {
    const std::uint64_t bits = prng.next_u64();
    const int nibbles = word < 2 ? 16 : 8;
    for (int i = 0; i < nibbles; ++i) address += digits[(bits >> (60 - 4 * i)) & 0xF];
  }
  DCL_ASSERT(address.size() == 42);
  return address;
}

}  // namespace dclcomms::simulator_transport
