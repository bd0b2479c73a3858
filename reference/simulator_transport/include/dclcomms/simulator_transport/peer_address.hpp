#pragma once
// Addresses of the virtual peers: Ethereum-shaped (0x + 40 lowercase hex digits) and derived only
// from (seed, index), so the same URI always names the same crowd. No key pair exists behind them:
// the simulator signs nothing, and a real explorer never sees these addresses outside a test.

#include <cstdint>
#include <string>

namespace dclcomms::simulator_transport {

/// The address of virtual peer `index` under `seed`: 20 bytes drawn from the PRNG stream
/// `peer-address:<index>`, lower-case hex with a 0x prefix (42 characters).
std::string peer_address(std::uint64_t seed, std::uint32_t index);

}  // namespace dclcomms::simulator_transport
