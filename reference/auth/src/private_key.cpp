#include <secp256k1.h>

#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/core/assert.hpp"
#include "secp256k1_support.hpp"

namespace dclcomms::auth {

core::Result<PrivateKey, AuthError> PrivateKey::from_bytes(const std::array<std::uint8_t, 32>& bytes) {
  // seckey_verify rejects 0 and anything >= the group order n.
  if (secp256k1_ec_seckey_verify(detail::secp256k1_ctx(), bytes.data()) != 1) {
    return core::fail(AuthErrorCode::bad_key, "private key is 0 or not below the secp256k1 group order");
  }
  return PrivateKey(bytes);
}

std::string PrivateKey::address() const {
  secp256k1_pubkey pubkey;
  // Cannot fail: from_bytes only admits valid keys.
  const int created = secp256k1_ec_pubkey_create(detail::secp256k1_ctx(), &pubkey, bytes_.data());
  DCL_ASSERT(created == 1);
  return detail::address_of(pubkey);
}

}  // namespace dclcomms::auth
