#pragma once
// Shrinking, as property-based testing does it (QuickCheck, RapidCheck): when a packing case finds
// a packet that breaks the transport, it searches for a smaller packet that still breaks it, so the
// report shows the minimal failing input rather than a random 2 KB one.
//
// Greedy and deterministic: candidates are tried in a fixed order (clear a set field, drop an
// element of a repeated field (none in RFC-4 today; kept for schema growth), halve a string or bytes field, recursively through sub-messages),
// the first that still fails is kept, and the search restarts from it until no candidate fails or
// `attempts_max` candidates have been tried.

#include <functional>

#include "dclcomms/codec/messages.hpp"

namespace dclcomms::conformance {

struct ShrinkResult {
  codec::Packet packet;   // the smallest failing packet found
  int steps = 0;          // how many times a smaller failing packet was kept
  int attempts = 0;       // how many candidates were tried
};

ShrinkResult shrink_packet(const codec::Packet& failing, const std::function<bool(const codec::Packet&)>& still_fails,
                           int attempts_max = 400);

}  // namespace dclcomms::conformance
