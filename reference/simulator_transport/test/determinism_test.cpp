// Same URI + same calls at the same virtual times => the same events, byte for byte.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "event_recorder.hpp"

namespace dclcomms::simulator_transport::test {
namespace {

using namespace std::chrono_literals;

// A run with user traffic: a profile request to the first peer and a chat, at fixed times.
std::string run(const std::string& uri, core::Duration duration) {
  Harness harness(uri);
  harness.connect();
  harness.advance(700ms);
  const auto peers = harness.connected_peers();
  if (!peers.empty()) {
    codec::Packet request;
    request.set_protocol_version(100);
    request.mutable_profile_request()->set_address(peers.front());
    (void)harness.send(request, transport::Reliability::reliable);
  }
  harness.advance(300ms);
  codec::Packet chat;
  chat.set_protocol_version(100);
  chat.mutable_chat()->set_message("hello crowd");
  (void)harness.send(chat, transport::Reliability::unreliable);
  harness.advance(duration);
  harness.transport().disconnect();
  harness.advance(1ms);
  return harness.transcript();
}

TEST(SimulatorTransportDeterminism, SameSeedSameEventsByteForByte) {
  const std::string uri = "simulator:?peers=25&seed=77&profile=congested-venue&behaviour=idle:1,walker:2,runner:1,chatter:1,emoter:1";
  const auto first = run(uri, 30s);
  const auto second = run(uri, 30s);
  EXPECT_GT(first.size(), 100'000U);
  EXPECT_EQ(first, second);
  EXPECT_NE(first, run("simulator:?peers=25&seed=78&profile=congested-venue&behaviour=idle:1,walker:2,runner:1,chatter:1,emoter:1", 30s));
}

TEST(SimulatorTransportDeterminism, NoSeedMeansTheFixedDefaultSeed) {
  EXPECT_EQ(run("simulator:?peers=5", 3s), run("simulator:?peers=5&seed=1", 3s));
}

TEST(SimulatorTransportDeterminism, RealtimeClockWithScaleOneEqualsDriven) {
  // Same mechanism: only the runtime behind the context differs (here both are ManualRuntimes).
  EXPECT_EQ(run("simulator:?peers=5&seed=3&clock=realtime", 3s), run("simulator:?peers=5&seed=3", 3s));
}

TEST(SimulatorTransportDeterminism, TimeScaleRunsTheCrowdFaster) {
  Harness slow("simulator:?peers=4&seed=5&profile=ideal&clock=realtime&time_scale=1");
  Harness fast("simulator:?peers=4&seed=5&profile=ideal&clock=realtime&time_scale=10");
  for (auto* harness : {&slow, &fast}) {
    harness->connect();
    harness->advance(2s);
  }
  // Ten times the simulated time: roughly ten times the packets.
  const auto slow_count = slow.packets_from().size();
  const auto fast_count = fast.packets_from().size();
  EXPECT_GT(fast_count, 8 * slow_count);
  EXPECT_LT(fast_count, 12 * slow_count);
}

RC_GTEST_PROP(SimulatorTransportDeterminism, AnySeedAndMixReplaysExactly, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto peers = *rc::gen::inRange<std::uint32_t>(0, 6);
  const auto profile = *rc::gen::element<std::string>("ideal", "lan", "wifi", "lossy-5pct", "mobile-handover");
  const auto uri = "simulator:?seed=" + std::to_string(seed) + "&peers=" + std::to_string(peers) + "&profile=" + profile +
                   "&behaviour=idle:1,walker:1,runner:1,chatter:1,emoter:1";
  RC_ASSERT(run(uri, 2s) == run(uri, 2s));
}

}  // namespace
}  // namespace dclcomms::simulator_transport::test
