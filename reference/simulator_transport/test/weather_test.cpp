// The URI's weather profile really applies: loss loses unreliable updates, latency delays answers.
#include <gtest/gtest.h>

#include <map>

#include "event_recorder.hpp"

namespace dclcomms::simulator_transport::test {
namespace {

using namespace std::chrono_literals;

struct Losses {
  std::uint64_t received = 0;
  std::uint64_t missing = 0;  // gaps in each peer's Position.index sequence
};

Losses position_losses(const std::string& uri) {
  Harness harness(uri);
  harness.connect();
  harness.advance(20s);
  std::map<std::string, std::uint32_t> last;
  Losses losses;
  for (const auto& recorded : harness.events()) {
    const auto* e = std::get_if<transport::MessageReceived>(&recorded.event);
    if (e == nullptr) continue;
    auto packet = codec::decode_packet(e->packet);
    if (!packet || !packet->has_position()) continue;
    const auto index = packet->position().index();
    const auto found = last.find(e->sender);
    if (found != last.end() && index > found->second) losses.missing += index - found->second - 1;
    last[e->sender] = index;
    ++losses.received;
  }
  return losses;
}

TEST(SimulatorTransportWeather, IdealLosesNothing) {
  const auto losses = position_losses("simulator:?peers=20&seed=31&profile=ideal");
  EXPECT_GT(losses.received, 2000U);
  EXPECT_EQ(losses.missing, 0U);
}

TEST(SimulatorTransportWeather, LossyFivePercentLosesAboutOneUpdateInTwenty) {
  const auto losses = position_losses("simulator:?peers=20&seed=31&profile=lossy-5pct");
  const double rate = static_cast<double>(losses.missing) / static_cast<double>(losses.received + losses.missing);
  EXPECT_GT(losses.received, 2000U);
  EXPECT_GT(rate, 0.03);
  EXPECT_LT(rate, 0.07);
}

TEST(SimulatorTransportWeather, ReliableMessagesSurviveLoss) {
  // Announces travel on the stream: every one sent is delivered (late, maybe), none lost.
  Harness harness("simulator:?peers=10&seed=32&profile=lossy-5pct&behaviour=idle:1");
  harness.connect();
  harness.advance(20s);
  std::map<std::string, std::size_t> announces;
  for (const auto& [at, packet] : harness.packets_from()) {
    if (packet.has_profile_version()) ++announces[""];
  }
  harness.transport().disconnect();
  const auto& crowd = harness.crowd();
  std::uint64_t reliable_sent = 0;
  for (std::uint32_t i = 0; i < crowd.peer_count(); ++i) reliable_sent += crowd.peer(i).stats().reliable_sent;
  // Sent = delivered + still in flight (at most a few per peer after 20 s: RTO <= 5 s).
  EXPECT_GT(announces[""], 80U);
  EXPECT_LE(reliable_sent - announces[""], 3 * crowd.peer_count());
}

TEST(SimulatorTransportWeather, SatelliteDelaysTheProfileResponse) {
  Harness harness("simulator:?peers=3&seed=33&profile=satellite");
  harness.connect();
  harness.advance(1s);
  const auto peers = harness.connected_peers();
  ASSERT_FALSE(peers.empty());
  codec::Packet request;
  request.set_protocol_version(100);
  request.mutable_profile_request()->set_address(peers.front());
  const auto sent_at = harness.runtime().now();
  ASSERT_TRUE(harness.send(request, transport::Reliability::reliable));
  harness.advance(3s);
  std::optional<core::TimePoint> answered;
  for (const auto& [at, packet] : harness.packets_from(peers.front())) {
    if (packet.has_profile_response()) answered = at;
  }
  ASSERT_TRUE(answered);
  // Two 300 ms hops (plus up to 20 ms jitter each and 0-100 ms of the peer's delay).
  EXPECT_GE(*answered - sent_at, 600ms);
  EXPECT_LE(*answered - sent_at, 800ms);
}

}  // namespace
}  // namespace dclcomms::simulator_transport::test
