#pragma once
// Tokens for the room server's tests: one API key/secret, a fixed Unix time, full data grants.

#include <cstdint>
#include <string>

#include "dclcomms/livekit/livekit_token.hpp"

namespace dclcomms::livekit_server::test_tokens {

inline constexpr std::int64_t now_s = 1'800'000'000;
inline const livekit::ApiCredentials credentials{"devkey", "secret-secret-secret-secret-secret"};

inline std::string token(const std::string& identity, const std::string& room = "plaza",
                         const std::string& secret = credentials.api_secret) {
  livekit::LivekitClaims claims;
  claims.issuer = credentials.api_key;
  claims.identity = identity;
  claims.name = identity + " name";
  claims.not_before = now_s - 10;
  claims.expires_at = now_s + 3600;
  livekit::VideoGrant grant;
  grant.room_join = true;
  grant.room = room;
  claims.video = grant;
  return livekit::mint_livekit_token(claims, secret);
}

}  // namespace dclcomms::livekit_server::test_tokens
