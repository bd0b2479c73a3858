#pragma once
// Arbitrary RFC-4 Packets from a named PRNG (deterministic by seed), covering every oneof member,
// special floats, multi-byte UTF-8 and unknown enum values — for the packing cases.

#include "dclcomms/codec/messages.hpp"
#include "dclcomms/core/prng.hpp"

namespace dclcomms::conformance {

codec::Packet random_packet(core::Prng& prng);

}  // namespace dclcomms::conformance
