#pragma once
// The identities of a simulated room's members: deterministic from (seed, member number), valid
// secp256k1 keys, AuthChains that stay valid a day past clock_origin_unix_ms. The same seed gives
// the same addresses, so transcripts and digests repeat; a member number gives distinct keys.

#include <cstdint>

#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::sim_room {

/// The identity of member `n` of a room run with `seed` (by convention 0 is the transport under
/// test, 1.. the reference peers).
transport::SigningIdentity member_identity(std::uint64_t seed, std::uint32_t n);

}  // namespace dclcomms::sim_room
