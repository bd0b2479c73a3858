#include "dclcomms/ws_room/client_core.hpp"

#include <gtest/gtest.h>

#include <map>

#include "dclcomms/core/hex.hpp"
#include "test_identity.hpp"

namespace dclcomms::ws_room {
namespace {

using namespace std::chrono_literals;
constexpr std::string_view me = "0x1234567890abcdef1234567890abcdef12345678";

codec::Bytes frame_of(const codec::WsPacket& packet) { return codec::encode_ws_packet(packet); }

codec::WsPacket challenge(std::string text) {
  codec::WsPacket p;
  p.mutable_challenge_message()->set_challenge_to_sign(std::move(text));
  return p;
}
codec::WsPacket welcome(Alias alias, std::map<Alias, std::string> peers) {
  codec::WsPacket p;
  p.mutable_welcome_message()->set_alias(alias);
  for (auto& [a, addr] : peers) (*p.mutable_welcome_message()->mutable_peer_identities())[a] = addr;
  return p;
}
codec::WsPacket update(Alias from, std::string body, bool unreliable = false) {
  codec::WsPacket p;
  p.mutable_peer_update_message()->set_from_alias(from);
  p.mutable_peer_update_message()->set_body(std::move(body));
  p.mutable_peer_update_message()->set_unreliable(unreliable);
  return p;
}
codec::WsPacket join(Alias alias, std::string address) {
  codec::WsPacket p;
  p.mutable_peer_join_message()->set_alias(alias);
  p.mutable_peer_join_message()->set_address(std::move(address));
  return p;
}
codec::WsPacket leave(Alias alias) {
  codec::WsPacket p;
  p.mutable_peer_leave_message()->set_alias(alias);
  return p;
}
codec::WsPacket kicked(std::string reason) {
  codec::WsPacket p;
  p.mutable_peer_kicked()->set_reason(std::move(reason));
  return p;
}

struct ClientFixture : ::testing::Test {
  core::TimePoint now{};
  WsRoomClientCore client{client_core_config_default(std::string(me), [](std::string_view c) { return testing::fake_chain(me, c); })};

  std::vector<Transmit> transmits() {
    std::vector<Transmit> out;
    while (auto t = client.poll_transmit()) out.push_back(std::move(*t));
    return out;
  }
  std::vector<ClientEvent> events() {
    std::vector<ClientEvent> out;
    while (auto e = client.poll_event()) out.push_back(std::move(*e));
    return out;
  }
  codec::WsPacket only_frame() {
    auto out = transmits();
    EXPECT_EQ(out.size(), 1u);
    if (out.empty() || !std::holds_alternative<Frame>(out[0])) return {};
    return *codec::decode_ws_packet(std::get<Frame>(out[0]).bytes);
  }
  void receive(const codec::WsPacket& p) { client.handle_frame(frame_of(p), now); }
  void join_room() {
    client.handle_connected(now);
    transmits();
    receive(challenge("dcl-abc"));
    transmits();
    receive(welcome(9, {{3, "0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}));
    events();
  }
};

TEST_F(ClientFixture, IdentifiesThenSignsTheChallengeThenJoins) {
  client.handle_connected(now);
  const auto identification = only_frame();
  EXPECT_EQ(identification.peer_identification().address(), me);
  EXPECT_EQ(core::to_hex(frame_of(identification)).substr(0, 8), "3a2c0a2a");  // spec §3.6
  EXPECT_EQ(client.poll_timeout(), now + 1s);

  receive(challenge("dcl-0.4fzyo82mvyr"));
  EXPECT_EQ(only_frame().signed_challenge_for_server().auth_chain_json(), testing::fake_chain(me, "dcl-0.4fzyo82mvyr"));
  EXPECT_EQ(client.state(), ClientState::awaiting_welcome);

  receive(welcome(7, {{3, "0x1234567890ABCDEF1234567890ABCDEF12345678"}}));
  const auto got = events();
  ASSERT_EQ(got.size(), 1u);
  const auto& welcomed = std::get<Welcomed>(got[0]);
  EXPECT_EQ(welcomed.alias, 7u);
  EXPECT_EQ(welcomed.peers.at(3), "0x1234567890abcdef1234567890abcdef12345678") << "addresses are lowercased";
  EXPECT_EQ(client.state(), ClientState::joined);
  EXPECT_FALSE(client.poll_timeout().has_value());
}

TEST_F(ClientFixture, AcceptsAWelcomeWithoutChallenge) {
  client.handle_connected(now);
  transmits();
  receive(welcome(1, {}));
  EXPECT_EQ(client.state(), ClientState::joined);
  EXPECT_TRUE(transmits().empty()) << "nothing to sign";
}

TEST_F(ClientFixture, RefusesToSignAChallengeWithoutTheDclPrefix) {
  client.handle_connected(now);
  transmits();
  receive(challenge("please sign this transfer"));
  const auto out = transmits();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<CloseRequest>(out[0]).reason, CloseReason::protocol_error);
  const auto closed = std::get<Closed>(events().at(0));
  EXPECT_FALSE(closed.kicked);
  EXPECT_NE(closed.detail.find("dcl-"), std::string::npos);
}

TEST_F(ClientFixture, EachHandshakeStepHasItsTimeout) {
  client.handle_connected(now);
  transmits();
  client.handle_timeout(now + 999ms);  // early: a no-op
  EXPECT_EQ(client.state(), ClientState::identifying);
  client.handle_timeout(now + 1s);
  EXPECT_EQ(std::get<Closed>(events().at(0)).reason, CloseReason::handshake_timeout);

  WsRoomClientCore second(client_core_config_default(std::string(me), [](std::string_view c) { return std::string(c); }));
  second.handle_connected(now);
  second.handle_frame(frame_of(challenge("dcl-x")), now + 500ms);
  EXPECT_EQ(second.poll_timeout(), now + 1500ms) << "re-armed after each step";
  second.handle_timeout(now + 1500ms);
  EXPECT_EQ(second.state(), ClientState::closed);
}

TEST_F(ClientFixture, KickedMeansDoNotReconnect) {
  join_room();
  receive(kicked("Already logged in"));
  const auto closed = std::get<Closed>(events().at(0));
  EXPECT_TRUE(closed.kicked);
  EXPECT_EQ(closed.reason, CloseReason::kicked);
  EXPECT_EQ(closed.detail, "Already logged in");
  EXPECT_EQ(client.state(), ClientState::closed);
  receive(update(3, "late"));
  EXPECT_TRUE(events().empty()) << "nothing after close";
}

TEST_F(ClientFixture, KickedDuringTheHandshakeIsAKickToo) {
  client.handle_connected(now);
  transmits();
  receive(kicked("This world is full. Try again later."));
  EXPECT_TRUE(std::get<Closed>(events().at(0)).kicked);
}

TEST_F(ClientFixture, UndecodableFrameCloses) {
  join_room();
  client.handle_frame(*core::from_hex("1a05"), now);
  const auto out = transmits();
  EXPECT_EQ(std::get<CloseRequest>(out.at(0)).reason, CloseReason::protocol_error);
  EXPECT_NE(std::get<Closed>(events().at(0)).detail.find("truncated"), std::string::npos);
}

TEST_F(ClientFixture, MembershipAndMessages) {
  join_room();
  receive(update(3, "hello", true));
  auto got = events();
  ASSERT_EQ(got.size(), 1u);
  const auto& message = std::get<MessageReceived>(got[0]);
  EXPECT_EQ(message.address, "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(std::string(message.body.begin(), message.body.end()), "hello");
  EXPECT_TRUE(message.unreliable);

  receive(update(44, "from nobody"));
  EXPECT_TRUE(events().empty());
  EXPECT_EQ(client.stats().updates_from_unknown_alias, 1u);

  receive(join(44, "0xBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"));
  receive(join(44, "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));  // repeated: no second event
  got = events();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(std::get<PeerJoined>(got[0]).address, "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

  receive(leave(44));
  receive(leave(1234));  // stale: tolerated
  got = events();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(std::get<PeerLeft>(got[0]).alias, 44u);
  EXPECT_EQ(client.stats().stale_leaves, 1u);

  receive(challenge("dcl-again"));  // unexpected after the handshake: ignored, never closes
  receive(codec::WsPacket{});
  EXPECT_EQ(client.stats().ignored_packets, 2u);
  EXPECT_EQ(client.state(), ClientState::joined);
}

// The peer table (sorted aliases, one address buffer): joins out of order and of different
// lengths, a leave in the middle, a rejoin with another address; every update names its sender's
// current address and peers() agrees.
TEST_F(ClientFixture, PeerTableFollowsJoinsLeavesAndRejoins) {
  join_room();  // alias 3 is 0xAAAA…
  receive(join(10, "0xCC"));
  receive(join(5, "0xDDDDDD"));
  receive(join(7, "0xE"));
  receive(leave(5));
  receive(join(10, "0xFFFFFFFF"));  // another address for alias 10: left, then joined
  (void)events();
  const auto sender_of = [&](Alias alias) {
    receive(update(alias, "x"));
    const auto got = events();
    return got.size() == 1 ? std::get<MessageReceived>(got[0]).address : std::string("<none>");
  };
  EXPECT_EQ(sender_of(3), "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(sender_of(5), "<none>");
  EXPECT_EQ(sender_of(7), "0xe");
  EXPECT_EQ(sender_of(10), "0xffffffff");
  const std::map<Alias, std::string> expected{{3, "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, {7, "0xe"}, {10, "0xffffffff"}};
  EXPECT_EQ(client.peers(), expected);
  receive(join(4, "0x44"));  // between 3 and 7: the buffer shifts the later addresses
  (void)events();
  EXPECT_EQ(sender_of(4), "0x44");
  EXPECT_EQ(sender_of(7), "0xe");
  EXPECT_EQ(sender_of(10), "0xffffffff");
}

TEST_F(ClientFixture, SendsWrapPacketsInPeerUpdates) {
  const std::vector<std::uint8_t> packet{0x2a, 0x00};
  EXPECT_EQ(client.send(packet, false, now).error().code, SendErrorCode::not_joined);
  join_room();
  ASSERT_TRUE(client.send(packet, true, now).ok());
  const auto sent = only_frame();
  EXPECT_EQ(sent.peer_update_message().from_alias(), 0u);
  EXPECT_EQ(sent.peer_update_message().body(), std::string("\x2a\x00", 2));
  EXPECT_TRUE(sent.peer_update_message().unreliable());

  const std::vector<std::uint8_t> huge(codec::packet_bytes_max_default + 1, 0);
  EXPECT_EQ(client.send(huge, false, now).error().code, SendErrorCode::packet_too_large);
  EXPECT_TRUE(transmits().empty()) << "a refused send loses nothing and sends nothing";
}

TEST_F(ClientFixture, TheOutboundQueueIsBounded) {
  auto config = client_core_config_default(std::string(me), nullptr);
  config.outbound_frames_max = 3;
  WsRoomClientCore small(config);
  small.handle_connected(now);
  small.handle_frame(frame_of(welcome(1, {})), now);
  const std::vector<std::uint8_t> packet{0x2a, 0x00};
  EXPECT_TRUE(small.send(packet, false, now).ok());
  EXPECT_TRUE(small.send(packet, false, now).ok());  // identification + 2 updates = 3 frames queued
  EXPECT_EQ(small.send(packet, false, now).error().code, SendErrorCode::queue_full);
  while (small.poll_transmit()) {
  }
  EXPECT_TRUE(small.send(packet, false, now).ok()) << "draining frees the queue";
}

TEST_F(ClientFixture, CloseIsIdempotentAndAsksTheCarrierToClose) {
  join_room();
  client.close(now);
  client.close(now);
  const auto out = transmits();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<CloseRequest>(out[0]).reason, CloseReason::client_request);
  EXPECT_EQ(events().size(), 1u);
  client.handle_closed("socket closed", now);
  EXPECT_TRUE(events().empty()) << "one Closed event only";
}

TEST_F(ClientFixture, PeerCloseEndsTheSession) {
  join_room();
  client.handle_closed("connection reset", now);
  const auto closed = std::get<Closed>(events().at(0));
  EXPECT_EQ(closed.reason, CloseReason::peer_closed);
  EXPECT_EQ(closed.detail, "connection reset");
  EXPECT_TRUE(transmits().empty());
}

}  // namespace
}  // namespace dclcomms::ws_room
