// The livekit transport without a network: URI + token checks at creation, the connect-time
// clock check, event mapping and send rules, with a scripted LivekitConnector on a ManualRuntime.
#include <gtest/gtest.h>

#include "dclcomms/core/manual_runtime.hpp"
#include "dclcomms/livekit/livekit_transport.hpp"

namespace dclcomms::livekit {
namespace {

constexpr std::int64_t t0 = 1790000000;

std::string token_of(const LivekitClaims& claims) { return mint_livekit_token(claims, "secret"); }
std::string good_token() { return token_of(decentraland_claims("APIk", "0xabc", "I1", t0, t0 + 300)); }

struct FakeSession final : LivekitSession {
  void publish_data(std::vector<std::uint8_t> payload, DataKind kind, std::vector<std::string> destinations) override {
    published.push_back({std::move(payload), kind, std::move(destinations)});
  }
  void leave() override { left = true; }
  struct Published {
    std::vector<std::uint8_t> payload;
    DataKind kind;
    std::vector<std::string> destinations;
  };
  std::vector<Published> published;
  bool left = false;
};

struct Harness {
  core::ManualRuntime runtime;
  std::int64_t unix_now = t0;
  std::optional<JoinRequest> request;
  SessionHandler handler;
  FakeSession* session = nullptr;
  std::vector<transport::TransportEvent> events;

  // A pointer: factories are pinned (makers may keep a reference to theirs).
  std::unique_ptr<transport::TransportFactory> factory(bool with_connector = true) {
    auto f = std::make_unique<transport::TransportFactory>(transport::TransportContext{.runtime = &runtime});
    LivekitTransportOptions options;
    if (with_connector) {
      options.connector = [this](const JoinRequest& r, SessionHandler h) -> std::unique_ptr<LivekitSession> {
        request = r;
        handler = std::move(h);
        auto s = std::make_unique<FakeSession>();
        session = s.get();
        return s;
      };
    }
    options.unix_seconds_now = [this] { return unix_now; };
    register_livekit(*f, std::move(options));
    return f;
  }
  transport::TransportPtr make(const std::string& uri) {
    auto made = factory()->create(uri);
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
    auto t = std::move(made).value();
    t->set_event_handler([this](const transport::TransportEvent& e) { events.push_back(e); });
    return t;
  }
};

TEST(LivekitTransport, UriErrorsComeFromTheUriParser) {
  Harness h;
  auto f = h.factory();
  EXPECT_EQ(f->create("livekit:").error().code, transport::UriErrorCode::empty_params);
  EXPECT_EQ(f->create("livekit:wss://lk.example.org").error().code, transport::UriErrorCode::missing_token);
  EXPECT_EQ(f->create("livekit:lk.example.org?access_token=" + good_token()).error().code, transport::UriErrorCode::bad_scheme);
  EXPECT_EQ(f->create("livekit:wss://lk.example.org?access_token=abc").error().code, transport::UriErrorCode::bad_token);
  EXPECT_EQ(f->create("livekit:wss://lk.example.org?access_token=" + good_token() + "&access_token=" + good_token()).error().code,
            transport::UriErrorCode::bad_token);
}

TEST(LivekitTransport, TokensWithoutWhatCommsNeedFailAtCreationNamingTheProblem) {
  Harness h;
  auto f = h.factory();
  const auto base = decentraland_claims("APIk", "0xabc", "I1", t0, t0 + 300);
  const auto expect_bad = [&](const LivekitClaims& claims, std::string_view name) {
    const auto token = token_of(claims);
    const auto made = f->create("livekit:wss://lk.example.org?access_token=" + token);
    ASSERT_FALSE(made.ok()) << name;
    EXPECT_EQ(made.error().code, transport::UriErrorCode::bad_token);
    EXPECT_NE(made.error().message.find(name), std::string::npos) << made.error().message;
    EXPECT_EQ(made.error().message.find(token), std::string::npos) << "never quote the token";
  };
  auto c = base;
  c.identity.reset();
  expect_bad(c, "missing_identity");
  c = base;
  c.video.reset();
  expect_bad(c, "no_video_grant");
  c = base;
  c.video->room.reset();
  expect_bad(c, "missing_room");
  c = base;
  c.video->can_publish_data = false;
  expect_bad(c, "cannot_publish_data");
  c = base;
  c.video->can_subscribe = false;
  expect_bad(c, "cannot_subscribe");
  c = base;
  c.expires_at.reset();
  expect_bad(c, "missing_expiry");
  // The header and claim types, through the URI parser's JWT check and then ours.
  const auto none = std::string("eyJhbGciOiJub25lIn0.e30.c2ln");  // {"alg":"none"}.{}
  EXPECT_NE(f->create("livekit:wss://h?access_token=" + none).error().message.find("bad_header"), std::string::npos);
}

TEST(LivekitTransport, WithoutAConnectorValidTokensAreUnsupportedAndBadOnesStillBadToken) {
  Harness h;
  auto f = h.factory(false);
  const auto made = f->create("livekit:wss://lk.example.org:7880/path?access_token=" + good_token());
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().code, transport::UriErrorCode::unsupported_type);
  EXPECT_NE(made.error().message.find("docs/livekit.md"), std::string::npos);
  auto c = decentraland_claims("APIk", "0xabc", "I1", t0, t0 + 300);
  c.video->room_join = false;
  EXPECT_EQ(f->create("livekit:wss://h?access_token=" + token_of(c)).error().code, transport::UriErrorCode::bad_token);
}

TEST(LivekitTransport, ConnectJoinsTheEndpointWithoutTheQueryAndMapsEvents) {
  Harness h;
  auto t = h.make("livekit:wss://lk.example.org:7880/rtc-base?access_token=" + good_token() + "&extra=1");
  EXPECT_EQ(t->type(), "livekit");
  EXPECT_EQ(t->send(std::vector<std::uint8_t>{1}, {}).error().code, transport::TransportErrorCode::not_connected);
  ASSERT_TRUE(t->connect().ok());
  EXPECT_EQ(t->connect().error().code, transport::TransportErrorCode::already_connected);
  ASSERT_TRUE(h.request);
  EXPECT_EQ(h.request->url, "wss://lk.example.org:7880/rtc-base");
  EXPECT_EQ(h.request->token, good_token());
  h.handler.on_joined("0xabc", {"0xdef"});
  h.handler.on_participant_joined("0x123");
  h.handler.on_data("0x123", {9, 8}, DataKind::lossy);
  h.handler.on_data("", {7}, DataKind::reliable);  // server data: ignored
  h.handler.on_participant_left("0x123");
  EXPECT_TRUE(h.events.empty()) << "events are posted, never delivered re-entrantly";
  h.runtime.run_until_idle();
  ASSERT_EQ(h.events.size(), 4u);
  EXPECT_EQ(std::get<transport::Connected>(h.events[0]).peers, std::vector<std::string>{"0xdef"});
  EXPECT_EQ(std::get<transport::PeerJoined>(h.events[1]).address, "0x123");
  EXPECT_EQ(std::get<transport::MessageReceived>(h.events[2]).sender, "0x123");
  EXPECT_EQ(std::get<transport::MessageReceived>(h.events[2]).packet, (std::vector<std::uint8_t>{9, 8}));
  EXPECT_EQ(std::get<transport::PeerLeft>(h.events[3]).address, "0x123");

  transport::SendOptions lossy;
  lossy.reliability = transport::Reliability::unreliable;
  lossy.targets = {"0xdef"};
  ASSERT_TRUE(t->send(std::vector<std::uint8_t>{1, 2}, lossy).ok());
  ASSERT_TRUE(t->send(std::vector<std::uint8_t>{3}, {}).ok());
  ASSERT_EQ(h.session->published.size(), 2u);
  EXPECT_EQ(h.session->published[0].kind, DataKind::lossy);
  EXPECT_EQ(h.session->published[0].destinations, std::vector<std::string>{"0xdef"});
  EXPECT_EQ(h.session->published[1].kind, DataKind::reliable);
  EXPECT_TRUE(h.session->published[1].destinations.empty());
  EXPECT_EQ(t->send(std::vector<std::uint8_t>(65536), {}).error().code, transport::TransportErrorCode::packet_too_large);
  lossy.targets = {""};
  EXPECT_FALSE(t->send(std::vector<std::uint8_t>{1}, lossy).ok());
  EXPECT_EQ(h.session->published.size(), 2u);

  h.handler.on_closed(DisconnectReason::duplicate_identity, "joined elsewhere");
  h.runtime.run_until_idle();
  const auto& d = std::get<transport::Disconnected>(h.events.back());
  EXPECT_TRUE(d.kicked);
  EXPECT_EQ(d.reason, "duplicate_identity: joined elsewhere");
  EXPECT_EQ(t->send(std::vector<std::uint8_t>{1}, {}).error().code, transport::TransportErrorCode::not_connected);
}

TEST(LivekitTransport, OtherDisconnectReasonsAreNotKicks) {
  for (const auto reason : {DisconnectReason::server_shutdown, DisconnectReason::participant_removed, DisconnectReason::join_failure,
                            DisconnectReason::connection_lost}) {
    Harness h;
    auto t = h.make("livekit:ws://localhost:7880?access_token=" + good_token());
    ASSERT_TRUE(t->connect().ok());
    h.handler.on_closed(reason, "x");
    h.runtime.run_until_idle();
    ASSERT_EQ(h.events.size(), 1u);
    EXPECT_FALSE(std::get<transport::Disconnected>(h.events[0]).kicked) << to_string(reason);
  }
}

TEST(LivekitTransport, TimeIsCheckedAtConnectWithTheInjectedClock) {
  Harness h;
  auto t = h.make("livekit:wss://h?access_token=" + good_token());
  h.unix_now = t0 + 310;  // exp + leeway
  ASSERT_TRUE(t->connect().ok());
  EXPECT_FALSE(h.request) << "no join attempted";
  h.runtime.run_until_idle();
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_NE(std::get<transport::Disconnected>(h.events[0]).reason.find("access_token expired"), std::string::npos);

  Harness early;
  auto u = early.make("livekit:wss://h?access_token=" + good_token());
  early.unix_now = t0 - 11;
  ASSERT_TRUE(u->connect().ok());
  early.runtime.run_until_idle();
  EXPECT_NE(std::get<transport::Disconnected>(early.events.at(0)).reason.find("not_yet_valid"), std::string::npos);
}

TEST(LivekitTransport, DisconnectBeforeConnectAndLeave) {
  Harness h;
  auto t = h.make("livekit:wss://h?access_token=" + good_token());
  t->disconnect();
  t->disconnect();
  h.runtime.run_until_idle();
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_FALSE(std::get<transport::Disconnected>(h.events[0]).kicked);

  Harness g;
  auto u = g.make("livekit:wss://h?access_token=" + good_token());
  ASSERT_TRUE(u->connect().ok());
  u->disconnect();
  EXPECT_TRUE(g.session->left);
}

}  // namespace
}  // namespace dclcomms::livekit
