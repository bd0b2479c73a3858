// The crowd as the user sees it: who is there, what they send, how often, and the lifecycle.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "event_recorder.hpp"

namespace dclcomms::simulator_transport::test {
namespace {

using namespace std::chrono_literals;

bool is_address(const std::string& text) {
  if (text.size() != 42 || text.rfind("0x", 0) != 0) return false;
  for (std::size_t i = 2; i < text.size(); ++i) {
    const char c = text[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

template <class Event>
std::vector<std::pair<core::TimePoint, std::string>> lifecycle(const Harness& harness) {
  std::vector<std::pair<core::TimePoint, std::string>> out;
  for (const auto& recorded : harness.events()) {
    if (const auto* e = std::get_if<Event>(&recorded.event)) out.emplace_back(recorded.at, e->address);
  }
  return out;
}

TEST(SimulatorTransport, CreationDoesNothingUntilConnect) {
  Harness harness("simulator:?peers=10&seed=1");
  EXPECT_EQ(harness.runtime().pending(), 0U);
  EXPECT_EQ(harness.transport().crowd(), nullptr);
  harness.advance(10s);
  EXPECT_TRUE(harness.events().empty());
}

TEST(SimulatorTransport, CrowdAppearsAndLateComersJoin) {
  Harness harness("simulator:?peers=40&seed=3&profile=ideal");
  harness.connect();
  ASSERT_FALSE(harness.events().empty());
  ASSERT_TRUE(std::holds_alternative<transport::Connected>(harness.events().front().event));
  const auto present = harness.connected_peers();
  // 3/4 present at connect, drawn per peer.
  EXPECT_GT(present.size(), 20U);
  EXPECT_LT(present.size(), 40U);
  for (const auto& address : present) EXPECT_TRUE(is_address(address)) << address;

  harness.advance(25s);
  std::set<std::string> everyone(present.begin(), present.end());
  for (const auto& [at, address] : lifecycle<transport::PeerJoined>(harness)) {
    EXPECT_TRUE(is_address(address));
    everyone.insert(address);
  }
  // Every late-comer arrives within 20 s (+ latency), and nobody has left for good by then.
  EXPECT_EQ(everyone.size(), 40U);
}

TEST(SimulatorTransport, EveryPacketIsRfc4WithProtocolVersion100) {
  Harness harness("simulator:?peers=10&seed=4&behaviour=idle:1,walker:1,runner:1,chatter:1,emoter:1");
  harness.connect();
  harness.advance(30s);
  const auto packets = harness.packets_from();
  ASSERT_FALSE(packets.empty());
  for (const auto& [at, packet] : packets) EXPECT_EQ(packet.protocol_version(), 100U);
}

TEST(SimulatorTransport, WalkersSendPositionsAtTenHzWithStrictlyIncreasingIndex) {
  Harness harness("simulator:?peers=12&seed=5&profile=lan");
  harness.connect();
  harness.advance(10s);
  const auto present = harness.connected_peers();
  ASSERT_FALSE(present.empty());
  std::size_t checked = 0;
  for (const auto& address : present) {
    // Only peers that stayed the whole 10 s (sessions are >= 10 s, so nearly all).
    bool left = false;
    for (const auto& [at, who] : lifecycle<transport::PeerLeft>(harness)) left = left || who == address;
    if (left) continue;
    std::uint32_t last_index = 0;
    std::size_t positions = 0;
    for (const auto& [at, packet] : harness.packets_from(address)) {
      if (!packet.has_position()) continue;
      EXPECT_GT(packet.position().index(), last_index) << address;
      last_index = packet.position().index();
      if (at >= core::TimePoint(2s)) ++positions;
    }
    // 8 s at 10 Hz: walkers orbit (default speed) and so always move.
    EXPECT_GE(positions, 78U) << address;
    EXPECT_LE(positions, 82U) << address;
    ++checked;
  }
  EXPECT_GT(checked, 5U);
}

TEST(SimulatorTransport, StandingPeersSendOncePerSecondAndAnnounceEveryTwo) {
  Harness harness("simulator:?peers=6&seed=6&behaviour=idle:1&profile=ideal");
  harness.connect();
  harness.advance(20s);
  for (const auto& address : harness.connected_peers()) {
    std::size_t positions = 0;
    std::size_t announces = 0;
    for (const auto& [at, packet] : harness.packets_from(address)) {
      if (at < core::TimePoint(10s)) continue;
      positions += packet.has_position() ? 1 : 0;
      announces += packet.has_profile_version() ? 1 : 0;
    }
    bool left = false;
    for (const auto& [at, who] : lifecycle<transport::PeerLeft>(harness)) left = left || who == address;
    if (left) continue;
    EXPECT_GE(positions, 9U);
    EXPECT_LE(positions, 11U);
    EXPECT_GE(announces, 4U);
    EXPECT_LE(announces, 6U);
  }
}

TEST(SimulatorTransport, BehaviourMixSendsChatSceneEmoteAndMovement) {
  Harness harness("simulator:?peers=20&seed=7&profile=ideal&behaviour=runner:1,chatter:1,emoter:1");
  harness.connect();
  harness.advance(60s);
  std::map<codec::Packet::MessageCase, std::size_t> kinds;
  for (const auto& [at, packet] : harness.packets_from()) ++kinds[packet.message_case()];
  EXPECT_GT(kinds[codec::Packet::kMovement], 0U);
  EXPECT_GT(kinds[codec::Packet::kChat], 0U);
  EXPECT_GT(kinds[codec::Packet::kScene], 0U);
  EXPECT_GT(kinds[codec::Packet::kPlayerEmote], 0U);
  EXPECT_GT(kinds[codec::Packet::kProfileVersion], 0U);
  EXPECT_GT(kinds[codec::Packet::kPosition], 0U);  // chatters and emoters
}

TEST(SimulatorTransport, PeersStayAroundThePositionParcelWithinSpread) {
  Harness harness("simulator:?peers=30&seed=8&profile=ideal&position=10,-5&spread=8&behaviour=walker:1,runner:1,chatter:1");
  harness.connect();
  harness.advance(20s);
  const double cx = 160.0;
  const double cz = -80.0;
  std::size_t seen = 0;
  for (const auto& [at, packet] : harness.packets_from()) {
    double x = 0;
    double z = 0;
    if (packet.has_position()) {
      x = packet.position().position_x();
      z = packet.position().position_z();
    } else if (packet.has_movement()) {
      x = packet.movement().position_x();
      z = packet.movement().position_z();
    } else {
      continue;
    }
    ++seen;
    EXPECT_LE((x - cx) * (x - cx) + (z - cz) * (z - cz), 8.01 * 8.01) << x << "," << z;
  }
  EXPECT_GT(seen, 1000U);
}

TEST(SimulatorTransport, PeersLeaveAndRejoinAndAreSilentWhileAway) {
  Harness harness("simulator:?peers=30&seed=9&profile=ideal&behaviour=idle:1");
  harness.connect();
  harness.advance(300s);
  const auto left = lifecycle<transport::PeerLeft>(harness);
  const auto joined = lifecycle<transport::PeerJoined>(harness);
  ASSERT_FALSE(left.empty());
  // Replay the room: no message from a peer that is not in it.
  std::set<std::string> room;
  for (const auto& address : harness.connected_peers()) room.insert(address);
  std::size_t rejoins = 0;
  std::set<std::string> ever_left;
  for (const auto& recorded : harness.events()) {
    if (const auto* e = std::get_if<transport::PeerJoined>(&recorded.event)) {
      EXPECT_TRUE(room.insert(e->address).second) << "joined twice: " << e->address;
      rejoins += ever_left.contains(e->address) ? 1 : 0;
    } else if (const auto* e = std::get_if<transport::PeerLeft>(&recorded.event)) {
      EXPECT_EQ(room.erase(e->address), 1U) << "left while away: " << e->address;
      ever_left.insert(e->address);
    } else if (const auto* e = std::get_if<transport::MessageReceived>(&recorded.event)) {
      EXPECT_TRUE(room.contains(e->sender)) << "message from a peer not in the room: " << e->sender;
    }
  }
  EXPECT_GT(rejoins, 0U);
}

TEST(SimulatorTransport, DisconnectEndsEverything) {
  Harness harness("simulator:?peers=10&seed=10");
  harness.connect();
  harness.advance(2s);
  harness.transport().disconnect();
  harness.advance(1ms);
  ASSERT_TRUE(std::holds_alternative<transport::Disconnected>(harness.events().back().event));
  const auto count = harness.events().size();
  harness.advance(10s);
  EXPECT_EQ(harness.events().size(), count);
  EXPECT_EQ(harness.runtime().pending(), 0U);
  codec::Packet packet;
  packet.mutable_chat()->set_message("late");
  auto sent = harness.send(packet, transport::Reliability::reliable);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, transport::TransportErrorCode::not_connected);
  auto again = harness.transport().connect();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, transport::TransportErrorCode::already_connected);
  harness.transport().disconnect();  // a second disconnect is a no-op
  harness.advance(1ms);
  EXPECT_EQ(harness.events().size(), count);
}

TEST(SimulatorTransport, ZeroPeersIsAnEmptyRoom) {
  Harness harness("simulator:?peers=0");
  harness.connect();
  harness.advance(5s);
  ASSERT_EQ(harness.events().size(), 1U);
  EXPECT_TRUE(harness.connected_peers().empty());
}

TEST(SimulatorTransport, HundredPeersForTenSimulatedSeconds) {
  Harness harness("simulator:?peers=100&seed=11");
  harness.connect();
  harness.advance(10s);
  // 75-ish walkers at 10 Hz for 10 s plus announces: thousands of messages, all delivered on lan.
  EXPECT_GT(harness.crowd().stats().messages_delivered, 6000U);
}

}  // namespace
}  // namespace dclcomms::simulator_transport::test
