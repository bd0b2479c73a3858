#include "dclcomms/signed_login/signed_fetch.hpp"

#include <nlohmann/json.hpp>

#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/core/ascii.hpp"

namespace dclcomms::signed_login {

std::string signed_fetch_payload(std::string_view method, std::string_view path, std::string_view timestamp_text,
                                 std::string_view metadata_json) {
  std::string payload;
  payload.append(method).append(":").append(path).append(":").append(timestamp_text).append(":");
  payload.append(metadata_json);
  // The whole string is lowercased, metadata included (upstream signs the lowercased JSON).
  return core::to_lower_ascii(payload);
}

std::string signed_fetch_payload(std::string_view method, std::string_view path, std::int64_t timestamp_ms,
                                 std::string_view metadata_json) {
  return signed_fetch_payload(method, path, std::string_view(std::to_string(timestamp_ms)), metadata_json);
}

std::string comms_handshake_metadata(std::string_view origin) {
  nlohmann::ordered_json metadata;
  metadata["intent"] = comms_handshake_intent;
  metadata["signer"] = explorer_signer;
  metadata["isGuest"] = false;
  metadata["origin"] = origin;
  return metadata.dump();
}

core::Result<transport::HttpHeaders, SignedFetchError> signed_fetch_headers(const transport::SigningIdentity& identity,
                                                                            std::string_view method, std::string_view path,
                                                                            std::int64_t timestamp_ms, std::string_view metadata_json) {
  const std::string payload = signed_fetch_payload(method, path, timestamp_ms, metadata_json);
  auto chain = auth::parse_auth_chain(identity.sign_payload(payload));
  if (!chain) {
    return core::fail(SignedFetchErrorCode::not_an_auth_chain,
                      "the identity's signer did not return an AuthChain: " + chain.error().message);
  }
  transport::HttpHeaders headers;
  for (std::size_t i = 0; i < chain->size(); ++i) {
    headers.emplace_back("x-identity-auth-chain-" + std::to_string(i), auth::to_json((*chain)[i]));
  }
  headers.emplace_back("x-identity-timestamp", std::to_string(timestamp_ms));
  headers.emplace_back("x-identity-metadata", std::string(metadata_json));
  return headers;
}

}  // namespace dclcomms::signed_login
