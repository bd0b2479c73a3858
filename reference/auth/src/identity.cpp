// Building chains the way explorers do (@dcl/crypto initializeAuthChain + signPayload).
#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/auth/detail/ephemeral_payload.hpp"
#include "dclcomms/auth/detail/eth.hpp"

namespace dclcomms::auth {

Identity make_identity(const PrivateKey& owner, const PrivateKey& ephemeral, std::int64_t expiration_unix_ms) {
  // SIGNER carries the owner in lowercase (what servers normalise identities to); the delegation
  // names the ephemeral key in EIP-55 case, as upstream's identity objects do.
  std::string owner_address = detail::ascii_lower(owner.address());
  const std::string delegation = detail::make_ephemeral_payload(ephemeral.address(), expiration_unix_ms);
  AuthChain chain;
  chain.push_back(AuthLink{AuthLinkType::signer, owner_address, ""});
  chain.push_back(AuthLink{AuthLinkType::ecdsa_ephemeral, delegation, personal_sign(owner, delegation)});
  return Identity{std::move(owner_address), ephemeral, std::move(chain)};
}

AuthChain sign_payload(const Identity& identity, std::string_view payload) {
  AuthChain chain = identity.base_chain;
  chain.push_back(AuthLink{AuthLinkType::ecdsa_signed_entity, std::string(payload), personal_sign(identity.ephemeral_key, payload)});
  return chain;
}

}  // namespace dclcomms::auth
