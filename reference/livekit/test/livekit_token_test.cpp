// Token checks against tokens minted by the official livekit-server-sdk (fixtures/livekit/tokens.json,
// written by conformance/interop/livekit/make_tokens.js), plus edge cases and properties.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "dclcomms/livekit/livekit_token.hpp"

namespace dclcomms::livekit {
namespace {

nlohmann::json load_fixture() {
  std::ifstream in(std::string(DCLCOMMS_SOURCE_DIR) + "/fixtures/livekit/tokens.json");
  EXPECT_TRUE(in.good()) << "fixtures/livekit/tokens.json missing";
  return nlohmann::json::parse(in);
}

std::string verdict(const core::Result<LivekitClaims, TokenError>& result) {
  return result.ok() ? "ok" : std::string(to_string(result.error().code));
}

constexpr std::int64_t t0 = 1790000000;
const ApiCredentials credentials{"APIkey", "a-secret-of-at-least-thirty-two-bytes!!"};

TokenCheck check_at(std::int64_t now, bool with_secret = true) {
  TokenCheck check;
  check.unix_seconds_now = now;
  check.leeway_seconds = 0;
  if (with_secret) check.credentials = credentials;
  return check;
}

std::string good_token() { return mint_livekit_token(decentraland_claims("APIkey", "0xabc", "I1", t0, t0 + 300), credentials.api_secret); }

std::string b64url(std::string_view text) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    buffer = (buffer << 8) | static_cast<std::uint8_t>(c);
    bits += 8;
    while (bits >= 6) out += alphabet[(buffer >> (bits -= 6)) & 63];
  }
  if (bits > 0) out += alphabet[(buffer << (6 - bits)) & 63];
  return out;
}

std::string unsigned_token(std::string_view header, std::string_view payload) { return b64url(header) + "." + b64url(payload) + ".c2ln"; }

TEST(LivekitTokenFixture, EveryCaseGivesTheRecordedVerdict) {
  const auto fixture = load_fixture();
  ASSERT_EQ(fixture["sdk"], "livekit-server-sdk@2.19.2");
  const ApiCredentials server{fixture["api_key"], fixture["api_secret"]};
  std::size_t valid = 0, negative = 0;
  for (const auto& c : fixture["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const std::string token = c["token"];
    TokenCheck check;
    check.unix_seconds_now = c["check_at"];
    check.leeway_seconds = fixture["leeway_seconds"];
    check.credentials = server;
    const auto with_secret = validate_livekit_token(token, check);
    EXPECT_EQ(verdict(with_secret), c["expect"].get<std::string>()) << (with_secret.ok() ? "" : with_secret.error().message);
    check.credentials.reset();
    EXPECT_EQ(verdict(validate_livekit_token(token, check)), c["expect_without_secret"].get<std::string>());
    // Whenever the SDK's own verifier (signature, iss, exp, nbf) refuses a token, so do we.
    if (c["sdk_verifier"] != "ok") {
      check.credentials = server;
      EXPECT_FALSE(validate_livekit_token(token, check).ok());
    }
    if (with_secret.ok()) {
      ++valid;
      EXPECT_FALSE(with_secret->identity->empty());
      EXPECT_TRUE(with_secret->video->grants_publish_data());
    } else {
      ++negative;
      EXPECT_EQ(with_secret.error().message.find(token), std::string::npos) << "never quote the token";
    }
  }
  EXPECT_GE(valid, 4u);
  EXPECT_GE(negative, 10u);
}

TEST(LivekitTokenFixture, ClaimsOfTheIslandTokenAreReadExactly) {
  const auto fixture = load_fixture();
  const auto& c = fixture["cases"][0];
  ASSERT_EQ(c["name"], "valid_island");
  const auto claims = decode_livekit_token(c["token"].get<std::string>());
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(*claims->issuer, "APIdclcommsTest");
  EXPECT_EQ(*claims->identity, "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
  EXPECT_EQ(*claims->not_before, 1790000000);
  EXPECT_EQ(*claims->expires_at, 1790000300);
  EXPECT_EQ(*claims->video->room, "I1");
  EXPECT_EQ(*claims->video->can_publish_sources, std::vector<std::string>{"microphone"});
  EXPECT_FALSE(*claims->video->room_list);
}

TEST(LivekitTokenFixture, OurMintedTokensVerifyWithTheFixtureSecretAndFailWithAnother) {
  const auto fixture = load_fixture();
  const ApiCredentials server{fixture["api_key"], fixture["api_secret"]};
  const auto token = mint_livekit_token(decentraland_claims(server.api_key, "0xabc", "I1", t0, t0 + 300), server.api_secret);
  TokenCheck check = check_at(t0);
  check.credentials = server;
  EXPECT_TRUE(validate_livekit_token(token, check).ok());
  check.credentials->api_secret = "other";
  EXPECT_EQ(verdict(validate_livekit_token(token, check)), "bad_signature");
}

TEST(LivekitToken, MalformedStructures) {
  for (const std::string token : {"", "abc", "a.b", "a.b.c.d", ".b.c", "a..c", "a.b.", "a=.b.c", "a+b.c.d", "YQ.e30.c2ln",
                                  "eyJhbGciOiJIUzI1NiJ9.e30.c", "eyJhbGciOiJIUzI1NiJ9.a.c2ln"}) {
    SCOPED_TRACE(token);
    const auto r = decode_livekit_token(token);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, TokenErrorCode::malformed) << r.error().message;
  }
  EXPECT_EQ(decode_livekit_token(unsigned_token("[1]", "{}")).error().code, TokenErrorCode::malformed);
  EXPECT_EQ(decode_livekit_token(unsigned_token(R"({"alg":"HS256"})", "\"x\"")).error().code, TokenErrorCode::malformed);
  EXPECT_NE(decode_livekit_token(unsigned_token(R"({"alg":"HS256"})", "{")).error().message.find("payload is not a JSON object"),
            std::string::npos);
}

TEST(LivekitToken, HeaderMustSayHs256) {
  EXPECT_TRUE(decode_livekit_token(unsigned_token(R"({"alg":"HS256","typ":"JWT"})", "{}")).ok());
  for (const std::string header : {R"({})", R"({"alg":"none"})", R"({"alg":"RS256"})", R"({"alg":5})", R"({"alg":"HS256","typ":"JWS"})",
                                   R"({"alg":"HS256","typ":1})"}) {
    SCOPED_TRACE(header);
    EXPECT_EQ(decode_livekit_token(unsigned_token(header, "{}")).error().code, TokenErrorCode::bad_header);
  }
}

TEST(LivekitToken, ClaimTypesAreChecked) {
  const std::string header = R"({"alg":"HS256"})";
  for (const auto& [payload, name] : std::vector<std::pair<std::string, std::string>>{
           {R"({"sub":5})", "'sub'"},
           {R"({"iss":null})", "'iss'"},
           {R"({"exp":"1790000000"})", "'exp'"},
           {R"({"exp":1.5})", "'exp'"},
           {R"({"nbf":18446744073709551615})", "'nbf'"},
           {R"({"video":[]})", "'video'"},
           {R"({"video":{"roomJoin":"true"}})", "'video.roomJoin'"},
           {R"({"video":{"room":7}})", "'video.room'"},
           {R"({"video":{"canPublishSources":["microphone",1]}})", "'video.canPublishSources'"},
       }) {
    SCOPED_TRACE(payload);
    const auto r = decode_livekit_token(unsigned_token(header, payload));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, TokenErrorCode::bad_claim);
    EXPECT_NE(r.error().message.find(name), std::string::npos) << r.error().message;
  }
  // Unknown claims and grants are ignored, as LiveKit does.
  EXPECT_TRUE(decode_livekit_token(unsigned_token(header, R"({"jti":1,"video":{"hidden":true}})")).ok());
}

TEST(LivekitToken, PresenceAndGrantsInOrder) {
  auto claims = decentraland_claims("APIkey", "0xabc", "I1", t0, t0 + 300);
  const auto code_of = [&](const LivekitClaims& c) {
    const auto r = validate_livekit_token(mint_livekit_token(c, credentials.api_secret), check_at(t0));
    return verdict(r);
  };
  EXPECT_EQ(code_of(claims), "ok");
  auto c = claims;
  c.issuer.reset();
  EXPECT_EQ(code_of(c), "missing_issuer");
  c = claims;
  c.expires_at.reset();
  EXPECT_EQ(code_of(c), "missing_expiry");
  c = claims;
  c.identity = "";
  EXPECT_EQ(code_of(c), "missing_identity");
  c = claims;
  c.identity.reset();  // with roomJoin: what the SDK refuses to mint
  EXPECT_EQ(code_of(c), "missing_identity");
  c = claims;
  c.video->room = "";
  EXPECT_EQ(code_of(c), "missing_room");
  c = claims;
  c.video->room_join.reset();
  EXPECT_EQ(code_of(c), "room_join_not_granted");
  c = claims;
  c.video->can_publish_data.reset();  // absent = LiveKit's default, true
  c.video->can_subscribe.reset();
  EXPECT_EQ(code_of(c), "ok");
  c.video->can_publish_data = false;
  EXPECT_EQ(code_of(c), "cannot_publish_data");
  TokenCheck relaxed = check_at(t0);
  relaxed.requirements.publish_data = false;
  EXPECT_TRUE(validate_livekit_token(mint_livekit_token(c, credentials.api_secret), relaxed).ok());
}

TEST(LivekitToken, SignatureAndIssuer) {
  const auto token = good_token();
  EXPECT_TRUE(validate_livekit_token(token, check_at(t0)).ok());
  TokenCheck other = check_at(t0);
  other.credentials->api_key = "APIother";
  EXPECT_EQ(verdict(validate_livekit_token(token, other)), "wrong_issuer");
  // Any payload edit breaks the signature, even one that keeps the JSON valid.
  const auto claims = decentraland_claims("APIkey", "0xabd", "I1", t0, t0 + 300);
  const auto forged_payload = mint_livekit_token(claims, "whatever");
  const auto dot1 = token.find('.'), dot2 = token.rfind('.');
  const auto forged = token.substr(0, dot1) +
                      forged_payload.substr(forged_payload.find('.'), forged_payload.rfind('.') - forged_payload.find('.')) +
                      token.substr(dot2);
  EXPECT_EQ(verdict(validate_livekit_token(forged, check_at(t0))), "bad_signature");
}

TEST(LivekitToken, TimeWindowBoundariesAndLeeway) {
  const auto claims = decentraland_claims("APIkey", "0xabc", "I1", t0, t0 + 300);
  EXPECT_EQ(verdict(validate_livekit_token(good_token(), check_at(t0 - 1))), "not_yet_valid");
  EXPECT_EQ(verdict(validate_livekit_token(good_token(), check_at(t0))), "ok");
  EXPECT_EQ(verdict(validate_livekit_token(good_token(), check_at(t0 + 299))), "ok");
  EXPECT_EQ(verdict(validate_livekit_token(good_token(), check_at(t0 + 300))), "expired");
  EXPECT_TRUE(check_livekit_token_time(claims, t0 + 309, 10).ok());
  EXPECT_FALSE(check_livekit_token_time(claims, t0 + 310, 10).ok());
  EXPECT_TRUE(check_livekit_token_time(claims, t0 - 10, 10).ok());
  EXPECT_FALSE(check_livekit_token_time(claims, t0 - 11, 10).ok());
  auto extreme = claims;
  extreme.expires_at = INT64_MAX;
  extreme.not_before = INT64_MIN;
  EXPECT_TRUE(check_livekit_token_time(extreme, t0, 10).ok());
  const auto message = check_livekit_token_time(claims, t0 + 400, 0).error().message;
  EXPECT_NE(message.find("1790000300"), std::string::npos) << message;
}

TEST(LivekitToken, ErrorNamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(TokenErrorCode::cannot_subscribe); ++i) {
    const auto code = static_cast<TokenErrorCode>(i);
    EXPECT_EQ(token_error_code_from_string(to_string(code)), code);
  }
  EXPECT_FALSE(token_error_code_from_string("nope").has_value());
}

RC_GTEST_PROP(LivekitTokenProperties, MintedTokensValidateExactlyInsideTheirWindow, ()) {
  const auto nbf = *rc::gen::inRange<std::int64_t>(0, 4'000'000'000);
  const auto ttl = *rc::gen::inRange<std::int64_t>(1, 100'000);
  const auto now = *rc::gen::inRange<std::int64_t>(nbf - 200'000, nbf + 200'000);
  const auto identity = *rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::inRange(' ', '~')));
  const auto room = *rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::inRange('!', '~')));
  const auto claims = decentraland_claims("APIkey", identity, room, nbf, nbf + ttl);
  const auto result = validate_livekit_token(mint_livekit_token(claims, credentials.api_secret), check_at(now));
  const bool inside = nbf <= now && now < nbf + ttl;
  RC_ASSERT(result.ok() == inside);
  if (inside) {
    RC_ASSERT(*result->identity == identity);
    RC_ASSERT(*result->video->room == room);
  }
}

RC_GTEST_PROP(LivekitTokenProperties, AnyChangedSignatureCharacterIsRejected, ()) {
  const auto token = good_token();
  const auto sig_start = token.rfind('.') + 1;
  const auto index = *rc::gen::inRange(sig_start, token.size());
  const auto replacement = *rc::gen::elementOf(std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"));
  RC_PRE(replacement != token[index]);
  auto changed = token;
  changed[index] = replacement;
  const auto result = validate_livekit_token(changed, check_at(t0));
  RC_ASSERT(!result.ok());
}

RC_GTEST_PROP(LivekitTokenProperties, ArbitraryTextNeverCrashes, (const std::string& text)) {
  const auto result = decode_livekit_token(text);
  if (!result.ok()) RC_ASSERT(!result.error().message.empty());
}

}  // namespace
}  // namespace dclcomms::livekit
