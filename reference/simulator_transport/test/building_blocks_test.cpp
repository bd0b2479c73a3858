// The pieces under the transport: addresses, libm-free trigonometry, behaviour draws, stream frames,
// packets, and the weather plan.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <set>

#include "dclcomms/sim/weather.hpp"
#include "dclcomms/simulator_transport/crowd_config.hpp"
#include "dclcomms/simulator_transport/fixed_trig.hpp"
#include "dclcomms/simulator_transport/peer_address.hpp"
#include "dclcomms/simulator_transport/peer_packets.hpp"
#include "dclcomms/simulator_transport/scenario_plan.hpp"
#include "dclcomms/simulator_transport/stream_frame.hpp"

namespace dclcomms::simulator_transport {
namespace {

TEST(PeerAddress, StableLowercaseAndDistinct) {
  EXPECT_EQ(peer_address(1, 0), peer_address(1, 0));
  EXPECT_NE(peer_address(1, 0), peer_address(2, 0));
  std::set<std::string> seen;
  for (std::uint32_t i = 0; i < 1000; ++i) seen.insert(peer_address(7, i));
  EXPECT_EQ(seen.size(), 1000U);
}

RC_GTEST_PROP(PeerAddress, IsAnEthereumShapedAddress, (std::uint64_t seed, std::uint32_t index)) {
  const auto address = peer_address(seed, index);
  RC_ASSERT(address.size() == 42U);
  RC_ASSERT(address.substr(0, 2) == "0x");
  for (std::size_t i = 2; i < address.size(); ++i) {
    const char c = address[i];
    RC_ASSERT(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
  }
}

RC_GTEST_PROP(FixedTrig, MatchesLibmClosely, ()) {
  const double radians = static_cast<double>(*rc::gen::inRange<std::int64_t>(-100'000'000, 100'000'000)) / 1000.0;
  const auto sc = sin_cos(radians);
  RC_ASSERT(std::abs(sc.sin - std::sin(radians)) < 1e-9);
  RC_ASSERT(std::abs(sc.cos - std::cos(radians)) < 1e-9);
}

RC_GTEST_PROP(FixedTrig, SquareRootAndHeadingMatchLibm, ()) {
  const double x = static_cast<double>(*rc::gen::inRange<std::int64_t>(-1'000'000, 1'000'000)) / 997.0;
  const double z = static_cast<double>(*rc::gen::inRange<std::int64_t>(-1'000'000, 1'000'000)) / 991.0;
  RC_ASSERT(std::abs(square_root(x * x) - std::abs(x)) <= 1e-12 * (1 + std::abs(x)));
  if (x == 0 && z == 0) return;
  double expected = std::atan2(x, z) * 180.0 / pi;
  if (expected < 0) expected += 360.0;
  const double got = heading_degrees(x, z);
  RC_ASSERT(got >= 0.0);
  RC_ASSERT(got < 360.0);
  const double diff = std::abs(got - expected);
  RC_ASSERT((diff < 1e-9 || std::abs(diff - 360.0) < 1e-9));
}

TEST(CrowdConfig, BehaviourDrawsFollowTheWeights) {
  simulator_transport::SimulatorParams params;
  params.behaviour_weights = {0.0, 3.0, 1.0, 0.0, 0.0};  // walker 3, runner 1
  const auto config = make_crowd_config(params, std::nullopt);
  EXPECT_EQ(config.seed, default_seed);
  core::Prng prng(5);
  std::array<int, simulator_transport::peer_behaviour_count> counts{};
  for (int i = 0; i < 40'000; ++i) ++counts[static_cast<std::size_t>(draw_behaviour(prng, config.behaviour_weights))];
  EXPECT_EQ(counts[0], 0);
  EXPECT_EQ(counts[3], 0);
  EXPECT_NEAR(counts[1], 30'000, 600);
  EXPECT_NEAR(counts[2], 10'000, 600);
}

TEST(CrowdConfig, SeedPrecedenceAndParcelToMetres) {
  simulator_transport::SimulatorParams params;
  params.position = simulator_transport::ParcelPosition{-9, 4};
  EXPECT_EQ(make_crowd_config(params, 42).seed, 42U);
  params.seed = 7;
  const auto config = make_crowd_config(params, 42);
  EXPECT_EQ(config.seed, 7U);
  EXPECT_EQ(config.centre_x, -144.0);
  EXPECT_EQ(config.centre_z, 64.0);
}

RC_GTEST_PROP(StreamFrame, DecodingArbitraryBytesNeverCrashesAndRoundTrips, (std::vector<std::uint8_t> bytes)) {
  const auto frame = decode_frame(bytes);
  if (frame) RC_ASSERT(encode_frame(frame->tag, frame->body) == bytes);
  const auto packet = encode_frame(FrameTag::packet, bytes);
  const auto decoded = decode_frame(packet);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(std::vector<std::uint8_t>(decoded->body.begin(), decoded->body.end()) == bytes);
}

TEST(PeerPackets, PositionCarriesIndexAndAYawQuaternion) {
  const Pose pose{.x = 1.5, .y = 0.0, .z = -2.0, .heading_x = 1.0, .heading_z = 0.0};  // facing +x: yaw 90
  auto decoded = codec::decode_packet(position_packet(12, pose));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->protocol_version(), 100U);
  EXPECT_EQ(decoded->position().index(), 12U);
  EXPECT_FLOAT_EQ(decoded->position().position_x(), 1.5F);
  EXPECT_NEAR(decoded->position().rotation_y(), std::sqrt(0.5), 1e-6);
  EXPECT_NEAR(decoded->position().rotation_w(), std::sqrt(0.5), 1e-6);
  auto movement = codec::decode_packet(movement_packet(2.5F, pose, 6.0, 0.0, 3.0F));
  ASSERT_TRUE(movement);
  EXPECT_NEAR(movement->movement().rotation_y(), 90.0, 1e-4);
  EXPECT_TRUE(movement->movement().is_grounded());
}

TEST(PeerPackets, ProfileResponseIsJsonWithTheAddress) {
  auto decoded = codec::decode_packet(profile_response_packet("0xabc", 3, 9));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->profile_response().base_url(), "https://peer.decentraland.org");
  const auto& json = decoded->profile_response().serialized_profile();
  EXPECT_NE(json.find(R"("ethAddress":"0xabc")"), std::string::npos);
  EXPECT_NE(json.find(R"("version":9)"), std::string::npos);
}

TEST(ScenarioPlan, WeatherPlanLinksEveryPeerBothWays) {
  const auto weather = *sim::weather_profile("wifi");
  const auto plan = plan_weather(weather, 3);
  ASSERT_EQ(plan.links.size(), 6U);
  EXPECT_EQ(plan.clocks.size(), 4U);
  for (const auto& link : plan.links) {
    EXPECT_TRUE((link.from == user_host_id) != (link.to == user_host_id));
    EXPECT_EQ(link.faults, weather);
  }
}

}  // namespace
}  // namespace dclcomms::simulator_transport
