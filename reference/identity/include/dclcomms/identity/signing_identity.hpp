#pragma once
// Glue between reference/auth (AuthChains) and the transports' SigningIdentity: an explorer-style
// login identity (wallet key + ephemeral key) whose signer returns AuthChain JSON.

#include <array>
#include <cstdint>

#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::identity {

/// Wraps an AuthChain identity: address = the owner (lowercase), signer = sign_payload -> JSON.
transport::SigningIdentity make_signing_identity(auth::Identity identity);

/// The identity of wallet `owner_key`, delegating to `ephemeral_key` until `expiration_unix_ms`.
core::Result<transport::SigningIdentity, auth::AuthError> make_signing_identity(const std::array<std::uint8_t, 32>& owner_key,
                                                                                const std::array<std::uint8_t, 32>& ephemeral_key,
                                                                                std::int64_t expiration_unix_ms);

/// Rebuilds an identity from what an explorer holds: its [SIGNER, ECDSA_EPHEMERAL] chain and the
/// ephemeral private key (the driver protocol hands these to out-of-process transports).
core::Result<transport::SigningIdentity, auth::AuthError> signing_identity_from_parts(std::string_view base_chain_json,
                                                                                      std::string_view ephemeral_key_hex);

}  // namespace dclcomms::identity
