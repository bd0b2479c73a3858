// The LiveKit signal server core, driven by hand: LiveKit's own messages in and out (the vendored
// definitions), no runtime.
#include "dclcomms/livekit_server/signal_server_core.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "livekit_rtc.pb.h"
#include "livekit_test_tokens.hpp"

namespace dclcomms::livekit_server {
namespace signal_server_core_test {

using namespace std::chrono_literals;

using namespace test_tokens;

std::string target(const std::string& identity) { return "/rtc?access_token=" + token(identity) + "&auto_subscribe=1&protocol=16"; }

struct Harness {
  SignalServerCore core{SignalServerConfig{.credentials = credentials}};
  core::TimePoint now{};
  std::map<SignalConnectionId, std::vector<::livekit::SignalResponse>> received;
  std::vector<SignalClose> closed;
  std::vector<SignalServerEvent> events;

  void open(SignalConnectionId id, const std::string& identity) {
    ASSERT_TRUE(core.check_upgrade(target(identity), "", now_s));
    core.handle_open(id, target(identity), "", now, now_s * 1000);
    drain();
  }
  void send(SignalConnectionId id, const ::livekit::SignalRequest& request) {
    const std::string bytes = request.SerializeAsString();
    core.handle_message(id, std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), now, now_s * 1000 + 5);
    drain();
  }
  void drain() {
    while (auto t = core.poll_transmit()) {
      ::livekit::SignalResponse response;
      ASSERT_TRUE(response.ParseFromArray(t->bytes.data(), static_cast<int>(t->bytes.size())));
      received[t->connection].push_back(response);
    }
    while (auto c = core.poll_close()) closed.push_back(*c);
    while (auto e = core.poll_event()) events.push_back(*e);
  }
};

TEST(SignalServerCore, RefusesUpgradesWithoutAValidToken) {
  SignalServerCore core{SignalServerConfig{.credentials = credentials}};
  EXPECT_EQ(core.check_upgrade("/rooms/x", "", now_s).error().code, SignalRefusalCode::bad_target);
  EXPECT_EQ(core.check_upgrade("/rtc?auto_subscribe=1", "", now_s).error().code, SignalRefusalCode::bad_target);
  EXPECT_EQ(core.check_upgrade("/rtc/v1?join_request=x", "Bearer " + token("a"), now_s).error().code, SignalRefusalCode::bad_target);
  const auto forged = core.check_upgrade("/rtc?access_token=" + token("a", "plaza", "another-secret-another-secret-xx"), "", now_s);
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().code, SignalRefusalCode::bad_token);
  EXPECT_NE(forged.error().message.find("bad_signature"), std::string::npos) << forged.error().message;
  const auto expired = core.check_upgrade(target("a"), "", now_s + 7200);
  ASSERT_FALSE(expired);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos) << expired.error().message;
  EXPECT_TRUE(core.check_upgrade(target("a"), "", now_s));
  // LiveKit's Rust and Node SDKs send the token as a Bearer header.
  EXPECT_TRUE(core.check_upgrade("/rtc?sdk=node&protocol=17&auto_subscribe=1", "Bearer " + token("a"), now_s));
  EXPECT_EQ(access_token_of("/rtc?access_token=abc", ""), "abc");
  EXPECT_EQ(access_token_of("/rtc?access_token=abc", "Bearer xyz"), "xyz");
}

TEST(SignalServerCore, JoinTellsWhoIsThereAndTellsThemWhoCame) {
  Harness h;
  h.open(1, "alice");
  ASSERT_EQ(h.received[1].size(), 1u);
  const auto join = h.received[1][0];
  ASSERT_TRUE(join.has_join());
  EXPECT_EQ(join.join().room().name(), "plaza");
  EXPECT_EQ(join.join().participant().identity(), "alice");
  EXPECT_EQ(join.join().participant().name(), "alice name");
  EXPECT_EQ(join.join().other_participants_size(), 0);
  EXPECT_EQ(join.join().ping_interval(), 5);
  EXPECT_EQ(join.join().ping_timeout(), 15);
  EXPECT_TRUE(join.join().participant().permission().can_publish_data());

  h.open(2, "bob");
  ASSERT_EQ(h.received[2].size(), 1u);
  ASSERT_EQ(h.received[2][0].join().other_participants_size(), 1);
  EXPECT_EQ(h.received[2][0].join().other_participants(0).identity(), "alice");
  EXPECT_EQ(h.received[2][0].join().room().sid(), join.join().room().sid()) << "one room, one sid";
  ASSERT_EQ(h.received[1].size(), 2u);
  ASSERT_TRUE(h.received[1][1].has_update());
  EXPECT_EQ(h.received[1][1].update().participants(0).identity(), "bob");
  EXPECT_EQ(h.received[1][1].update().participants(0).state(), ::livekit::ParticipantInfo::JOINED);
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(std::get<ParticipantJoined>(h.events[1]).identity, "bob");
}

TEST(SignalServerCore, PingsAreAnsweredAndLeavesReported) {
  Harness h;
  h.open(1, "alice");
  h.open(2, "bob");
  ::livekit::SignalRequest ping;
  ping.mutable_ping_req()->set_timestamp(12345);
  h.send(1, ping);
  ASSERT_TRUE(h.received[1].back().has_pong_resp());
  EXPECT_EQ(h.received[1].back().pong_resp().last_ping_timestamp(), 12345);
  EXPECT_EQ(h.received[1].back().pong_resp().timestamp(), now_s * 1000 + 5);

  ::livekit::SignalRequest leave;
  leave.mutable_leave()->set_reason(::livekit::CLIENT_INITIATED);
  h.send(1, leave);
  ASSERT_EQ(h.closed.size(), 1u);
  EXPECT_EQ(h.closed[0].connection, 1u);
  ASSERT_TRUE(h.received[2].back().has_update());
  EXPECT_EQ(h.received[2].back().update().participants(0).identity(), "alice");
  EXPECT_EQ(h.received[2].back().update().participants(0).state(), ::livekit::ParticipantInfo::DISCONNECTED);
  EXPECT_EQ(std::get<ParticipantLeft>(h.events.back()).reason, "client leave");
  h.core.handle_closed(1);
  h.drain();
  EXPECT_EQ(h.core.participant_count(), 1u);
  EXPECT_EQ(h.received[2].size(), 2u) << "the close after a leave tells nobody twice";
}

TEST(SignalServerCore, ADuplicateIdentityDisplacesTheOlderSession) {
  Harness h;
  h.open(1, "alice");
  h.open(2, "bob");
  h.open(3, "alice");
  // The older alice is told why and closed; bob sees her go and the new one come.
  const auto told = h.received[1].back();
  ASSERT_TRUE(told.has_leave());
  EXPECT_EQ(told.leave().reason(), ::livekit::DUPLICATE_IDENTITY);
  EXPECT_EQ(told.leave().action(), ::livekit::LeaveRequest::DISCONNECT);
  ASSERT_EQ(h.closed.size(), 1u);
  EXPECT_EQ(h.closed[0].connection, 1u);
  ASSERT_GE(h.received[2].size(), 3u);
  EXPECT_EQ(h.received[2][1].update().participants(0).state(), ::livekit::ParticipantInfo::DISCONNECTED);
  EXPECT_EQ(h.received[2][2].update().participants(0).state(), ::livekit::ParticipantInfo::JOINED);
  EXPECT_NE(h.received[2][1].update().participants(0).sid(), h.received[2][2].update().participants(0).sid());
  // The new alice's join lists bob only.
  ASSERT_EQ(h.received[3][0].join().other_participants_size(), 1);
  EXPECT_EQ(h.received[3][0].join().other_participants(0).identity(), "bob");
}

TEST(SignalServerCore, AMalformedMessageEndsOnlyThatSession) {
  Harness h;
  h.open(1, "alice");
  h.open(2, "bob");
  const std::uint8_t garbage[] = {0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f};
  h.core.handle_message(1, garbage, h.now, now_s * 1000);
  h.drain();
  ASSERT_EQ(h.closed.size(), 1u);
  EXPECT_EQ(h.closed[0].reason, "malformed signal message");
  ::livekit::SignalRequest ping;
  ping.mutable_ping_req()->set_timestamp(1);
  h.send(2, ping);
  EXPECT_TRUE(h.received[2].back().has_pong_resp()) << "the server goes on serving the others";
}

TEST(SignalServerCore, ASilentSessionTimesOut) {
  Harness h;
  h.open(1, "alice");
  ASSERT_EQ(h.core.poll_timeout(), h.now + 15s);
  h.now += 10s;
  ::livekit::SignalRequest ping;
  ping.mutable_ping_req()->set_timestamp(1);
  h.send(1, ping);
  EXPECT_EQ(h.core.poll_timeout(), h.now + 15s);
  h.now += 15s;
  h.core.handle_timeout(h.now);
  h.drain();
  ASSERT_EQ(h.closed.size(), 1u);
  EXPECT_EQ(h.closed[0].reason, "ping timeout");
}

TEST(SignalServerCore, NegotiationIsReportedNotAnswered) {
  Harness h;
  h.open(1, "alice");
  ::livekit::SignalRequest offer;
  offer.mutable_offer()->set_type("offer");
  offer.mutable_offer()->set_sdp("v=0\r\n");
  h.send(1, offer);
  ASSERT_TRUE(std::holds_alternative<NegotiationReceived>(h.events.back()));
  EXPECT_EQ(std::get<NegotiationReceived>(h.events.back()).what, "offer");
  EXPECT_EQ(h.received[1].size(), 1u);
}

RC_GTEST_PROP(SignalServerCore, AnyBytesNeverBreakTheServer, (std::vector<std::uint8_t> bytes)) {
  Harness h;
  h.open(1, "alice");
  h.open(2, "bob");
  h.core.handle_message(1, bytes, h.now, now_s * 1000);
  h.drain();
  // Either a request it understood (or ignored) or a close of that session alone.
  RC_ASSERT(h.closed.size() <= 1u);
  RC_ASSERT(h.core.participant_count() == 2u);
  ::livekit::SignalRequest ping;
  ping.mutable_ping_req()->set_timestamp(7);
  h.send(2, ping);
  RC_ASSERT(h.received[2].back().has_pong_resp());
}

}  // namespace signal_server_core_test
}  // namespace dclcomms::livekit_server
