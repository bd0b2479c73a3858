#include "dclcomms/ws_room/server_core.hpp"

#include <gtest/gtest.h>

#include "room_harness.hpp"

namespace dclcomms::ws_room {
namespace {

using namespace std::chrono_literals;
using testing::RoomHarness;

const std::string alice = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string bob = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const std::string carol = "0xcccccccccccccccccccccccccccccccccccccccc";

std::vector<std::uint8_t> bytes(std::string_view text) { return {text.begin(), text.end()}; }

TEST(WsRoomServerCore, WelcomesWithTheOtherMembersAndAnnouncesTheNewOne) {
  RoomHarness h;
  const auto a = h.connect(alice, "r1");
  const auto b = h.connect(bob, "r1");
  const auto welcomed_b = h.events_of<Welcomed>(b).at(0);
  ASSERT_EQ(welcomed_b.peers.size(), 1u);
  EXPECT_EQ(welcomed_b.peers.begin()->second, alice);
  EXPECT_EQ(h.events_of<PeerJoined>(a).at(0).address, bob);
  EXPECT_TRUE(h.events_of<Welcomed>(a).at(0).peers.empty());
  EXPECT_EQ(h.server.member_count(), 2u);
  ASSERT_EQ(h.server.rooms().size(), 1u);
  EXPECT_EQ(h.server.rooms()[0].members, 2u);
}

TEST(WsRoomServerCore, RelaysToOthersOnlyAndStampsTheSender) {
  RoomHarness h;
  const auto a = h.connect(alice, "r1");
  const auto b = h.connect(bob, "r1");
  const auto c = h.connect(carol, "other-room");
  ASSERT_TRUE(h.clients.at(a).core->send(bytes("hi"), false, h.now).ok());
  h.drive();
  EXPECT_TRUE(h.events_of<MessageReceived>(a).empty()) << "no echo";
  EXPECT_TRUE(h.events_of<MessageReceived>(c).empty()) << "other rooms see nothing";
  const auto got = h.events_of<MessageReceived>(b);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].address, alice);
  EXPECT_EQ(got[0].alias, *h.clients.at(a).core->alias());
}

TEST(WsRoomServerCore, ARelayIsEncodedOnceAndSharedByEveryReceiver) {
  RoomHarness h;
  const auto a = h.connect(alice, "r1");
  const auto b = h.connect(bob, "r1");
  const auto c = h.connect(carol, "r1");
  ASSERT_TRUE(h.clients.at(a).core->send(bytes("hi"), false, h.now).ok());
  const auto sent = h.clients.at(a).core->poll_transmit();
  ASSERT_TRUE(sent.has_value());
  h.server.handle_frame(a, std::get<Frame>(*sent).bytes, h.now);
  std::vector<ServerTransmit> relays;
  while (auto t = h.server.poll_transmit()) relays.push_back(std::move(*t));
  ASSERT_EQ(relays.size(), 2u);
  EXPECT_EQ(relays[0].connection + relays[1].connection, b + c);
  const auto& first = std::get<SharedFrame>(relays[0].transmit).bytes;
  const auto& second = std::get<SharedFrame>(relays[1].transmit).bytes;
  EXPECT_EQ(first.get(), second.get()) << "one immutable buffer for all receivers, not a copy each";
  EXPECT_EQ(codec::decode_ws_packet(*first)->peer_update_message().from_alias(), *h.clients.at(a).core->alias());
}

TEST(WsRoomServerCore, IdentityComesFromTheChainNotFromIdentification) {
  RoomHarness h;
  const auto a = h.connect(alice, "r1");
  const auto liar = h.connect(bob, "r1", /*signer=*/carol);  // identifies as bob, signs as carol
  EXPECT_EQ(h.events_of<PeerJoined>(a).at(0).address, carol);
  EXPECT_EQ(h.clients.at(liar).core->state(), ClientState::joined);
}

TEST(WsRoomServerCore, BadSignaturesAreClosedWithoutAMessage) {
  ServerCoreConfig config = server_core_config_default(
      [](std::string_view, std::string_view, core::TimePoint) -> core::Result<std::string, ChallengeError> {
        return core::fail(ChallengeErrorCode::bad_signature, "signature does not match");
      },
      1);
  RoomHarness h(config);
  const auto a = h.connect(alice, "r1");
  const auto closed = h.events_of<Closed>(a);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].reason, CloseReason::peer_closed);
  EXPECT_FALSE(closed[0].kicked);
  EXPECT_EQ(std::get<ConnectionRejected>(h.server_events.at(0)).reason, CloseReason::auth_failed);
  EXPECT_EQ(h.server.connection_count(), 0u);
}

TEST(WsRoomServerCore, WithoutChallengeTheIdentificationIsEnough) {
  auto config = server_core_config_default(nullptr, 1);
  config.challenge_required = false;
  RoomHarness h(config);
  const auto a = h.connect(alice, "r1");
  EXPECT_EQ(h.clients.at(a).core->state(), ClientState::joined);
}

TEST(WsRoomServerCore, RoomCapacityKicksWithTheWorldIsFullMessage) {
  auto config = server_core_config_default(&testing::verify_fake_chain, 1);
  config.room_capacity = 2;
  RoomHarness h(config);
  h.connect(alice, "r1");
  h.connect(bob, "r1");
  const auto c = h.connect(carol, "r1");
  const auto closed = h.events_of<Closed>(c).at(0);
  EXPECT_TRUE(closed.kicked);
  EXPECT_EQ(closed.detail, "kicked during the handshake: This world is full. Try again later.");
  EXPECT_EQ(h.connect(carol, "r2"), 4u);  // other rooms are not affected
  EXPECT_EQ(h.server.member_count(), 3u);
}

TEST(WsRoomServerCore, ASecondLoginKicksTheFirstSession) {
  RoomHarness h;
  const auto a = h.connect(alice, "r1");
  const auto b = h.connect(bob, "r1");
  const auto a2 = h.connect(alice, "r1");
  const auto closed = h.events_of<Closed>(a).at(0);
  EXPECT_TRUE(closed.kicked);
  EXPECT_EQ(closed.detail, "Already logged in");
  EXPECT_EQ(h.clients.at(a2).core->state(), ClientState::joined);
  const auto left = h.events_of<PeerLeft>(b);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].alias, *h.clients.at(a).core->alias());
  EXPECT_EQ(h.server.member_count(), 2u);
}

// Advances the harness's clock by `by`, fires the server's timer, and expects it to have closed the
// one connection it had for a handshake timeout.
void expect_closed_for_handshake_timeout_after(RoomHarness& h, core::Duration by) {
  h.now += by;
  h.server.handle_timeout(h.now);
  const auto t = h.server.poll_transmit();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(std::get<CloseRequest>(t->transmit).reason, CloseReason::handshake_timeout);
  EXPECT_EQ(h.server.connection_count(), 0u);
}

TEST(WsRoomServerCore, HandshakeStepsTimeOut) {
  RoomHarness h;
  h.server.handle_connection_opened(99, "r1", h.now);
  EXPECT_EQ(h.server.poll_timeout(), h.now + 1s);
  expect_closed_for_handshake_timeout_after(h, 1s);
}

// The second stage has its own 1 s (spec §3.3: HANDSHAKE_TIMEOUT per stage, re-armed after each
// step): an identified connection that never answers the challenge is closed 1 s after it.
TEST(WsRoomServerCore, TheChallengeStepTimesOutOnItsOwnClock) {
  RoomHarness h;
  h.server.handle_connection_opened(98, "r1", h.now);
  h.now += 900ms;  // most of the first stage used up: the second must not inherit what is left
  codec::WsPacket identification;
  identification.mutable_peer_identification()->set_address(alice);
  h.server.handle_frame(98, codec::encode_ws_packet(identification), h.now);
  ASSERT_TRUE(h.server.poll_transmit().has_value());  // the challenge
  EXPECT_EQ(h.server.poll_timeout(), h.now + 1s);
  h.now += 999ms;
  h.server.handle_timeout(h.now);
  EXPECT_FALSE(h.server.poll_transmit().has_value()) << "closed before its 1 s";
  EXPECT_EQ(h.server.connection_count(), 1u);
  expect_closed_for_handshake_timeout_after(h, 1ms);
}

TEST(WsRoomServerCore, ProtocolViolationsClose) {
  RoomHarness h;
  auto expect_rejected = [&](ConnectionId id, std::vector<std::uint8_t> frame, CloseReason reason) {
    h.server.handle_connection_opened(id, "r1", h.now);
    h.server.handle_frame(id, frame, h.now);
    std::optional<ServerTransmit> last;
    while (auto t = h.server.poll_transmit()) last = t;
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(std::get<CloseRequest>(last->transmit).reason, reason);
    EXPECT_EQ(h.server.connection_count(), 0u);
  };
  codec::WsPacket update;
  update.mutable_peer_update_message()->set_body("x");
  expect_rejected(100, codec::encode_ws_packet(update), CloseReason::protocol_error);  // not identification
  codec::WsPacket bad_address;
  bad_address.mutable_peer_identification()->set_address("0x123");
  expect_rejected(101, codec::encode_ws_packet(bad_address), CloseReason::protocol_error);
  expect_rejected(102, {0x1a, 0x05}, CloseReason::protocol_error);  // truncated
}

TEST(WsRoomServerCore, UnknownPacketTypesAfterTheHandshakeAreIgnored) {
  RoomHarness h;
  const auto a = h.connect(alice, "r1");
  codec::WsPacket odd;
  odd.mutable_peer_join_message()->set_alias(5);
  h.server.handle_frame(a, codec::encode_ws_packet(odd), h.now);
  h.server.handle_frame(a, {}, h.now);  // an empty WsPacket
  h.drive();
  EXPECT_EQ(h.server.stats().ignored_packets, 2u);
  EXPECT_EQ(h.clients.at(a).core->state(), ClientState::joined);
}

TEST(WsRoomServerCore, LeavingIsAnnounced) {
  RoomHarness h;
  const auto a = h.connect(alice, "r1");
  const auto b = h.connect(bob, "r1");
  h.clients.at(b).core->close(h.now);
  h.drive();
  EXPECT_EQ(h.events_of<PeerLeft>(a).at(0).address, bob);
  EXPECT_EQ(h.server.member_count(), 1u);
}

TEST(WsRoomServerCore, BackpressureDropsUnreliableAndDisconnectsSlowReliableReceivers) {
  RoomHarness h;
  const auto a = h.connect(alice, "r1");
  const auto b = h.connect(bob, "r1");
  const auto c = h.connect(carol, "r1");
  h.server.handle_backlog(b, 300 * 1024);  // over the unreliable limit, under the reliable one
  ASSERT_TRUE(h.clients.at(a).core->send(bytes("lossy"), true, h.now).ok());
  ASSERT_TRUE(h.clients.at(a).core->send(bytes("must arrive"), false, h.now).ok());
  h.drive();
  ASSERT_EQ(h.events_of<MessageReceived>(b).size(), 1u);
  EXPECT_FALSE(h.events_of<MessageReceived>(b)[0].unreliable);
  EXPECT_EQ(h.events_of<MessageReceived>(c).size(), 2u);
  EXPECT_EQ(h.server.stats().unreliable_dropped, 1u);

  h.server.handle_backlog(b, 9 * 1024 * 1024);  // over the reliable limit
  ASSERT_TRUE(h.clients.at(a).core->send(bytes("again"), false, h.now).ok());
  h.drive();
  EXPECT_EQ(h.clients.at(b).core->state(), ClientState::closed);
  EXPECT_EQ(std::get<MemberLeft>(h.server_events.back()).reason, CloseReason::slow_receiver);
  EXPECT_EQ(h.events_of<PeerLeft>(a).at(0).address, bob);
}

TEST(WsRoomServerCore, AliasesAreNeverZeroAndNeverReused) {
  RoomHarness h;
  std::set<Alias> seen;
  for (int i = 0; i < 20; ++i) {
    const auto id = h.connect("0x" + std::string(38, '0') + (i < 10 ? "0" : "") + std::to_string(i), "r1");
    const auto alias = h.clients.at(id).core->alias();
    ASSERT_TRUE(alias.has_value());
    EXPECT_NE(*alias, 0u);
    EXPECT_TRUE(seen.insert(*alias).second);
  }
}

TEST(WsRoomServerCore, ChallengesAreDclPrefixedAndSeeded) {
  auto challenge_of = [](std::uint64_t seed) {
    WsRoomServerCore server(server_core_config_default(&testing::verify_fake_chain, seed));
    server.handle_connection_opened(1, "r", core::TimePoint{});
    codec::WsPacket id;
    id.mutable_peer_identification()->set_address(alice);
    server.handle_frame(1, codec::encode_ws_packet(id), core::TimePoint{});
    const auto t = server.poll_transmit();
    return codec::decode_ws_packet(*std::get<SharedFrame>(t->transmit).bytes)->challenge_message().challenge_to_sign();
  };
  EXPECT_EQ(challenge_of(7), challenge_of(7));
  EXPECT_NE(challenge_of(7), challenge_of(8));
  EXPECT_EQ(challenge_of(7).rfind("dcl-", 0), 0u);
}

}  // namespace
}  // namespace dclcomms::ws_room
