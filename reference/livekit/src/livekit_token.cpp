// Token decoding and checks on cpp-jwt: its base64url codec and HMAC verifier, and our own claim
// checks. We do not call jwt::decode() with verification on, because it compares exp/nbf with
// std::chrono::system_clock: the library must take "now" from its caller.
#include "dclcomms/livekit/livekit_token.hpp"

#include <jwt/jwt.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <utility>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::livekit {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::pair<TokenErrorCode, std::string_view>, 15> code_names{{
    {TokenErrorCode::malformed, "malformed"},
    {TokenErrorCode::bad_header, "bad_header"},
    {TokenErrorCode::bad_claim, "bad_claim"},
    {TokenErrorCode::bad_signature, "bad_signature"},
    {TokenErrorCode::wrong_issuer, "wrong_issuer"},
    {TokenErrorCode::missing_issuer, "missing_issuer"},
    {TokenErrorCode::missing_expiry, "missing_expiry"},
    {TokenErrorCode::expired, "expired"},
    {TokenErrorCode::not_yet_valid, "not_yet_valid"},
    {TokenErrorCode::missing_identity, "missing_identity"},
    {TokenErrorCode::no_video_grant, "no_video_grant"},
    {TokenErrorCode::room_join_not_granted, "room_join_not_granted"},
    {TokenErrorCode::missing_room, "missing_room"},
    {TokenErrorCode::cannot_publish_data, "cannot_publish_data"},
    {TokenErrorCode::cannot_subscribe, "cannot_subscribe"},
}};

bool is_base64url(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; }

struct Segments {
  std::string_view header, payload, signature;
};

/// The segments of a token that passed jwt_shape_problem().
Segments split_segments(std::string_view token) {
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot = token.find('.', first_dot + 1);
  return Segments{token.substr(0, first_dot), token.substr(first_dot + 1, second_dot - first_dot - 1), token.substr(second_dot + 1)};
}

core::Result<Json, TokenError> decode_object(std::string_view segment, std::string_view what) {
  const std::string text = jwt::base64_uri_decode(segment.data(), segment.size());
  Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return core::fail(TokenErrorCode::malformed, "the " + std::string(what) + " is not valid JSON");
  if (!value.is_object()) return core::fail(TokenErrorCode::malformed, "the " + std::string(what) + " is not a JSON object");
  return value;
}

TokenError claim_error(std::string_view name, std::string_view expected) {
  return TokenError{TokenErrorCode::bad_claim, "claim '" + std::string(name) + "' must be " + std::string(expected)};
}

// Reads an optional claim of one JSON type; a present claim of another type is an error.
template <class T>
bool read_claim(const Json& object, std::string_view name, std::optional<T>& out, std::optional<TokenError>& error) {
  const auto it = object.find(name);
  if (it == object.end()) return true;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return error = claim_error(name, "a string"), false;
    out = it->template get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) return error = claim_error(name, "a boolean"), false;
    out = it->template get<bool>();
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    // NumericDate: jose and LiveKit's Go issuers write whole seconds.
    if (!it->is_number_integer() || (it->is_number_unsigned() && it->template get<std::uint64_t>() > INT64_MAX)) {
      return error = claim_error(name, "an integer number of seconds (NumericDate)"), false;
    }
    out = it->template get<std::int64_t>();
  } else {
    static_assert(std::is_same_v<T, std::vector<std::string>>);
    if (!it->is_array()) return error = claim_error(name, "an array of strings"), false;
    std::vector<std::string> items;
    for (const auto& item : *it) {
      if (!item.is_string()) return error = claim_error(name, "an array of strings"), false;
      items.push_back(item.template get<std::string>());
    }
    out = std::move(items);
  }
  return true;
}

core::Result<LivekitClaims, TokenError> read_claims(const Json& payload) {
  LivekitClaims claims;
  std::optional<TokenError> error;
  const bool ok = read_claim(payload, "iss", claims.issuer, error) && read_claim(payload, "sub", claims.identity, error) &&
                  read_claim(payload, "name", claims.name, error) && read_claim(payload, "metadata", claims.metadata, error) &&
                  read_claim(payload, "nbf", claims.not_before, error) && read_claim(payload, "exp", claims.expires_at, error);
  if (!ok) return core::Unexpected<TokenError>{*error};
  const auto video = payload.find("video");
  if (video == payload.end()) return claims;
  if (!video->is_object()) return core::Unexpected<TokenError>{claim_error("video", "an object")};
  VideoGrant grant;
  const bool grant_ok = read_claim(*video, "roomJoin", grant.room_join, error) && read_claim(*video, "room", grant.room, error) &&
                        read_claim(*video, "roomList", grant.room_list, error) &&
                        read_claim(*video, "canPublish", grant.can_publish, error) &&
                        read_claim(*video, "canSubscribe", grant.can_subscribe, error) &&
                        read_claim(*video, "canPublishData", grant.can_publish_data, error) &&
                        read_claim(*video, "canUpdateOwnMetadata", grant.can_update_own_metadata, error) &&
                        read_claim(*video, "canPublishSources", grant.can_publish_sources, error);
  if (!grant_ok) {
    error->message.insert(std::string("claim '").size(), "video.");
    return core::Unexpected<TokenError>{*error};
  }
  claims.video = std::move(grant);
  return claims;
}

core::Result<core::Ok, TokenError> verify_signature(const Segments& segments, std::string_view token, std::string_view secret) {
  jwt::jwt_signature signer{jwt::string_view(secret.data(), secret.size())};
  const jwt::jwt_header header{jwt::algorithm::HS256};
  const std::size_t signed_bytes = segments.header.size() + 1 + segments.payload.size();
  const auto [matches, error] = signer.verify(header, jwt::string_view(token.data(), signed_bytes),
                                              jwt::string_view(segments.signature.data(), segments.signature.size()));
  if (error || !matches) {
    return core::fail(TokenErrorCode::bad_signature, "the HS256 signature does not verify with the API secret");
  }
  return core::Ok{};
}

}  // namespace

std::string_view to_string(TokenErrorCode code) {
  for (const auto& [c, name] : code_names) {
    if (c == code) return name;
  }
  DCL_ASSERT(false);
  return {};
}

std::optional<TokenErrorCode> token_error_code_from_string(std::string_view name) {
  for (const auto& [c, n] : code_names) {
    if (n == name) return c;
  }
  return std::nullopt;
}

std::optional<TokenError> jwt_shape_problem(std::string_view token) {
  const auto malformed = [](std::string message) { return TokenError{TokenErrorCode::malformed, std::move(message)}; };
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
    const auto segments = std::count(token.begin(), token.end(), '.') + 1;
    return malformed("it has " + std::to_string(segments) + (segments == 1 ? " segment" : " segments") +
                     ", a JWT has 3 '.'-separated segments (header.payload.signature)");
  }
  const Segments segments = split_segments(token);
  const std::array<std::string_view, 3> parts = {segments.header, segments.payload, segments.signature};
  constexpr std::array<std::string_view, 3> names = {"header", "payload", "signature"};
  for (std::size_t i = 0; i < 3; ++i) {
    if (parts[i].empty()) return malformed("its " + std::string(names[i]) + " segment is empty");
    // Four characters carry three bytes; a lone trailing character carries no whole byte.
    if (!std::all_of(parts[i].begin(), parts[i].end(), is_base64url) || parts[i].size() % 4 == 1) {
      return malformed("its " + std::string(names[i]) + " segment is not base64url (A-Z a-z 0-9 - _, no padding)");
    }
  }
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string text = jwt::base64_uri_decode(parts[i].data(), parts[i].size());
    const auto json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) return malformed("its " + std::string(names[i]) + " is not a JSON object");
    if (i == 0) {
      const auto alg = json.find("alg");
      if (alg == json.end() || !alg->is_string() || alg->get_ref<const std::string&>().empty()) {
        return TokenError{TokenErrorCode::bad_header, "its header has no \"alg\""};
      }
    }
  }
  return std::nullopt;
}

core::Result<LivekitClaims, TokenError> decode_livekit_token(std::string_view token) {
  if (auto problem = jwt_shape_problem(token)) return core::fail(problem->code, "the token: " + problem->message);
  const Segments segments = split_segments(token);
  auto header = decode_object(segments.header, "header");
  if (!header) return core::Unexpected<TokenError>{header.error()};
  auto payload = decode_object(segments.payload, "payload");
  if (!payload) return core::Unexpected<TokenError>{payload.error()};

  const auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string()) return core::fail(TokenErrorCode::bad_header, "the header has no string 'alg'");
  if (*alg != "HS256") return core::fail(TokenErrorCode::bad_header, "LiveKit tokens are HS256; the header says another 'alg'");
  const auto typ = header->find("typ");
  if (typ != header->end() && (!typ->is_string() || (*typ != "JWT" && *typ != "jwt"))) {
    return core::fail(TokenErrorCode::bad_header, "the header's 'typ' is present and not JWT");
  }
  return read_claims(*payload);
}

core::Result<core::Ok, TokenError> check_livekit_claims(const LivekitClaims& claims, const TokenRequirements& requirements) {
  if (!claims.issuer || claims.issuer->empty()) return core::fail(TokenErrorCode::missing_issuer, "no 'iss' (the API key)");
  if (!claims.expires_at) return core::fail(TokenErrorCode::missing_expiry, "no 'exp': LiveKit refuses tokens that never expire");
  if (!claims.identity || claims.identity->empty()) {
    return core::fail(TokenErrorCode::missing_identity, "no 'sub' (the participant identity)");
  }
  if (!claims.video) return core::fail(TokenErrorCode::no_video_grant, "no 'video' grant");
  const VideoGrant& video = *claims.video;
  if (!video.grants_room_join()) return core::fail(TokenErrorCode::room_join_not_granted, "video.roomJoin is not true");
  if (!video.room || video.room->empty()) return core::fail(TokenErrorCode::missing_room, "video.room is absent or empty");
  if (requirements.publish_data && !video.grants_publish_data()) {
    return core::fail(TokenErrorCode::cannot_publish_data, "video.canPublishData is false: this participant could not send");
  }
  if (requirements.subscribe && !video.grants_subscribe()) {
    return core::fail(TokenErrorCode::cannot_subscribe, "video.canSubscribe is false: this participant could not receive");
  }
  return core::Ok{};
}

core::Result<core::Ok, TokenError> check_livekit_token_time(const LivekitClaims& claims, std::int64_t unix_seconds_now,
                                                            std::int64_t leeway_seconds) {
  DCL_ASSERT(leeway_seconds >= 0);
  if (!claims.expires_at) return core::fail(TokenErrorCode::missing_expiry, "no 'exp': LiveKit refuses tokens that never expire");
  // Written as now - leeway so that a hostile exp near INT64_MAX cannot overflow.
  if (unix_seconds_now - leeway_seconds >= *claims.expires_at) {
    return core::fail(TokenErrorCode::expired, "expired at " + std::to_string(*claims.expires_at) + " (now " +
                                                   std::to_string(unix_seconds_now) + ", leeway " + std::to_string(leeway_seconds) + " s)");
  }
  if (claims.not_before && unix_seconds_now + leeway_seconds < *claims.not_before) {
    return core::fail(TokenErrorCode::not_yet_valid, "not valid before " + std::to_string(*claims.not_before) + " (now " +
                                                         std::to_string(unix_seconds_now) + ", leeway " + std::to_string(leeway_seconds) +
                                                         " s)");
  }
  return core::Ok{};
}

core::Result<LivekitClaims, TokenError> validate_livekit_token(std::string_view token, const TokenCheck& check) {
  auto claims = decode_livekit_token(token);
  if (!claims) return claims;
  if (check.credentials) {
    // The signature first: nothing in an unsigned payload is worth reporting on.
    auto signed_ok = verify_signature(split_segments(token), token, check.credentials->api_secret);
    if (!signed_ok) return core::Unexpected<TokenError>{signed_ok.error()};
    if (claims->issuer && *claims->issuer != check.credentials->api_key) {
      return core::fail(TokenErrorCode::wrong_issuer, "'iss' is not this server's API key");
    }
  }
  if (!claims->issuer || claims->issuer->empty()) return core::fail(TokenErrorCode::missing_issuer, "no 'iss' (the API key)");
  auto in_time = check_livekit_token_time(*claims, check.unix_seconds_now, check.leeway_seconds);
  if (!in_time) return core::Unexpected<TokenError>{in_time.error()};
  auto granted = check_livekit_claims(*claims, check.requirements);
  if (!granted) return core::Unexpected<TokenError>{granted.error()};
  return claims;
}

std::string mint_livekit_token(const LivekitClaims& claims, std::string_view api_secret) {
  Json payload = Json::object();
  if (claims.issuer) payload["iss"] = *claims.issuer;
  if (claims.identity) payload["sub"] = *claims.identity;
  if (claims.name) payload["name"] = *claims.name;
  if (claims.metadata) payload["metadata"] = *claims.metadata;
  if (claims.not_before) payload["nbf"] = *claims.not_before;
  if (claims.expires_at) payload["exp"] = *claims.expires_at;
  if (claims.video) {
    const VideoGrant& v = *claims.video;
    Json video = Json::object();
    if (v.room_join) video["roomJoin"] = *v.room_join;
    if (v.room) video["room"] = *v.room;
    if (v.room_list) video["roomList"] = *v.room_list;
    if (v.can_publish) video["canPublish"] = *v.can_publish;
    if (v.can_subscribe) video["canSubscribe"] = *v.can_subscribe;
    if (v.can_publish_data) video["canPublishData"] = *v.can_publish_data;
    if (v.can_update_own_metadata) video["canUpdateOwnMetadata"] = *v.can_update_own_metadata;
    if (v.can_publish_sources) video["canPublishSources"] = *v.can_publish_sources;
    payload["video"] = std::move(video);
  }
  // Same header as livekit-server-sdk: {"alg":"HS256"} with no typ. nlohmann::json sorts keys, so
  // equal claims give equal tokens.
  auto encode = [](const std::string& text) {
    std::string out = jwt::base64_encode(text.data(), text.size());
    out.resize(jwt::base64_uri_encode(out.data(), out.size()));
    return out;
  };
  const std::string signing_input = encode(R"({"alg":"HS256"})") + "." +
                                    encode(payload.dump(-1, ' ', false, Json::error_handler_t::replace));
  const auto [signature, error] = jwt::HMACSign<jwt::algo::HS256>::sign(jwt::string_view(api_secret.data(), api_secret.size()),
                                                                        jwt::string_view(signing_input.data(), signing_input.size()));
  DCL_ASSERT(!error);
  return signing_input + "." + encode(signature);
}

LivekitClaims decentraland_claims(std::string api_key, std::string identity, std::string room, std::int64_t not_before,
                                  std::int64_t expires_at) {
  LivekitClaims claims;
  claims.issuer = std::move(api_key);
  claims.identity = std::move(identity);
  claims.not_before = not_before;
  claims.expires_at = expires_at;
  VideoGrant video;
  video.room_join = true;
  video.room = std::move(room);
  video.room_list = false;
  video.can_publish = true;
  video.can_subscribe = true;
  video.can_publish_data = true;
  video.can_update_own_metadata = true;
  video.can_publish_sources = std::vector<std::string>{"microphone"};
  claims.video = std::move(video);
  return claims;
}

}  // namespace dclcomms::livekit
