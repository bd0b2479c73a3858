#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/core/assert.hpp"

namespace dclcomms::auth {

std::string_view to_string(AuthErrorCode code) {
  switch (code) {
    case AuthErrorCode::malformed_json: return "malformed_json";
    case AuthErrorCode::empty_chain: return "empty_chain";
    case AuthErrorCode::missing_signer: return "missing_signer";
    case AuthErrorCode::signer_not_first: return "signer_not_first";
    case AuthErrorCode::unknown_link_type: return "unknown_link_type";
    case AuthErrorCode::bad_signature_format: return "bad_signature_format";
    case AuthErrorCode::bad_ephemeral_payload: return "bad_ephemeral_payload";
    case AuthErrorCode::bad_address: return "bad_address";
    case AuthErrorCode::expired: return "expired";
    case AuthErrorCode::signer_mismatch: return "signer_mismatch";
    case AuthErrorCode::payload_mismatch: return "payload_mismatch";
    case AuthErrorCode::needs_onchain_check: return "needs_onchain_check";
    case AuthErrorCode::onchain_check_failed: return "onchain_check_failed";
    case AuthErrorCode::bad_key: return "bad_key";
  }
  DCL_ASSERT(false);
  return {};
}

std::string_view to_wire_string(AuthLinkType type) {
  switch (type) {
    case AuthLinkType::signer: return "SIGNER";
    case AuthLinkType::ecdsa_ephemeral: return "ECDSA_EPHEMERAL";
    case AuthLinkType::ecdsa_signed_entity: return "ECDSA_SIGNED_ENTITY";
    case AuthLinkType::ecdsa_eip_1654_ephemeral: return "ECDSA_EIP_1654_EPHEMERAL";
    case AuthLinkType::ecdsa_eip_1654_signed_entity: return "ECDSA_EIP_1654_SIGNED_ENTITY";
  }
  DCL_ASSERT(false);
  return {};
}

}  // namespace dclcomms::auth
