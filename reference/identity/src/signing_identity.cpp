#include "dclcomms/identity/signing_identity.hpp"

#include <memory>

namespace dclcomms::identity {

transport::SigningIdentity make_signing_identity(auth::Identity identity) {
  auto shared = std::make_shared<const auth::Identity>(std::move(identity));
  return transport::SigningIdentity{
      .address = shared->owner_address,
      .sign_payload = [shared](std::string_view payload) { return auth::to_json(auth::sign_payload(*shared, payload)); },
  };
}

core::Result<transport::SigningIdentity, auth::AuthError> make_signing_identity(
    const std::array<std::uint8_t, 32>& owner_key, const std::array<std::uint8_t, 32>& ephemeral_key,
    std::int64_t expiration_unix_ms) {
  auto owner = auth::PrivateKey::from_bytes(owner_key);
  if (!owner) return core::Unexpected<auth::AuthError>{owner.error()};
  auto ephemeral = auth::PrivateKey::from_bytes(ephemeral_key);
  if (!ephemeral) return core::Unexpected<auth::AuthError>{ephemeral.error()};
  return make_signing_identity(auth::make_identity(*owner, *ephemeral, expiration_unix_ms));
}

}  // namespace dclcomms::identity
