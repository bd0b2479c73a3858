#include <gtest/gtest.h>

#include "auth_test_support.hpp"
#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/auth/detail/eth.hpp"

namespace dclcomms::auth {
namespace {

using test::expiration_2030_ms;
using test::jan_2031_ms;
using test::june_2029_ms;

const std::string challenge = "dcl-0.interoptestvector";

struct VerifyTest : ::testing::Test {
  PrivateKey owner = test::small_key(1);
  PrivateKey ephemeral = test::small_key(2);
  Identity identity = make_identity(owner, ephemeral, expiration_2030_ms);
  AuthChain chain = sign_payload(identity, challenge);

  AuthError expect_failure(const AuthChain& c, AuthErrorCode code, std::string_view expected = challenge, std::int64_t now = june_2029_ms,
                           const Eip1654Verifier* verifier = nullptr) {
    auto r = verify_auth_chain(c, expected, now, verifier);
    EXPECT_FALSE(r.ok());
    if (r.ok()) return AuthError{};
    EXPECT_EQ(r.error().code, code) << to_string(r.error().code) << ": " << r.error().message;
    EXPECT_FALSE(r.error().message.empty());
    return r.error();
  }
  void expect_ok(const AuthChain& c, std::string_view expected = challenge, std::int64_t now = june_2029_ms,
                 const Eip1654Verifier* verifier = nullptr) {
    auto r = verify_auth_chain(c, expected, now, verifier);
    ASSERT_TRUE(r.ok()) << to_string(r.error().code) << ": " << r.error().message;
    EXPECT_EQ(r->owner_address, "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
  }
};

bool mentions_link(const AuthError& e, std::size_t index) { return e.message.find("link " + std::to_string(index)) != std::string::npos; }

TEST_F(VerifyTest, IdentityHasTheExplorerShape) {
  EXPECT_EQ(identity.owner_address, "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
  ASSERT_EQ(identity.base_chain.size(), 2u);
  EXPECT_EQ(identity.base_chain[0].payload, identity.owner_address);
  EXPECT_EQ(identity.base_chain[1].payload,
            "Decentraland Login\nEphemeral address: 0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF\n"
            "Expiration: 2030-01-01T00:00:00.000Z");
  ASSERT_EQ(chain.size(), 3u);
  EXPECT_EQ(chain[2].payload, challenge);
}

TEST_F(VerifyTest, AcceptsTheSignedChallenge) { expect_ok(chain); }

TEST_F(VerifyTest, JsonRoundTripStillVerifies) {
  auto parsed = parse_auth_chain(to_json(chain));
  ASSERT_TRUE(parsed.ok());
  expect_ok(*parsed);
}

TEST_F(VerifyTest, ExpiryIsStrict) {
  expect_ok(chain, challenge, expiration_2030_ms - 1);
  auto e = expect_failure(chain, AuthErrorCode::expired, challenge, expiration_2030_ms);
  EXPECT_TRUE(mentions_link(e, 1)) << e.message;
  expect_failure(chain, AuthErrorCode::expired, challenge, jan_2031_ms);
}

TEST_F(VerifyTest, WrongOrDifferentlyCasedFinalPayload) {
  auto e = expect_failure(chain, AuthErrorCode::payload_mismatch, "dcl-0.other");
  EXPECT_TRUE(mentions_link(e, 2)) << e.message;
  expect_failure(chain, AuthErrorCode::payload_mismatch, "DCL-0.INTEROPTESTVECTOR");
}

TEST_F(VerifyTest, TamperedSignatureOrPayload) {
  AuthChain c = chain;
  c[2].signature[10] = c[2].signature[10] == 'a' ? 'b' : 'a';
  auto e = verify_auth_chain(c, challenge, june_2029_ms);
  ASSERT_FALSE(e.ok());
  EXPECT_TRUE(e.error().code == AuthErrorCode::signer_mismatch || e.error().code == AuthErrorCode::bad_signature_format);
  EXPECT_TRUE(mentions_link(e.error(), 2)) << e.error().message;

  c = chain;
  c[2].payload += "x";
  expect_failure(c, AuthErrorCode::signer_mismatch, c[2].payload);
  c = chain;
  c[1].payload.replace(c[1].payload.find("2030"), 4, "2031");
  e = verify_auth_chain(c, challenge, june_2029_ms);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, AuthErrorCode::signer_mismatch);
  EXPECT_TRUE(mentions_link(e.error(), 1)) << e.error().message;
}

TEST_F(VerifyTest, StructuralErrors) {
  expect_failure({}, AuthErrorCode::empty_chain);
  auto e = expect_failure(AuthChain(chain.begin() + 1, chain.end()), AuthErrorCode::missing_signer);
  EXPECT_TRUE(mentions_link(e, 0));
  e = expect_failure({chain[1], chain[0], chain[2]}, AuthErrorCode::missing_signer);
  e = expect_failure({chain[0], chain[0], chain[1], chain[2]}, AuthErrorCode::signer_not_first);
  EXPECT_TRUE(mentions_link(e, 1)) << e.message;
  e = expect_failure({chain[0], chain[1], chain[0], chain[2]}, AuthErrorCode::signer_not_first);
  EXPECT_TRUE(mentions_link(e, 2)) << e.message;
}

TEST_F(VerifyTest, SignerPayloadMustBeAnAddress) {
  AuthChain c = chain;
  c[0].payload = challenge;
  expect_failure(c, AuthErrorCode::bad_address);
  expect_failure({AuthLink{AuthLinkType::signer, challenge, ""}}, AuthErrorCode::bad_address, challenge);
}

TEST_F(VerifyTest, LoneSignerProvesNothing) {
  // Upstream accepts this when expected == the address; we do not (docs/authchain.md).
  expect_failure({chain[0]}, AuthErrorCode::payload_mismatch, chain[0].payload);
}

TEST_F(VerifyTest, WrongSignerAddress) {
  AuthChain c = chain;
  c[0].payload = detail::ascii_lower(test::small_key(3).address());
  auto e = expect_failure(c, AuthErrorCode::signer_mismatch);
  EXPECT_TRUE(mentions_link(e, 1)) << e.message;
}

TEST_F(VerifyTest, AddressCaseVariantsAreAccepted) {
  AuthChain c = chain;
  c[0].payload = owner.address();  // EIP-55
  auto r = verify_auth_chain(c, challenge, june_2029_ms);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->owner_address, identity.owner_address);  // always lowercase
  c[0].payload = "0x" + std::string(owner.address()).substr(2);
  for (std::size_t i = 2; i < c[0].payload.size(); ++i) {
    char& ch = c[0].payload[i];
    if (ch >= 'a' && ch <= 'f') ch = static_cast<char>(ch - 'a' + 'A');
  }
  expect_ok(c);
  // Ephemeral address written in lowercase, delegation re-signed.
  const std::string lower_delegation = "Decentraland Login\nEphemeral address: " + detail::ascii_lower(ephemeral.address()) +
                                       "\nExpiration: 2030-01-01T00:00:00.000Z";
  c = chain;
  c[1] = AuthLink{AuthLinkType::ecdsa_ephemeral, lower_delegation, personal_sign(owner, lower_delegation)};
  expect_ok(c);
}

TEST_F(VerifyTest, CrLfDelegationsVerifyAsTheirLfForm) {
  AuthChain c = chain;
  std::string& p = c[1].payload;
  for (std::size_t pos = p.find('\n'); pos != std::string::npos; pos = p.find('\n', pos + 2)) p.insert(pos, "\r");
  ASSERT_NE(p.find("\r\n"), std::string::npos);
  expect_ok(c);  // signature is over the \n form
  // A delegation signed over its \r\n form does not verify: the signature must cover the \n form.
  c[1].signature = personal_sign(owner, c[1].payload);
  expect_failure(c, AuthErrorCode::signer_mismatch);
}

TEST_F(VerifyTest, SignedEntityPayloadsAreVerifiedVerbatim) {
  const std::string crlf = "line1\r\nline2";
  AuthChain c = sign_payload(identity, crlf);
  expect_ok(c, crlf);
  c[2].signature = personal_sign(ephemeral, "line1\nline2");
  expect_failure(c, AuthErrorCode::signer_mismatch, crlf);
}

TEST_F(VerifyTest, SignatureFormats) {
  AuthChain c = chain;
  const int v = std::stoi(c[2].signature.substr(130), nullptr, 16);
  c[2].signature.replace(130, 2, v == 27 ? "00" : "01");
  expect_ok(c);
  c[2].signature.replace(130, 2, "1d");  // v = 29
  auto e = expect_failure(c, AuthErrorCode::bad_signature_format);
  EXPECT_TRUE(mentions_link(e, 2));
  EXPECT_NE(e.message.find("v=29"), std::string::npos) << e.message;
  c = chain;
  c[2].signature.pop_back();
  e = expect_failure(c, AuthErrorCode::bad_signature_format);
  EXPECT_NE(e.message.find("131"), std::string::npos) << e.message;
  c = chain;
  c[1].signature = c[1].signature.substr(2);
  expect_failure(c, AuthErrorCode::bad_signature_format);
}

TEST_F(VerifyTest, HighSSignaturesAreAccepted) {
  // Same check as the personal_sign test but through the verifier, on both ECDSA link kinds.
  AuthChain c = chain;
  for (std::size_t i : {1u, 2u}) {
    auto bytes = *core::from_hex(c[i].signature);
    static const std::uint8_t n[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
                                       0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
    int borrow = 0;
    for (int j = 31; j >= 0; --j) {
      const int d = n[j] - bytes[32 + j] - borrow;
      borrow = d < 0 ? 1 : 0;
      bytes[32 + j] = static_cast<std::uint8_t>(d + 256 * borrow);
    }
    bytes[64] = bytes[64] == 27 ? 28 : 27;
    c[i].signature = "0x" + core::to_hex(bytes);
  }
  expect_ok(c);
}

TEST_F(VerifyTest, BadDelegationPayloads) {
  const std::string eph = ephemeral.address();
  struct Case {
    std::string payload;
    AuthErrorCode code;
  };
  const Case cases[] = {
      {"Decentraland Login\nEphemeral address: " + eph, AuthErrorCode::bad_ephemeral_payload},
      {"Decentraland Login\nEphemeral address: " + eph + "\nExpiration: 2030-01-01T00:00:00.000Z\nmore",
       AuthErrorCode::bad_ephemeral_payload},
      {"Decentraland Login\nephemeral address: " + eph + "\nExpiration: 2030-01-01T00:00:00.000Z", AuthErrorCode::bad_ephemeral_payload},
      {"Decentraland Login\nEphemeral address: " + eph + "\nExpires: 2030-01-01T00:00:00.000Z", AuthErrorCode::bad_ephemeral_payload},
      {"Decentraland Login\nEphemeral address: " + eph + "\nExpiration: soon", AuthErrorCode::bad_ephemeral_payload},
      {"Decentraland Login\nEphemeral address: " + eph + "\nExpiration: 2030-01-01", AuthErrorCode::bad_ephemeral_payload},
      {"Decentraland Login\nEphemeral address: 0x1234\nExpiration: 2030-01-01T00:00:00.000Z", AuthErrorCode::bad_address},
  };
  for (const Case& k : cases) {
    AuthChain c = chain;
    c[1] = AuthLink{AuthLinkType::ecdsa_ephemeral, k.payload, personal_sign(owner, k.payload)};
    auto e = expect_failure(c, k.code);
    EXPECT_TRUE(mentions_link(e, 1)) << e.message;
  }
  // Line 1 is free text.
  const std::string other = "Anything at all\nEphemeral address: " + eph + "\nExpiration: 2030-01-01T00:00:00.000Z";
  AuthChain c = chain;
  c[1] = AuthLink{AuthLinkType::ecdsa_ephemeral, other, personal_sign(owner, other)};
  expect_ok(c);
}

TEST_F(VerifyTest, OwnerSigningDirectlyAndMultipleHops) {
  expect_ok({chain[0], AuthLink{AuthLinkType::ecdsa_signed_entity, challenge, personal_sign(owner, challenge)}});
  const PrivateKey second = test::small_key(3);
  const Identity hop = make_identity(ephemeral, second, expiration_2030_ms);
  AuthChain c = {chain[0], chain[1], hop.base_chain[1]};
  c.push_back(AuthLink{AuthLinkType::ecdsa_signed_entity, challenge, personal_sign(second, challenge)});
  expect_ok(c);
  // A chain may also end at a delegation: the final authority is then the ephemeral address.
  expect_ok(identity.base_chain, ephemeral.address());
}

TEST_F(VerifyTest, Eip1654NeedsAVerifier) {
  AuthChain c = chain;
  c[2].type = AuthLinkType::ecdsa_eip_1654_signed_entity;
  auto e = expect_failure(c, AuthErrorCode::needs_onchain_check);
  EXPECT_TRUE(mentions_link(e, 2)) << e.message;
  c = chain;
  c[1].type = AuthLinkType::ecdsa_eip_1654_ephemeral;
  e = expect_failure(c, AuthErrorCode::needs_onchain_check);
  EXPECT_TRUE(mentions_link(e, 1)) << e.message;
  const Eip1654Verifier empty;
  expect_failure(c, AuthErrorCode::needs_onchain_check, challenge, june_2029_ms, &empty);
}

TEST_F(VerifyTest, Eip1654VerifierIsAskedWithTheLinkData) {
  AuthChain c = chain;
  c[1].type = AuthLinkType::ecdsa_eip_1654_ephemeral;
  c[1].payload.insert(c[1].payload.find('\n'), "\r");
  c[1].signature = "0xc0ffee";
  std::vector<std::string> calls;
  bool answer = true;
  const Eip1654Verifier verifier = [&](std::string_view contract, std::string_view message,
                                       std::string_view signature) -> core::Result<bool, AuthError> {
    calls.push_back(std::string(contract) + "|" + std::string(message) + "|" + std::string(signature));
    return answer;
  };
  expect_ok(c, challenge, june_2029_ms, &verifier);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], identity.owner_address + "|" + identity.base_chain[1].payload + "|0xc0ffee");  // \r stripped
  answer = false;
  auto e = expect_failure(c, AuthErrorCode::onchain_check_failed, challenge, june_2029_ms, &verifier);
  EXPECT_TRUE(mentions_link(e, 1));
  // Expiry is checked before the contract is asked.
  calls.clear();
  expect_failure(c, AuthErrorCode::expired, challenge, jan_2031_ms, &verifier);
  EXPECT_TRUE(calls.empty());
  // Verifier errors pass through with the link named.
  const Eip1654Verifier failing = [](std::string_view, std::string_view, std::string_view) -> core::Result<bool, AuthError> {
    return core::fail(AuthErrorCode::onchain_check_failed, "rpc unreachable");
  };
  e = expect_failure(c, AuthErrorCode::onchain_check_failed, challenge, june_2029_ms, &failing);
  EXPECT_NE(e.message.find("rpc unreachable"), std::string::npos);
  EXPECT_TRUE(mentions_link(e, 1));
}

}  // namespace
}  // namespace dclcomms::auth
