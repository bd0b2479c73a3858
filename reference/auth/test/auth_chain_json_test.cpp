#include <gtest/gtest.h>

#include "dclcomms/auth/auth_chain.hpp"

namespace dclcomms::auth {
namespace {

const char* const example =
    R"([{"type":"SIGNER","payload":"0x7e5f4552091a69125d5dfcb7b8c2659029395bdf","signature":""},)"
    R"({"type":"ECDSA_EPHEMERAL","payload":"Decentraland Login\nEphemeral address: 0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF\nExpiration: 2030-01-01T00:00:00.000Z","signature":"0x11"},)"
    R"({"type":"ECDSA_SIGNED_ENTITY","payload":"dcl-0.x","signature":"0x22"}])";

AuthErrorCode parse_error_code(std::string_view json) {
  auto r = parse_auth_chain(json);
  EXPECT_FALSE(r.ok()) << json;
  if (r.ok()) return AuthErrorCode::bad_key;  // any code the callers do not expect
  EXPECT_FALSE(r.error().message.empty());
  return r.error().code;
}

TEST(AuthChainJson, RoundTripsByteForByte) {
  auto chain = parse_auth_chain(example);
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  ASSERT_EQ(chain->size(), 3u);
  EXPECT_EQ((*chain)[0].type, AuthLinkType::signer);
  EXPECT_EQ((*chain)[1].type, AuthLinkType::ecdsa_ephemeral);
  EXPECT_EQ((*chain)[1].payload.find('\n'), 18u);
  EXPECT_EQ((*chain)[2].signature, "0x22");
  EXPECT_EQ(to_json(*chain), example);
}

TEST(AuthChainJson, LinkJsonIsOneObject) {
  EXPECT_EQ(to_json(AuthLink{AuthLinkType::ecdsa_eip_1654_signed_entity, "p\"q\\", "0x"}),
            R"({"type":"ECDSA_EIP_1654_SIGNED_ENTITY","payload":"p\"q\\","signature":"0x"})");
}

TEST(AuthChainJson, EscapesLikeJsonStringify) {
  const AuthLink link{AuthLinkType::signer, std::string("\x01\x1f\x7f/é\t\r\n\b\f", 11), ""};
  EXPECT_EQ(to_json(link), "{\"type\":\"SIGNER\",\"payload\":\"\\u0001\\u001f\x7f/é\\t\\r\\n\\b\\f\",\"signature\":\"\"}");
}

TEST(AuthChainJson, AcceptsLongTypeSpellingsButWritesShortOnes) {
  auto chain = parse_auth_chain(
      R"([{"type":"SIGNER","payload":"a","signature":null},{"type":"ECDSA_PERSONAL_EPHEMERAL","payload":"b","signature":"0x1"},)"
      R"({"type":"ECDSA_PERSONAL_SIGNED_ENTITY","payload":"c","signature":"0x2"}])");
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  EXPECT_EQ((*chain)[1].type, AuthLinkType::ecdsa_ephemeral);
  EXPECT_EQ((*chain)[2].type, AuthLinkType::ecdsa_signed_entity);
  EXPECT_EQ(to_json(*chain),
            R"([{"type":"SIGNER","payload":"a","signature":""},{"type":"ECDSA_EPHEMERAL","payload":"b","signature":"0x1"},)"
            R"({"type":"ECDSA_SIGNED_ENTITY","payload":"c","signature":"0x2"}])");
}

TEST(AuthChainJson, SignerSignatureMayBeNullEmptyOrAbsent) {
  for (const char* json :
       {R"([{"type":"SIGNER","payload":"a","signature":null}])", R"([{"type":"SIGNER","payload":"a","signature":""}])",
        R"([{"type":"SIGNER","payload":"a"}])", R"( [ {"signature":"", "payload":"a", "type":"SIGNER", "extra": 1} ] )"}) {
    auto chain = parse_auth_chain(json);
    ASSERT_TRUE(chain.ok()) << json << ": " << chain.error().message;
    EXPECT_EQ((*chain)[0].signature, "");
  }
}

TEST(AuthChainJson, RejectsMalformedInput) {
  for (const char* json : {
           "",
           "nul",
           "{}",
           R"({"type":"SIGNER"})",
           "[1]",
           "[[]]",
           R"(["SIGNER"])",
           "[null]",
           R"([{"payload":"a","signature":""}])",                      // no type
           R"([{"type":1,"payload":"a","signature":""}])",             // type not a string
           R"([{"type":"SIGNER","signature":""}])",                    // no payload
           R"([{"type":"SIGNER","payload":5,"signature":""}])",        // payload not a string
           R"([{"type":"SIGNER","payload":"a","signature":"0x12"}])",  // SIGNER with a signature
           R"([{"type":"SIGNER","payload":"a","signature":false}])",
           R"([{"type":"ECDSA_SIGNED_ENTITY","payload":"a"}])",  // signature required
           R"([{"type":"ECDSA_SIGNED_ENTITY","payload":"a","signature":null}])",
           R"([{"type":"ECDSA_SIGNED_ENTITY","payload":"a","signature":["0x"]}])",
           R"([{"type":"SIGNER","payload":"a","signature":""}] trailing)",
           R"([{"type":"SIGNER","payload":"a","signature":""},])",
           "[{\"type\":\"SIGNER\",\"payload\":\"\xff\",\"signature\":\"\"}]",  // invalid UTF-8
           R"([{"type":"SIGNER","payload":{"nested":[1]},"signature":""}])",   // deeper than a chain
           R"([1e999999])",
       }) {
    EXPECT_EQ(parse_error_code(json), AuthErrorCode::malformed_json) << json;
  }
}

TEST(AuthChainJson, RejectsDeepNestingWithoutRecursion) {
  EXPECT_EQ(parse_error_code(std::string(100000, '[') + std::string(100000, ']')), AuthErrorCode::malformed_json);
  // Brackets inside strings do not count.
  auto ok = parse_auth_chain(R"([{"type":"SIGNER","payload":"[[[{{{\"]]]","signature":""}])");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ((*ok)[0].payload, "[[[{{{\"]]]");
}

TEST(AuthChainJson, EmptyArrayIsEmptyChain) { EXPECT_EQ(parse_error_code("[]"), AuthErrorCode::empty_chain); }

TEST(AuthChainJson, UnknownTypeNamesTheLink) {
  auto r = parse_auth_chain(R"([{"type":"SIGNER","payload":"a","signature":""},{"type":"ECDSA_SIGNED","payload":"b","signature":"0x"}])");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, AuthErrorCode::unknown_link_type);
  EXPECT_NE(r.error().message.find("link 1"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("ECDSA_SIGNED"), std::string::npos);
}

TEST(AuthChainJson, ErrorCodeNamesAreStable) {
  EXPECT_EQ(to_string(AuthErrorCode::needs_onchain_check), "needs_onchain_check");
  EXPECT_EQ(to_string(AuthErrorCode::bad_key), "bad_key");
  EXPECT_EQ(to_wire_string(AuthLinkType::ecdsa_eip_1654_ephemeral), "ECDSA_EIP_1654_EPHEMERAL");
}

}  // namespace
}  // namespace dclcomms::auth
