// EIP-191 personal_sign and recovery with libsecp256k1's recovery module.
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/auth/detail/eth.hpp"
#include "dclcomms/core/assert.hpp"
#include "secp256k1_support.hpp"

namespace dclcomms::auth {

std::string personal_sign(const PrivateKey& key, std::string_view message) {
  const detail::Hash32 hash = detail::personal_message_hash(message);
  secp256k1_ecdsa_recoverable_signature sig;
  // NULL nonce function = RFC 6979, so signatures are deterministic and byte-identical to ethers;
  // libsecp256k1 always produces low-s.
  const int signed_ok = secp256k1_ecdsa_sign_recoverable(detail::secp256k1_ctx(), &sig, hash.data(), key.bytes().data(), nullptr, nullptr);
  DCL_ASSERT(signed_ok == 1);  // only fails for invalid keys, which PrivateKey cannot hold
  detail::Signature65 out{};
  int recid = -1;
  const int serialized = secp256k1_ecdsa_recoverable_signature_serialize_compact(detail::secp256k1_ctx(), out.data(), &recid, &sig);
  DCL_ASSERT(serialized == 1);
  DCL_ASSERT(recid == 0 || recid == 1);  // 2/3 need r >= n - p: practically unreachable, never by RFC 6979 here
  out[64] = static_cast<std::uint8_t>(27 + recid);
  return detail::signature_to_hex(out);
}

core::Result<std::string, AuthError> recover_personal_signer(std::string_view message, std::string_view signature) {
  auto parsed = detail::parse_signature(signature);
  if (!parsed.ok()) return core::Unexpected<AuthError>{parsed.error()};
  const detail::Signature65& sig = *parsed;
  secp256k1_ecdsa_recoverable_signature rsig;
  // parse_compact rejects r or s >= n. High s (s > n/2) is accepted here and by recover, as upstream
  // @dcl/crypto does: see docs/authchain.md.
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(detail::secp256k1_ctx(), &rsig, sig.data(), sig[64] - 27) != 1) {
    return core::fail(AuthErrorCode::bad_signature_format, "signature r or s is not below the group order");
  }
  const detail::Hash32 hash = detail::personal_message_hash(message);
  secp256k1_pubkey pubkey;
  if (secp256k1_ecdsa_recover(detail::secp256k1_ctx(), &pubkey, &rsig, hash.data()) != 1) {
    return core::fail(AuthErrorCode::bad_signature_format,
                      "signature does not recover to any public key (r is not an x coordinate on the curve, or r/s is 0)");
  }
  return detail::address_of(pubkey);
}

}  // namespace dclcomms::auth
