#include "dclcomms/signed_login/signed_fetch.hpp"

#include <gtest/gtest.h>

#include "dclcomms/auth/auth_chain.hpp"
#include "signed_login_test_support.hpp"

namespace dclcomms::signed_login {
namespace {

TEST(SignedFetch, ThePayloadIsTheWholeStringLowercased) {
  EXPECT_EQ(signed_fetch_payload("POST", "/Worlds/Boedo.dcl.eth/comms", 1758790000000, R"({"isGuest":false})"),
            R"(post:/worlds/boedo.dcl.eth/comms:1758790000000:{"isguest":false})");
}

TEST(SignedFetch, MetadataHasTheExplorerKeysInOrder) {
  EXPECT_EQ(comms_handshake_metadata("https://worlds-content-server.decentraland.org"),
            R"({"intent":"dcl:explorer:comms-handshake","signer":"dcl:explorer","isGuest":false,)"
            R"("origin":"https://worlds-content-server.decentraland.org"})");
}

TEST(SignedFetch, HeadersCarryOneLinkEachTheTimestampAndTheMetadataAsSigned) {
  const std::string metadata = comms_handshake_metadata("https://example.org");
  const auto headers = signed_fetch_headers(testing::identity_of(1), "POST", "/get-comms-adapter/r1", 1234, metadata).value();
  ASSERT_EQ(headers.size(), 5u);
  EXPECT_EQ(headers[0].first, "x-identity-auth-chain-0");
  EXPECT_EQ(headers[2].first, "x-identity-auth-chain-2");
  EXPECT_EQ(headers[3], (std::pair<std::string, std::string>{"x-identity-timestamp", "1234"}));
  EXPECT_EQ(headers[4], (std::pair<std::string, std::string>{"x-identity-metadata", metadata}));
  // The three links verify against the lowercased payload.
  const auto chain = auth::parse_auth_chain("[" + headers[0].second + "," + headers[1].second + "," + headers[2].second + "]");
  ASSERT_TRUE(chain.ok());
  const auto verified =
      auth::verify_auth_chain(*chain, signed_fetch_payload("POST", "/get-comms-adapter/r1", 1234, metadata), testing::now_ms);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->owner_address, testing::identity_of(1).address);
}

TEST(SignedFetch, ASignerThatReturnsGarbageIsAnError) {
  transport::SigningIdentity broken{"0xabc", [](std::string_view) { return std::string("not a chain"); }};
  const auto headers = signed_fetch_headers(broken, "POST", "/x", 1, "{}");
  ASSERT_FALSE(headers.ok());
  EXPECT_EQ(headers.error().code, SignedFetchErrorCode::not_an_auth_chain);
  EXPECT_NE(headers.error().message.find("AuthChain"), std::string::npos);
}

}  // namespace
}  // namespace dclcomms::signed_login
