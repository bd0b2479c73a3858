#include "dclcomms/identity/signing_identity.hpp"

#include <memory>

#include "dclcomms/core/ascii.hpp"
#include "dclcomms/core/hex.hpp"

namespace dclcomms::identity {

transport::SigningIdentity make_signing_identity(auth::Identity identity) {
  auto shared = std::make_shared<const auth::Identity>(std::move(identity));
  return transport::SigningIdentity{
      .address = shared->owner_address,
      .sign_payload = [shared](std::string_view payload) { return auth::to_json(auth::sign_payload(*shared, payload)); },
      .base_chain_json = auth::to_json(shared->base_chain),
      .ephemeral_key_hex = core::to_hex(shared->ephemeral_key.bytes()),
  };
}

core::Result<transport::SigningIdentity, auth::AuthError> signing_identity_from_parts(std::string_view base_chain_json,
                                                                                      std::string_view ephemeral_key_hex) {
  auto chain = auth::parse_auth_chain(base_chain_json);
  if (!chain) return core::Unexpected<auth::AuthError>{chain.error()};
  const auto key_bytes = core::from_hex(ephemeral_key_hex);
  if (!key_bytes || key_bytes->size() != 32 || chain->empty() || chain->front().type != auth::AuthLinkType::signer) {
    return core::fail(auth::AuthErrorCode::bad_key, "an identity needs a chain starting with SIGNER and a 32-byte ephemeral key");
  }
  std::array<std::uint8_t, 32> raw{};
  std::copy(key_bytes->begin(), key_bytes->end(), raw.begin());
  auto key = auth::PrivateKey::from_bytes(raw);
  if (!key) return core::Unexpected<auth::AuthError>{key.error()};
  std::string owner = core::to_lower_ascii(chain->front().payload);
  return make_signing_identity(auth::Identity{std::move(owner), *key, std::move(chain).value()});
}

core::Result<transport::SigningIdentity, auth::AuthError> make_signing_identity(const std::array<std::uint8_t, 32>& owner_key,
                                                                                const std::array<std::uint8_t, 32>& ephemeral_key,
                                                                                std::int64_t expiration_unix_ms) {
  auto owner = auth::PrivateKey::from_bytes(owner_key);
  if (!owner) return core::Unexpected<auth::AuthError>{owner.error()};
  auto ephemeral = auth::PrivateKey::from_bytes(ephemeral_key);
  if (!ephemeral) return core::Unexpected<auth::AuthError>{ephemeral.error()};
  return make_signing_identity(auth::make_identity(*owner, *ephemeral, expiration_unix_ms));
}

}  // namespace dclcomms::identity
