#include "dclcomms/signed_login/signed_login_endpoint.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "dclcomms/auth/auth_chain.hpp"
#include "signed_login_test_support.hpp"

namespace dclcomms::signed_login {
namespace {

using testing::now_ms;
using testing::signed_request;

const SignedLoginEndpoint endpoint({.adapter_template = "ws-room:ws://127.0.0.1:5555/rooms/{room}", .signature_window_ms = 60'000});

nlohmann::json body_of(const transport::HttpResponse& response) { return nlohmann::json::parse(response.body); }

TEST(SignedLoginEndpoint, AnswersTheAdapterForBothRoutes) {
  auto response = endpoint.handle(signed_request("/get-comms-adapter/plaza"), now_ms);
  ASSERT_EQ(response.status, 200u) << response.body;
  EXPECT_EQ(body_of(response)["fixedAdapter"], "ws-room:ws://127.0.0.1:5555/rooms/plaza");
  response = endpoint.handle(signed_request("/worlds/boedo.dcl.eth/comms"), now_ms);
  ASSERT_EQ(response.status, 200u) << response.body;
  EXPECT_EQ(body_of(response)["fixedAdapter"], "ws-room:ws://127.0.0.1:5555/rooms/boedo.dcl.eth");
}

TEST(SignedLoginEndpoint, RejectsMissingOrBrokenChains) {
  auto request = signed_request("/get-comms-adapter/r");
  request.headers.erase(request.headers.begin() + 1, request.headers.begin() + 3);  // only link 0 left
  EXPECT_EQ(endpoint.handle(request, now_ms).status, 400u);
  EXPECT_EQ(body_of(endpoint.handle(request, now_ms))["error"], "Invalid Auth Chain");
  request = signed_request("/get-comms-adapter/r");
  request.headers[1].second = "{not json";
  EXPECT_EQ(body_of(endpoint.handle(request, now_ms))["error"], "Invalid chain format");
}

// A request whose timestamp header is exactly `timestamp_text` (absent when nullopt), signed over it.
transport::HttpServerRequest signed_with_timestamp_text(const std::string& path, std::optional<std::string> timestamp_text) {
  const std::string metadata = comms_handshake_metadata("https://example.org");
  auto request = signed_request(path);
  const auto chain = auth::parse_auth_chain(
      testing::identity_of(1).sign_payload(signed_fetch_payload("POST", path, std::string_view(timestamp_text.value_or("")), metadata)));
  request.headers.clear();
  for (std::size_t i = 0; i < chain->size(); ++i)
    request.headers.emplace_back("x-identity-auth-chain-" + std::to_string(i), auth::to_json((*chain)[i]));
  if (timestamp_text) request.headers.emplace_back("x-identity-timestamp", *timestamp_text);
  request.headers.emplace_back("x-identity-metadata", metadata);
  return request;
}

TEST(SignedLoginEndpoint, TimestampsAreReadAsUpstreamReadsThem) {
  // Fractions are numbers: accepted when fresh, and the signature covers the text as sent.
  EXPECT_EQ(endpoint.handle(signed_with_timestamp_text("/get-comms-adapter/r", "1790000000000.5"), now_ms).status, 200u);
  // No header counts as 0: refused as expired (401), like platform-crypto-middleware.
  const auto missing = endpoint.handle(signed_with_timestamp_text("/get-comms-adapter/r", std::nullopt), now_ms);
  EXPECT_EQ(missing.status, 401u);
  EXPECT_NE(body_of(missing)["error"].get<std::string>().find("Expired signature"), std::string::npos) << missing.body;
  // Not a finite number: 400, naming the value.
  const auto garbage = endpoint.handle(signed_with_timestamp_text("/get-comms-adapter/r", "1790000000abc"), now_ms);
  EXPECT_EQ(garbage.status, 400u);
  EXPECT_EQ(body_of(garbage)["error"], "Invalid chain timestamp: '1790000000abc'");
}

TEST(SignedLoginEndpoint, RejectsBadTimestampsAndMetadata) {
  auto request = signed_request("/get-comms-adapter/r");
  request.headers[3].second = "1790000000abc";
  EXPECT_EQ(endpoint.handle(request, now_ms).status, 400u);
  const auto scene =
      signed_request("/get-comms-adapter/r", now_ms, R"({"intent":"dcl:explorer:comms-handshake","signer":"decentraland-kernel-scene"})");
  EXPECT_EQ(endpoint.handle(scene, now_ms).status, 400u) << "a scene's signed fetch cannot obtain an adapter";
  const auto no_intent = signed_request("/get-comms-adapter/r", now_ms, R"({"signer":"dcl:explorer"})");
  EXPECT_EQ(body_of(endpoint.handle(no_intent, now_ms))["error"], "Invalid metadata");
}

TEST(SignedLoginEndpoint, TheSignatureMustCoverThisMethodPathAndMetadata) {
  auto request = signed_request("/get-comms-adapter/other");
  request.target = "/get-comms-adapter/r";  // replayed to another room
  auto response = endpoint.handle(request, now_ms);
  EXPECT_EQ(response.status, 401u);
  EXPECT_NE(body_of(response)["error"].get<std::string>().find("Invalid signature"), std::string::npos);
  request = signed_request("/get-comms-adapter/r");
  request.headers[4].second =
      testing::signed_request("/x", now_ms, R"({"intent":"dcl:explorer:comms-handshake","signer":"dcl:explorer","isGuest":true})")
          .headers[4]
          .second;
  EXPECT_EQ(endpoint.handle(request, now_ms).status, 401u) << "metadata changed after signing";
}

TEST(SignedLoginEndpoint, SignaturesExpireAfterTheWindow) {
  EXPECT_EQ(endpoint.handle(signed_request("/get-comms-adapter/r", now_ms - 60'000), now_ms).status, 200u);
  const auto response = endpoint.handle(signed_request("/get-comms-adapter/r", now_ms - 60'001), now_ms);
  EXPECT_EQ(response.status, 401u);
  EXPECT_NE(body_of(response)["error"].get<std::string>().find("Expired signature"), std::string::npos);
}

TEST(SignedLoginEndpoint, RoutesAndMethods) {
  EXPECT_EQ(endpoint.handle(signed_request("/elsewhere"), now_ms).status, 404u);
  EXPECT_EQ(endpoint.handle(signed_request("/worlds/a/b/comms"), now_ms).status, 404u);
  auto get = signed_request("/get-comms-adapter/r");
  get.method = "GET";
  EXPECT_EQ(endpoint.handle(get, now_ms).status, 405u);
}

}  // namespace
}  // namespace dclcomms::signed_login
