#pragma once
// LiveKit access tokens (spec §6.2): HS256 JWTs whose `iss` is the API key, `sub` the participant
// identity, `nbf`/`exp` the validity window and `video` the room grant.
//
// The checks never read a clock: the caller passes "now" in Unix seconds (the simulator derives it
// from virtual time, production from the wall clock). Messages name the claim that is wrong and
// never quote the token (it is a credential).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dclcomms/core/result.hpp"

namespace dclcomms::livekit {

enum class TokenErrorCode : std::uint8_t {
  malformed,              // not three base64url segments whose first two are JSON objects
  bad_header,             // `alg` is not HS256, or `typ` is present and not JWT
  bad_claim,              // a claim has the wrong JSON type (the message names it)
  bad_signature,          // HMAC-SHA256 with the API secret does not match
  wrong_issuer,           // `iss` is not the API key
  missing_issuer,         // no `iss`
  missing_expiry,         // no `exp` (LiveKit's verifiers require it: livekit/protocol#1706)
  expired,                // now >= exp (+ leeway)
  not_yet_valid,          // now < nbf (- leeway)
  missing_identity,       // no (or an empty) `sub`
  no_video_grant,         // no `video` object
  room_join_not_granted,  // video.roomJoin is not true
  missing_room,           // video.room absent or empty
  cannot_publish_data,    // video.canPublishData is false, and the check requires it
  cannot_subscribe,       // video.canSubscribe is false, and the check requires it
};
std::string_view to_string(TokenErrorCode code);
/// The code whose to_string() is `name`, if any (for fixtures that name expected errors).
std::optional<TokenErrorCode> token_error_code_from_string(std::string_view name);

using TokenError = core::Error<TokenErrorCode>;

/// The `video` grant. Absent booleans keep LiveKit's documented defaults: canPublish,
/// canSubscribe and canPublishData default to true, roomJoin (and the admin grants) to false.
struct VideoGrant {
  std::optional<bool> room_join;
  std::optional<std::string> room;
  std::optional<bool> room_list;
  std::optional<bool> can_publish;
  std::optional<bool> can_subscribe;
  std::optional<bool> can_publish_data;
  std::optional<bool> can_update_own_metadata;
  std::optional<std::vector<std::string>> can_publish_sources;

  bool grants_room_join() const { return room_join.value_or(false); }
  bool grants_publish_data() const { return can_publish_data.value_or(true); }
  bool grants_subscribe() const { return can_subscribe.value_or(true); }
};

/// The claims LiveKit reads. Other claims are ignored (and kept by nobody).
struct LivekitClaims {
  std::optional<std::string> issuer;    // iss: the API key
  std::optional<std::string> identity;  // sub
  std::optional<std::string> name;
  std::optional<std::string> metadata;     // a JSON string, opaque here
  std::optional<std::int64_t> not_before;  // nbf, Unix seconds
  std::optional<std::int64_t> expires_at;  // exp, Unix seconds
  std::optional<VideoGrant> video;
};

struct ApiCredentials {
  std::string api_key;
  std::string api_secret;
};

/// What a comms transport needs on top of joining: it sends and receives data.
struct TokenRequirements {
  bool publish_data = true;
  bool subscribe = true;
};

struct TokenCheck {
  std::int64_t unix_seconds_now = 0;
  /// Clock tolerance on both ends of the window. livekit-server-sdk's TokenVerifier uses 10 s.
  std::int64_t leeway_seconds = 10;
  /// With credentials: `iss` must be the key and the HS256 signature must verify with the secret.
  /// Without: structure, times and grants only (a client cannot know the secret).
  std::optional<ApiCredentials> credentials;
  TokenRequirements requirements;
};

/// The shape of a JWS compact serialisation (RFC 7515 §7.1) as LiveKit tokens have it: three
/// non-empty base64url segments (no padding), a JSON-object header with a non-empty string "alg",
/// a JSON-object payload. Null when `token` has that shape; otherwise what is wrong (`code`:
/// malformed, or bad_header for a missing "alg") with a message that never quotes the token (a
/// credential; messages end up in logs). The project's one JWT shape check: connection strings
/// (livekit_uri) and decode_livekit_token() both use it.
std::optional<TokenError> jwt_shape_problem(std::string_view token);

/// Structure only: three base64url segments (no padding), a JSON-object header with alg HS256
/// (typ JWT if present), a JSON-object payload whose known claims have the right types. No
/// signature, time or grant check.
core::Result<LivekitClaims, TokenError> decode_livekit_token(std::string_view token);

/// Presence and grants, independent of time: iss, exp, sub, video.roomJoin, video.room, and the
/// data grants `requirements` asks for.
core::Result<core::Ok, TokenError> check_livekit_claims(const LivekitClaims& claims, const TokenRequirements& requirements);

/// The validity window: exp required; nbf optional. Valid iff nbf - leeway <= now < exp + leeway.
core::Result<core::Ok, TokenError> check_livekit_token_time(const LivekitClaims& claims, std::int64_t unix_seconds_now,
                                                            std::int64_t leeway_seconds);

/// Everything, first problem wins, in this order: structure, signature and issuer (with
/// credentials), missing iss, time, identity, grants.
core::Result<LivekitClaims, TokenError> validate_livekit_token(std::string_view token, const TokenCheck& check);

/// Mints an HS256 token with the given claims (`iss` = claims.issuer). For tests and simulated
/// deployments; production tokens come from the deployment's own issuer. Invalid UTF-8 in a string
/// claim is written as U+FFFD (JSON cannot carry it).
std::string mint_livekit_token(const LivekitClaims& claims, std::string_view api_secret);

/// Claims as Decentraland's issuers write them (spec §6.2): the full comms grant for `room`.
LivekitClaims decentraland_claims(std::string api_key, std::string identity, std::string room, std::int64_t not_before,
                                  std::int64_t expires_at);

}  // namespace dclcomms::livekit
