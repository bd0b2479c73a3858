// Arbitrary packets are reproducible from the seed, and shrinking through RapidCheck's shrink trees
// finds small failing packets, keeps only failing ones, and stays within its budget.
#include "../src/arbitrary_packets.hpp"

#include <gtest/gtest.h>

#include "dclcomms/codec/codec.hpp"

namespace dclcomms::conformance {
namespace {

std::vector<codec::Bytes> draw(std::uint64_t seed, std::string_view stream, int count) {
  ArbitraryPackets packets(seed, stream);
  std::vector<codec::Bytes> out;
  for (int i = 0; i < count; ++i) out.push_back(codec::encode_packet(packets.next(count).value()));
  return out;
}

TEST(ArbitraryPackets, TheSameSeedAndStreamGiveTheSamePackets) {
  EXPECT_EQ(draw(3, "outbound", 40), draw(3, "outbound", 40));
  EXPECT_NE(draw(3, "outbound", 40), draw(4, "outbound", 40));
  EXPECT_NE(draw(3, "outbound", 40), draw(3, "inbound", 40));
}

TEST(ArbitraryPackets, CoverManyMessageTypesAndSizes) {
  ArbitraryPackets packets(1, "coverage");
  std::set<int> kinds;
  std::size_t largest = 0;
  for (int i = 0; i < 200; ++i) {
    const auto packet = packets.next(200).value();
    kinds.insert(static_cast<int>(packet.message_case()));
    largest = std::max(largest, codec::encode_packet(packet).size());
  }
  EXPECT_GE(kinds.size(), 10u);
  EXPECT_GE(largest, 100u);
}

// The first packet (of those drawn) that the predicate calls failing, with its shrink tree.
rc::Shrinkable<codec::Packet> first_failing(const std::function<bool(const codec::Packet&)>& breaks) {
  ArbitraryPackets packets(7, "shrink");
  for (int i = 0; i < 500; ++i) {
    auto s = packets.next(500);
    if (breaks(s.value())) return s;
  }
  ADD_FAILURE() << "no packet fails the predicate";
  return packets.next(1);
}

TEST(ArbitraryPackets, ShrinkingFindsTheSmallestFailingChat) {
  const auto breaks = [](const codec::Packet& p) { return p.has_chat() && p.chat().message().size() >= 3; };
  const auto failing = first_failing(breaks);
  const auto result = shrink(failing, breaks);
  EXPECT_TRUE(breaks(result.packet));
  EXPECT_EQ(result.packet.chat().message().size(), 3u) << result.packet.ShortDebugString();
  EXPECT_EQ(result.packet.chat().timestamp(), 0.0) << "everything the failure does not need is shrunk away";
  EXPECT_GT(result.steps, 0);
}

TEST(ArbitraryPackets, ANeverFailingPredicateKeepsTheOriginal) {
  const auto original = first_failing([](const codec::Packet& p) { return codec::encode_packet(p).size() > 20; });
  const auto result = shrink(original, [](const codec::Packet&) { return false; });
  EXPECT_EQ(codec::encode_packet(result.packet), codec::encode_packet(original.value()));
  EXPECT_EQ(result.steps, 0);
  EXPECT_GT(result.attempts, 0);
}

TEST(ArbitraryPackets, ShrinkingStaysWithinItsBudget) {
  int calls = 0;
  const auto original = first_failing([](const codec::Packet& p) { return codec::encode_packet(p).size() > 50; });
  const auto result = shrink(
      original, [&](const codec::Packet&) { return ++calls % 2 == 0; }, 15);
  EXPECT_LE(calls, 15);
  EXPECT_EQ(result.attempts, calls);
}

}  // namespace
}  // namespace dclcomms::conformance
