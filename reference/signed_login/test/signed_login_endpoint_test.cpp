#include "dclcomms/signed_login/signed_login_endpoint.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

TEST(SignedLoginEndpoint, RejectsBadTimestampsAndMetadata) {
  auto request = signed_request("/get-comms-adapter/r");
  request.headers[3].second = "1790000000abc";
  EXPECT_EQ(body_of(endpoint.handle(request, now_ms))["error"], "Invalid timestamp");
  const auto scene = signed_request("/get-comms-adapter/r", now_ms,
                                    R"({"intent":"dcl:explorer:comms-handshake","signer":"decentraland-kernel-scene"})");
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
  request.headers[4].second = testing::signed_request("/x", now_ms, R"({"intent":"dcl:explorer:comms-handshake","signer":"dcl:explorer","isGuest":true})").headers[4].second;
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
