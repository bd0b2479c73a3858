#pragma once
// Internal: the process-wide libsecp256k1 context and public key -> address.

#include <secp256k1.h>

#include <string>

namespace dclcomms::auth::detail {

/// Created once (SECP256K1_CONTEXT_NONE: the SIGN/VERIFY flags are deprecated since 0.2.0) and never
/// destroyed. Signing and recovery only read the context, so sharing it across threads is safe.
/// No randomisation: it only blinds against side channels on this machine's own keys, and our
/// keys are test identities.
const secp256k1_context* secp256k1_ctx();

/// EIP-55 address of an uncompressed public key: last 20 bytes of keccak256(x || y).
std::string address_of(const secp256k1_pubkey& pubkey);

}  // namespace dclcomms::auth::detail
