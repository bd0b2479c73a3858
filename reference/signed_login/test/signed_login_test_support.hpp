#pragma once
// Shared pieces of the signed-login tests: deterministic identities and requests.

#include <array>

#include "dclcomms/identity/signing_identity.hpp"
#include "dclcomms/signed_login/signed_fetch.hpp"
#include "dclcomms/transport/message_server.hpp"

namespace dclcomms::signed_login::testing {

inline constexpr std::int64_t now_ms = 1790000000000;  // a fixed "wall clock"

inline transport::SigningIdentity identity_of(std::uint8_t n) {
  std::array<std::uint8_t, 32> owner{}, ephemeral{};
  owner[31] = n;
  ephemeral[31] = static_cast<std::uint8_t>(n + 50);
  return identity::make_signing_identity(owner, ephemeral, now_ms + 3600'000).value();
}

inline transport::HttpServerRequest signed_request(const std::string& path, std::int64_t timestamp_ms = now_ms, std::string metadata = "") {
  if (metadata.empty()) metadata = comms_handshake_metadata("https://example.org");
  transport::HttpServerRequest request;
  request.method = "POST";
  request.target = path;
  request.headers = signed_fetch_headers(identity_of(1), "POST", path, timestamp_ms, metadata).value();
  return request;
}

}  // namespace dclcomms::signed_login::testing
