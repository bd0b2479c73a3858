// SignedLoginClientCore on its own: no runtime, no HTTP client, no factory. The request it builds
// is checked by our endpoint logic (the same checks as upstream's middleware); each class of
// answer is fed in by hand.
#include "dclcomms/signed_login/client_core.hpp"

#include <gtest/gtest.h>

#include "dclcomms/signed_login/signed_login_endpoint.hpp"
#include "dclcomms/signed_login/signed_login_uri.hpp"
#include "signed_login_test_support.hpp"

namespace dclcomms::signed_login {
namespace {

using transport::TransportErrorCode;

constexpr std::string_view login_uri = "signed-login:https://worlds.example.org:8443/worlds/boedo.dcl.eth/comms?realm=main";

ClientCoreConfig config_for(std::optional<transport::SigningIdentity> identity) {
  auto generic = transport::parse_transport_uri_generic(login_uri);
  EXPECT_TRUE(generic.ok());
  auto uri = validate_signed_login_uri(std::move(generic).value());
  EXPECT_TRUE(uri.ok());
  return client_core_config(uri.value(), std::move(identity));
}

transport::HttpResult answer(unsigned status, std::string body, transport::HttpHeaders headers = {}) {
  return transport::HttpResult{status, std::move(headers), std::move(body)};
}

// A started core whose request is out, waiting for the answer.
SignedLoginClientCore waiting_core() {
  SignedLoginClientCore core(config_for(testing::identity_of(1)));
  core.start(testing::now_ms);
  EXPECT_TRUE(core.poll_transmit().has_value());
  EXPECT_EQ(core.state(), LoginState::awaiting_response);
  return core;
}

Failed failure_of(SignedLoginClientCore& core) {
  auto event = core.poll_event();
  EXPECT_TRUE(event.has_value());
  EXPECT_FALSE(core.poll_event().has_value()) << "one outcome";
  EXPECT_EQ(core.state(), LoginState::failed);
  const auto* failed = event ? std::get_if<Failed>(&*event) : nullptr;
  EXPECT_NE(failed, nullptr);
  return failed ? *failed : Failed{};
}

TEST(SignedLoginClientCore, TheRequestIsOneSignedPostThatTheEndpointAccepts) {
  SignedLoginClientCore core(config_for(testing::identity_of(1)));
  EXPECT_EQ(core.state(), LoginState::idle);
  EXPECT_FALSE(core.poll_transmit().has_value()) << "nothing before start()";
  core.start(testing::now_ms);
  EXPECT_EQ(core.state(), LoginState::request_ready);
  auto request = core.poll_transmit();
  ASSERT_TRUE(request.has_value());
  EXPECT_FALSE(core.poll_transmit().has_value()) << "one request";
  EXPECT_FALSE(core.poll_event().has_value()) << "no outcome before the answer";

  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->url, "https://worlds.example.org:8443/worlds/boedo.dcl.eth/comms?realm=main");
  EXPECT_TRUE(request->body.empty());
  ASSERT_EQ(request->headers.size(), 5u);
  EXPECT_EQ(request->headers[0].first, "x-identity-auth-chain-0");
  EXPECT_EQ(request->headers[2].first, "x-identity-auth-chain-2");
  EXPECT_EQ(request->headers[3], (std::pair<std::string, std::string>{"x-identity-timestamp", std::to_string(testing::now_ms)}));
  // The origin is the URL's scheme, host and written port; the query is not part of it.
  EXPECT_EQ(request->headers[4],
            (std::pair<std::string, std::string>{"x-identity-metadata", comms_handshake_metadata("https://worlds.example.org:8443")}));

  // The signature verifies: the endpoint checks chain, payload (path without the query), timestamp
  // window and metadata as upstream's middleware does, and names the signer's address.
  transport::HttpServerRequest server_side;
  server_side.method = request->method;
  server_side.target = "/worlds/boedo.dcl.eth/comms?realm=main";
  server_side.headers = request->headers;
  const SignedLoginEndpoint endpoint({.adapter_template = "ws-room:wss://rooms.example.org/rooms/{room}?who={address}"});
  const auto response = endpoint.handle(server_side, testing::now_ms + 1000);
  ASSERT_EQ(response.status, 200u) << response.body;

  core.handle_response(answer(response.status, response.body));
  auto event = core.poll_event();
  ASSERT_TRUE(event.has_value());
  ASSERT_TRUE(std::holds_alternative<Resolved>(*event));
  EXPECT_EQ(std::get<Resolved>(*event).connection_string,
            "ws-room:wss://rooms.example.org/rooms/boedo.dcl.eth?who=" + testing::identity_of(1).address);
  EXPECT_EQ(core.state(), LoginState::resolved);
  EXPECT_FALSE(core.poll_event().has_value()) << "one outcome";
}

TEST(SignedLoginClientCore, TheTimestampIsStartsInputAndNothingElse) {
  for (const std::int64_t now : {std::int64_t{1}, testing::now_ms + 123}) {
    SignedLoginClientCore core(config_for(testing::identity_of(2)));
    core.start(now);
    const auto request = core.poll_transmit();
    ASSERT_TRUE(request.has_value());
    EXPECT_EQ(request->headers[3].second, std::to_string(now));
  }
}

TEST(SignedLoginClientCore, AFixedAdapterOrAnAdapterResolves) {
  for (const char* body : {R"({"fixedAdapter":"ws-room:wss://x/rooms/1"})", R"({"adapter":"ws-room:wss://x/rooms/1"})"}) {
    auto core = waiting_core();
    core.handle_response(answer(200, body));
    const auto event = core.poll_event();
    ASSERT_TRUE(event && std::holds_alternative<Resolved>(*event)) << body;
    EXPECT_EQ(std::get<Resolved>(*event).connection_string, "ws-room:wss://x/rooms/1");
  }
}

TEST(SignedLoginClientCore, EachClassOfAnswerBecomesItsTransportError) {
  struct Case {
    transport::HttpResult response;
    TransportErrorCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {answer(403, R"({"error":"Invalid signature","message":"no"})"), TransportErrorCode::denied,
       "signed-login denied: HTTP 403: Invalid signature: no"},
      {answer(200, R"({"message":"not on the allow list"})"), TransportErrorCode::denied,
       "signed-login denied: HTTP 200: not on the allow list"},
      {answer(429, R"({"error":"slow down"})", {{"retry-after", "7"}}), TransportErrorCode::denied,
       "signed-login rate_limited: HTTP 429: slow down (retry after 7 s)"},
      {answer(503, R"({"error":"World is at capacity"})"), TransportErrorCode::denied,
       "signed-login unavailable: HTTP 503: World is at capacity"},
      {answer(302, "", {{"location", "https://elsewhere/"}}), TransportErrorCode::denied,
       "signed-login redirect: HTTP 302 to 'https://elsewhere/': redirects are refused"},
      {answer(200, "<html>not json</html>"), TransportErrorCode::protocol_error,
       "signed-login bad_response: the answer is not a JSON object"},
      {answer(200, R"({"fixedAdapter":42})"), TransportErrorCode::protocol_error,
       "signed-login bad_response: 'fixedAdapter' is not a string"},
      {answer(200, R"({"fixedAdapter":"signed-login:https://x/comms"})"), TransportErrorCode::protocol_error,
       "signed-login recursion: the server answered another signed-login URI; refusing to recurse"},
  };
  for (const auto& c : cases) {
    auto core = waiting_core();
    core.handle_response(c.response);
    const Failed failed = failure_of(core);
    EXPECT_EQ(failed.code, c.code) << c.message;
    EXPECT_EQ(failed.message, c.message);
  }
}

TEST(SignedLoginClientCore, AnHttpClientErrorIsAnIoErrorNamingTheEndpoint) {
  auto core = waiting_core();
  core.handle_response(core::fail(transport::HttpErrorCode::timeout, "no response within the timeout"));
  const Failed failed = failure_of(core);
  EXPECT_EQ(failed.code, TransportErrorCode::io_error);
  EXPECT_EQ(failed.message,
            "signed-login request to https://worlds.example.org:8443/worlds/boedo.dcl.eth/comms?realm=main failed: "
            "no response within the timeout");
}

TEST(SignedLoginClientCore, WithoutAnIdentityNothingIsSentAndTheLoginIsDenied) {
  SignedLoginClientCore core(config_for(std::nullopt));
  core.start(testing::now_ms);
  EXPECT_FALSE(core.poll_transmit().has_value());
  const Failed failed = failure_of(core);
  EXPECT_EQ(failed.code, TransportErrorCode::denied);
  EXPECT_EQ(failed.message, "signed-login needs an identity to sign the request (use --key)");
}

TEST(SignedLoginClientCore, ASignerThatReturnsNoAuthChainIsDenied) {
  SignedLoginClientCore core(config_for(transport::SigningIdentity{"0xabc", [](std::string_view) { return std::string("nope"); }}));
  core.start(testing::now_ms);
  EXPECT_FALSE(core.poll_transmit().has_value());
  const Failed failed = failure_of(core);
  EXPECT_EQ(failed.code, TransportErrorCode::denied);
  EXPECT_EQ(failed.message.rfind("signed-login: the identity's signer did not return an AuthChain: ", 0), 0u) << failed.message;
}

TEST(SignedLoginClientCore, CancelBeforeTheAnswerMeansNoOutcomeAndALateAnswerIsIgnored) {
  auto core = waiting_core();
  core.cancel();
  EXPECT_EQ(core.state(), LoginState::cancelled);
  core.handle_response(answer(200, R"({"fixedAdapter":"ws-room:wss://x/rooms/1"})"));
  EXPECT_FALSE(core.poll_event().has_value());
  EXPECT_EQ(core.state(), LoginState::cancelled);

  // Cancelled between start() and poll_transmit(): the request never leaves.
  SignedLoginClientCore unsent(config_for(testing::identity_of(1)));
  unsent.start(testing::now_ms);
  unsent.cancel();
  EXPECT_FALSE(unsent.poll_transmit().has_value());
  EXPECT_FALSE(unsent.poll_event().has_value());
}

TEST(SignedLoginClientCore, CancelAfterTheOutcomeLeavesIt) {
  auto core = waiting_core();
  core.handle_response(answer(403, R"({"error":"no"})"));
  core.cancel();
  EXPECT_EQ(core.state(), LoginState::failed);
  EXPECT_EQ(failure_of(core).code, TransportErrorCode::denied);
}

// One request, one outcome: what only a buggy carrier could do stops the process (DCL_ASSERT).
TEST(SignedLoginClientCoreDeathTest, ASecondStartOrAnUnaskedResponseIsABug) {
  EXPECT_DEATH(
      {
        SignedLoginClientCore core(config_for(testing::identity_of(1)));
        core.start(testing::now_ms);
        core.start(testing::now_ms);
      },
      "state_ == LoginState::idle");
  EXPECT_DEATH(
      {
        SignedLoginClientCore core(config_for(testing::identity_of(1)));
        core.start(testing::now_ms);  // the request was never handed out
        core.handle_response(answer(200, "{}"));
      },
      "awaiting_response");
  EXPECT_DEATH(
      {
        auto core = waiting_core();
        core.handle_response(answer(403, "{}"));
        core.handle_response(answer(403, "{}"));
      },
      "awaiting_response");
}

}  // namespace
}  // namespace dclcomms::signed_login
