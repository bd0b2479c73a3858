#include "dclcomms/sim_room/identities.hpp"

#include <array>
#include <string>

#include "dclcomms/core/prng.hpp"
#include "dclcomms/identity/signing_identity.hpp"
#include "dclcomms/sim_room/clock_origin.hpp"

namespace dclcomms::sim_room {

transport::SigningIdentity member_identity(std::uint64_t seed, std::uint32_t n) {
  core::Prng prng = core::Prng::derive(seed, "identity:" + std::to_string(n));
  std::array<std::uint8_t, 32> owner{}, ephemeral{};
  for (auto* key : {&owner, &ephemeral}) {
    for (std::size_t i = 0; i < key->size(); i += 8) {
      const std::uint64_t word = prng.next_u64();
      for (std::size_t b = 0; b < 8; ++b) (*key)[i + b] = static_cast<std::uint8_t>(word >> (8 * b));
    }
    (*key)[0] &= 0x7f;  // below the curve order: always a valid key
    (*key)[31] |= 1;    // never zero
  }
  return identity::make_signing_identity(owner, ephemeral, clock_origin_unix_ms + 24LL * 3600 * 1000).value();
}

}  // namespace dclcomms::sim_room
