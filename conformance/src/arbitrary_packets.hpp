#pragma once
// Property-based packing cases with RapidCheck: arbitrary RFC-4 Packets from RapidCheck's generator
// (dclcomms/codec/arbitrary_messages.hpp: every field of the schema, NaN/±inf/-0.0, multi-byte
// UTF-8), reproducible from the case's seed, each with RapidCheck's own shrink tree. When a packet
// breaks the transport, shrink() walks that tree the way RapidCheck's runner does — take the first
// smaller packet that still fails, repeat — so the report names the minimal failing packet.

#include <rapidcheck.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "dclcomms/codec/messages.hpp"

namespace dclcomms::conformance {

class ArbitraryPackets {
 public:
  /// Packets for `stream` (a name, so that two streams of one case differ) under `seed`.
  ArbitraryPackets(std::uint64_t seed, std::string_view stream);
  /// The next packet and its shrink tree; sizes sweep 0..100 over `count` draws, as rc::check does.
  rc::Shrinkable<codec::Packet> next(int count);

 private:
  rc::Random random_;
  int index_ = 0;
};

struct ShrinkResult {
  codec::Packet packet;  // the smallest failing packet found
  int steps = 0;         // how many times a smaller failing packet was kept
  int attempts = 0;      // how many candidates were tried
};

/// "; shrunk (N steps, M candidates tried) to the minimal failing packet <json> (<k> bytes: <hex>)",
/// for the end of a failure's detail. `same_failure`: candidates had to fail the way the original did.
std::string describe(const ShrinkResult& result, bool same_failure = false);

/// Greedy descent through `failing`'s shrink tree, at most `attempts_max` candidates.
ShrinkResult shrink(const rc::Shrinkable<codec::Packet>& failing, const std::function<bool(const codec::Packet&)>& still_fails,
                    int attempts_max = 300);

}  // namespace dclcomms::conformance
