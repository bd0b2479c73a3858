// The shrinker finds small failing packets, keeps failing ones only, and stops within its budget.
#include "../src/packet_shrinker.hpp"

#include <gtest/gtest.h>

#include "../src/random_packet.hpp"
#include "dclcomms/codec/codec.hpp"

namespace dclcomms::conformance {
namespace {

codec::Packet full_position() {
  codec::Packet p;
  auto* position = p.mutable_position();
  position->set_index(42);
  position->set_position_x(5);
  position->set_position_y(-3.5f);
  position->set_position_z(1e9f);
  position->set_rotation_w(1);
  return p;
}

TEST(PacketShrinker, KeepsOnlyWhatTheFailureNeeds) {
  const auto breaks = [](const codec::Packet& p) { return p.has_position() && p.position().position_x() == 5; };
  const auto result = shrink_packet(full_position(), breaks);
  EXPECT_TRUE(breaks(result.packet));
  codec::Packet expected;
  expected.mutable_position()->set_position_x(5);
  EXPECT_EQ(codec::encode_packet(result.packet), codec::encode_packet(expected));
  EXPECT_EQ(result.steps, 4);  // index, y, z and rotation_w cleared one by one
}

TEST(PacketShrinker, HalvesStrings) {
  codec::Packet p;
  p.mutable_chat()->set_message("a fairly long chat message with a needle: X, and more text after it");
  const auto breaks = [](const codec::Packet& c) { return c.has_chat() && c.chat().message().size() >= 5; };
  const auto result = shrink_packet(p, breaks);
  EXPECT_TRUE(breaks(result.packet));
  EXPECT_LT(result.packet.chat().message().size(), 10u);  // halved from 68 down to 8
  EXPECT_EQ(result.packet.chat().message().substr(0, 5), "a fai");
}

TEST(PacketShrinker, AnEverFailingPredicateShrinksToTheEmptyPacket) {
  core::Prng prng = core::Prng::derive(7, "shrinker");
  for (int i = 0; i < 20; ++i) {
    const auto result = shrink_packet(random_packet(prng), [](const codec::Packet&) { return true; });
    EXPECT_EQ(codec::encode_packet(result.packet).size(), 0u);
  }
}

TEST(PacketShrinker, ANeverFailingPredicateKeepsTheOriginal) {
  const auto original = full_position();
  const auto result = shrink_packet(original, [](const codec::Packet&) { return false; });
  EXPECT_EQ(codec::encode_packet(result.packet), codec::encode_packet(original));
  EXPECT_EQ(result.steps, 0);
  EXPECT_GT(result.attempts, 0);
}

TEST(PacketShrinker, StaysWithinItsBudget) {
  int calls = 0;
  core::Prng prng = core::Prng::derive(9, "shrinker");
  const auto result = shrink_packet(random_packet(prng), [&](const codec::Packet&) { return ++calls % 2 == 0; }, 15);
  EXPECT_LE(calls, 15);
  EXPECT_EQ(result.attempts, calls);
}

}  // namespace
}  // namespace dclcomms::conformance
