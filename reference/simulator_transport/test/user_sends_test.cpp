// What the user sends reaches the peers over the simulated network; they answer ProfileRequests.
#include <gtest/gtest.h>

#include "event_recorder.hpp"

namespace dclcomms::simulator_transport::test {
namespace {

using namespace std::chrono_literals;

codec::Packet profile_request(const std::string& address) {
  codec::Packet packet;
  packet.set_protocol_version(100);
  packet.mutable_profile_request()->set_address(address);
  packet.mutable_profile_request()->set_profile_version(0);
  return packet;
}

std::vector<std::pair<core::TimePoint, codec::Packet>> responses(const Harness& harness, const std::string& from = {}) {
  std::vector<std::pair<core::TimePoint, codec::Packet>> out;
  for (auto& entry : harness.packets_from(from)) {
    if (entry.second.has_profile_response()) out.push_back(std::move(entry));
  }
  return out;
}

TEST(SimulatorTransportSends, ProfileRequestIsAnsweredByTheAddressedPeerOnly) {
  Harness harness("simulator:?peers=8&seed=21&profile=lan");
  harness.connect();
  harness.advance(1s);
  const auto peers = harness.connected_peers();
  ASSERT_GE(peers.size(), 2U);
  const std::string& target = peers[1];
  const auto sent_at = harness.runtime().now();
  ASSERT_TRUE(harness.send(profile_request(target), transport::Reliability::reliable));
  harness.advance(1s);

  const auto answers = responses(harness);
  ASSERT_EQ(answers.size(), 1U);
  const auto from_target = responses(harness, target);
  ASSERT_EQ(from_target.size(), 1U);
  const auto& [at, packet] = from_target.front();
  EXPECT_EQ(packet.protocol_version(), 100U);
  EXPECT_EQ(packet.profile_response().base_url(), "https://peer.decentraland.org");
  EXPECT_NE(packet.profile_response().serialized_profile().find("\"ethAddress\":\"" + target + "\""), std::string::npos);
  // 0-100 ms of "thinking" plus two LAN hops, seen at 5 ms tick granularity.
  EXPECT_LE(at - sent_at, 120ms);

  // Every listed peer received the broadcast request once; only the addressed one answered.
  const auto& crowd = harness.crowd();
  for (std::uint32_t i = 0; i < crowd.peer_count(); ++i) {
    const auto& peer = crowd.peer(i);
    if (!crowd.user_lists(i)) continue;
    EXPECT_EQ(peer.stats().received_by_case[codec::Packet::kProfileRequest], 1U) << peer.address();
    EXPECT_EQ(peer.stats().profile_requests_answered, peer.address() == target ? 1U : 0U);
  }
}

TEST(SimulatorTransportSends, UpperCaseAddressesAreTheSamePeer) {
  Harness harness("simulator:?peers=3&seed=22&profile=ideal");
  harness.connect();
  const auto peers = harness.connected_peers();
  ASSERT_FALSE(peers.empty());
  std::string upper = peers[0];
  for (std::size_t i = 2; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  ASSERT_TRUE(harness.send(profile_request(upper), transport::Reliability::reliable, {upper}));
  harness.advance(500ms);
  EXPECT_EQ(responses(harness, peers[0]).size(), 1U);
}

TEST(SimulatorTransportSends, TargetedSendsReachOnlyTheTargets) {
  Harness harness("simulator:?peers=10&seed=23&profile=ideal");
  harness.connect();
  const auto peers = harness.connected_peers();
  ASSERT_GE(peers.size(), 3U);
  // A request for peers[0], sent only to peers[1]: nobody answers (peers[1] is not addressed).
  ASSERT_TRUE(harness.send(profile_request(peers[0]), transport::Reliability::reliable, {peers[1]}));
  // Unreliable chat to peers[2] and an unknown address (skipped, as a room does).
  codec::Packet chat;
  chat.set_protocol_version(100);
  chat.mutable_chat()->set_message("psst");
  ASSERT_TRUE(harness.send(chat, transport::Reliability::unreliable, {peers[2], "0x0000000000000000000000000000000000000000", peers[2]}));
  harness.advance(1s);
  EXPECT_TRUE(responses(harness).empty());
  const auto& crowd = harness.crowd();
  for (std::uint32_t i = 0; i < crowd.peer_count(); ++i) {
    const auto& peer = crowd.peer(i);
    const auto& by_case = peer.stats().received_by_case;
    EXPECT_EQ(by_case[codec::Packet::kProfileRequest], peer.address() == peers[1] ? 1U : 0U) << i;
    EXPECT_EQ(by_case[codec::Packet::kChat], peer.address() == peers[2] ? 1U : 0U) << i;
  }
  EXPECT_EQ(crowd.stats().user_copies_sent, 2U);
}

TEST(SimulatorTransportSends, LargeUnreliablePacketsStillArrive) {
  Harness harness("simulator:?peers=2&seed=24&profile=lan");
  harness.connect();
  codec::Packet scene;
  scene.set_protocol_version(100);
  scene.mutable_scene()->set_scene_id("s");
  scene.mutable_scene()->set_data(std::string(4000, 'x'));  // above the 1500-byte MTU
  ASSERT_TRUE(harness.send(scene, transport::Reliability::unreliable));
  harness.advance(1s);
  const auto& crowd = harness.crowd();
  std::uint64_t received = 0;
  for (std::uint32_t i = 0; i < crowd.peer_count(); ++i) received += crowd.peer(i).stats().received_by_case[codec::Packet::kScene];
  EXPECT_EQ(received, harness.connected_peers().size());
  EXPECT_EQ(crowd.stats().user_unreliable_over_mtu, harness.connected_peers().size());
}

TEST(SimulatorTransportSends, ErrorsAreImmediateAndTyped) {
  Harness harness("simulator:?peers=2&seed=25");
  codec::Packet packet;
  packet.mutable_chat()->set_message("early");
  auto early = harness.send(packet, transport::Reliability::reliable);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, transport::TransportErrorCode::not_connected);
  harness.connect();
  transport::SendOptions options;
  const std::vector<std::uint8_t> huge(65536, 0);
  auto too_large = harness.transport().send(huge, options);
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().code, transport::TransportErrorCode::packet_too_large);
}

TEST(SimulatorTransportSends, UndecodableBytesAreCountedNotFatal) {
  Harness harness("simulator:?peers=3&seed=26&profile=ideal");
  harness.connect();
  transport::SendOptions options;
  const std::vector<std::uint8_t> junk{0xff, 0xff, 0xff};
  ASSERT_TRUE(harness.transport().send(junk, options));
  harness.advance(100ms);
  const auto& crowd = harness.crowd();
  std::uint64_t undecodable = 0;
  for (std::uint32_t i = 0; i < crowd.peer_count(); ++i) undecodable += crowd.peer(i).stats().received_undecodable;
  EXPECT_EQ(undecodable, harness.connected_peers().size());
}

}  // namespace
}  // namespace dclcomms::simulator_transport::test
