#include "dclcomms/signed_login/signed_login_transport.hpp"

#include <gtest/gtest.h>

#include "dclcomms/core/manual_runtime.hpp"
#include "dclcomms/offline/offline_transport.hpp"
#include "dclcomms/signed_login/signed_login_endpoint.hpp"
#include "signed_login_test_support.hpp"

namespace dclcomms::signed_login {
namespace {

// An HTTP fetcher that hands the request to our own endpoint logic in-process (the network path is
// covered by the Beast loopback and npm interop tests), answering on the runtime like a real one.
transport::HttpFetcher in_process(core::ManualRuntime& runtime,
                                  std::function<transport::HttpResponse(const transport::HttpServerRequest&)> serve,
                                  std::vector<transport::HttpRequest>& seen) {
  return [&runtime, serve, &seen](transport::HttpRequest request, const transport::HttpClientOptions&,
                                  std::function<void(core::Result<transport::HttpResult, transport::HttpError>)> done) {
    seen.push_back(request);
    transport::HttpServerRequest server_side;
    server_side.method = request.method;
    server_side.target = request.url.substr(request.url.find('/', request.url.find("//") + 2));
    server_side.headers = request.headers;
    const auto response = serve(server_side);
    transport::HttpResult result;
    result.status = response.status;
    result.body = response.body;
    for (const auto& h : response.headers) result.headers.push_back(h);
    runtime.post([done, result] { done(result); });
  };
}

struct Fixture : ::testing::Test {
  core::ManualRuntime runtime;
  std::vector<transport::HttpRequest> seen;
  std::vector<transport::TransportEvent> events;

  transport::TransportPtr make(std::function<transport::HttpResponse(const transport::HttpServerRequest&)> serve,
                               std::optional<transport::SigningIdentity> identity, transport::TransportFactory*& factory_out) {
    transport::TransportContext context{.runtime = &runtime, .identity = std::move(identity)};
    context.http = in_process(runtime, std::move(serve), seen);
    context.unix_ms_now = [] { return testing::now_ms; };
    factory_ = std::make_unique<transport::TransportFactory>(context);
    register_signed_login(*factory_);
    offline::register_offline(*factory_);  // what the endpoint of some tests names
    factory_out = factory_.get();
    auto created = factory_->create("signed-login:https://worlds.example.org/worlds/boedo.dcl.eth/comms");
    EXPECT_TRUE(created.ok());
    (*created)->set_event_handler([this](const transport::TransportEvent& e) { events.push_back(e); });
    return std::move(created).value();
  }
  std::unique_ptr<transport::TransportFactory> factory_;
};

TEST_F(Fixture, ResolvesThenDelegatesToTheNamedTransport) {
  const SignedLoginEndpoint endpoint({.adapter_template = "offline:{room}"});
  transport::TransportFactory* factory = nullptr;
  auto t =
      make([&](const transport::HttpServerRequest& r) { return endpoint.handle(r, testing::now_ms); }, testing::identity_of(1), factory);
  ASSERT_TRUE(t->connect().ok());
  runtime.run_until_idle();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_TRUE(seen[0].body.empty());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<transport::Connected>(events[0])) << transport::event_name(events[0]);
  const auto* signed_in = dynamic_cast<SignedLoginTransport*>(t.get());
  ASSERT_NE(signed_in->delegate(), nullptr);
  EXPECT_EQ(signed_in->delegate()->type(), "offline");
  EXPECT_TRUE(t->send(std::vector<std::uint8_t>{0x2a, 0x00}, {}).ok());
  t->disconnect();
  runtime.run_until_idle();
  EXPECT_TRUE(std::holds_alternative<transport::Disconnected>(events.back()));
}

TEST_F(Fixture, DenialsBecomeTypedErrorsWithTheServersText) {
  transport::TransportFactory* factory = nullptr;
  auto t = make(
      [](const transport::HttpServerRequest&) {
        return transport::HttpResponse{503, "application/json", R"({"error":"World is at capacity"})", {}};
      },
      testing::identity_of(1), factory);
  ASSERT_TRUE(t->connect().ok());
  EXPECT_TRUE(events.empty()) << "nothing happens inside connect()";
  runtime.run_until_idle();
  ASSERT_EQ(events.size(), 2u);
  const auto& error = std::get<transport::ErrorReported>(events[0]).error;
  EXPECT_EQ(error.code, transport::TransportErrorCode::denied);
  EXPECT_NE(error.message.find("World is at capacity"), std::string::npos) << error.message;
  EXPECT_FALSE(std::get<transport::Disconnected>(events[1]).kicked);
  EXPECT_EQ(t->send(std::vector<std::uint8_t>{0x2a, 0x00}, {}).error().code, transport::TransportErrorCode::not_connected);
}

TEST_F(Fixture, AnAnswerTheFactoryCannotServeIsAProtocolError) {
  transport::TransportFactory* factory = nullptr;
  auto t = make(
      [](const transport::HttpServerRequest&) {
        return transport::HttpResponse{200, "application/json", R"({"fixedAdapter":"p2p:nope"})", {}};
      },
      testing::identity_of(1), factory);
  ASSERT_TRUE(t->connect().ok());
  runtime.run_until_idle();
  const auto& error = std::get<transport::ErrorReported>(events.at(0)).error;
  EXPECT_EQ(error.code, transport::TransportErrorCode::protocol_error);
  EXPECT_NE(error.message.find("p2p:nope"), std::string::npos);
}

TEST_F(Fixture, WithoutAnIdentityNothingIsSent) {
  transport::TransportFactory* factory = nullptr;
  auto t = make([](const transport::HttpServerRequest&) { return transport::HttpResponse{}; }, std::nullopt, factory);
  ASSERT_TRUE(t->connect().ok());
  runtime.run_until_idle();
  EXPECT_TRUE(seen.empty());
  EXPECT_TRUE(std::holds_alternative<transport::Disconnected>(events.back()));
}

TEST_F(Fixture, DisconnectWhileWaitingIgnoresTheLateAnswer) {
  const SignedLoginEndpoint endpoint({.adapter_template = "offline:x"});
  transport::TransportFactory* factory = nullptr;
  auto t =
      make([&](const transport::HttpServerRequest& r) { return endpoint.handle(r, testing::now_ms); }, testing::identity_of(1), factory);
  ASSERT_TRUE(t->connect().ok());
  t->disconnect();
  runtime.run_until_idle();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<transport::Disconnected>(events[0]));
}

}  // namespace
}  // namespace dclcomms::signed_login
