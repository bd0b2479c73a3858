// parse_simulator_params(): defaults, every key's accepted and rejected values, the cross-field
// rules, and a property that arbitrary input never crashes.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "dclcomms/sim/weather.hpp"
#include "dclcomms/simulator_transport/simulator_params.hpp"

namespace dclcomms::simulator_transport {
namespace {

using transport::UriError;
using transport::UriErrorCode;

SimulatorParams parsed_ok(std::string_view params) {
  auto parsed = parse_simulator_params(params);
  EXPECT_TRUE(parsed.ok()) << params << ": " << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? std::move(parsed).value() : SimulatorParams{};
}

UriError parsed_error(std::string_view params) {
  auto parsed = parse_simulator_params(params);
  EXPECT_FALSE(parsed.ok()) << params << " was accepted";
  if (parsed.ok()) return UriError{UriErrorCode::empty, ""};
  EXPECT_FALSE(parsed.error().message.empty());
  return parsed.error();
}

TEST(SimulatorParams, EmptyMeansAllDefaults) {
  for (const char* text : {"", "?"}) {
    const SimulatorParams params = parsed_ok(text);
    EXPECT_FALSE(params.seed);
    EXPECT_EQ(params.peers, 100u);
    EXPECT_EQ(params.profile, "lan");
    EXPECT_FALSE(params.scenario_path);
    EXPECT_FALSE(params.position);
    EXPECT_FALSE(params.spread_metres);
    EXPECT_EQ(params.clock, ClockMode::driven);
    EXPECT_EQ(params.time_scale, 1.0);
    EXPECT_EQ(params.distance_metres_per_peer, 0.03);
    EXPECT_EQ(params.speed_factor, 0.0001);
    EXPECT_EQ(params.random_step_metres, 1.0);
    EXPECT_EQ(params.behaviour_weights[static_cast<std::size_t>(PeerBehaviour::walker)], 1.0);
  }
}

TEST(SimulatorParams, TheKernelExamples) {
  const SimulatorParams a = parsed_ok("?position=-9,-9&distance=0.05");
  EXPECT_EQ(a.position, (ParcelPosition{-9, -9}));
  EXPECT_EQ(a.distance_metres_per_peer, 0.05);
  const SimulatorParams b = parsed_ok("?position=0,0&distance=0.05&speed=0.0001&random=1");
  EXPECT_EQ(b.speed_factor, 0.0001);
  EXPECT_EQ(b.random_step_metres, 1.0);
}

TEST(SimulatorParams, LeadingQuestionMarkIsOptional) {
  EXPECT_EQ(parsed_ok("seed=7").seed, 7u);
  EXPECT_EQ(parsed_ok("?seed=7").seed, 7u);
  EXPECT_EQ(parsed_error("??seed=7").code, UriErrorCode::unknown_parameter);
}

TEST(SimulatorParams, Seed) {
  EXPECT_EQ(parsed_ok("seed=0").seed, 0u);
  EXPECT_EQ(parsed_ok("seed=18446744073709551615").seed, 18446744073709551615u);
  for (const char* bad : {"seed=18446744073709551616", "seed=-1", "seed=1.0", "seed=0x1", "seed=", "seed=1a"}) {
    EXPECT_EQ(parsed_error(bad).code, UriErrorCode::bad_parameter) << bad;
  }
  const UriError error = parsed_error("seed=abc");
  EXPECT_NE(error.message.find("'seed'"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("'abc'"), std::string::npos) << error.message;
}

TEST(SimulatorParams, Peers) {
  EXPECT_EQ(parsed_ok("peers=0").peers, 0u);
  EXPECT_EQ(parsed_ok("peers=1000").peers, 1000u);
  for (const char* bad : {"peers=1001", "peers=-1", "peers=1.0", "peers=1e3", "peers=4294967296"}) {
    EXPECT_EQ(parsed_error(bad).code, UriErrorCode::bad_parameter) << bad;
  }
}

TEST(SimulatorParams, ProfilesAreTheSimulatorsWeatherNames) {
  const auto names = sim::weather_profile_names();
  ASSERT_EQ(names.size(), 7u);  // ideal, lan, wifi, congested-venue, mobile-handover, satellite, lossy-5pct
  for (const std::string_view name : names) EXPECT_EQ(parsed_ok("profile=" + std::string(name)).profile, name);
  EXPECT_EQ(parsed_error("profile=LAN").code, UriErrorCode::bad_parameter);
  EXPECT_NE(parsed_error("profile=fast").message.find("mobile-handover"), std::string::npos);
}

TEST(SimulatorParams, ScenarioExcludesProfile) {
  EXPECT_EQ(parsed_ok("scenario=scenarios/venue.toml").scenario_path, "scenarios/venue.toml");
  EXPECT_EQ(parsed_ok("scenario=a%20b.toml").scenario_path, "a b.toml");
  EXPECT_EQ(parsed_error("scenario=").code, UriErrorCode::bad_parameter);
  EXPECT_EQ(parsed_error("scenario=a%0Ab").code, UriErrorCode::bad_parameter);
  EXPECT_NE(parsed_error("scenario=x&profile=lan").message.find("mutually exclusive"), std::string::npos);
  EXPECT_NE(parsed_error("profile=lan&scenario=x").message.find("mutually exclusive"), std::string::npos);
  EXPECT_EQ(parsed_error("scenario=" + std::string(simulator_scenario_bytes_max + 1, 'a')).code, UriErrorCode::bad_parameter);
}

TEST(SimulatorParams, Position) {
  EXPECT_EQ(parsed_ok("position=-1000,1000").position, (ParcelPosition{-1000, 1000}));
  EXPECT_EQ(parsed_ok("position=-9%2C-9").position, (ParcelPosition{-9, -9}));
  for (const char* bad : {"position=1001,0", "position=0,-1001", "position=1", "position=1,2,3", "position=a,b", "position=1.5,2",
                          "position=,", "position=+1,2", "position=1,"}) {
    EXPECT_EQ(parsed_error(bad).code, UriErrorCode::bad_parameter) << bad;
  }
}

TEST(SimulatorParams, FloatsAreFiniteAndInRange) {
  EXPECT_EQ(parsed_ok("spread=0.5").spread_metres, 0.5);
  EXPECT_EQ(parsed_ok("spread=1e2").spread_metres, 100.0);
  EXPECT_EQ(parsed_ok("distance=0").distance_metres_per_peer, 0.0);
  for (const char* bad : {"spread=0", "spread=-0", "spread=-1", "spread=inf", "spread=nan", "spread=1e400", "spread=100001", "spread=1,5",
                          "spread=0x10", "distance=-0.1", "speed=infinity", "random=NaN", "distance=1001", "speed=", "random=1m"}) {
    EXPECT_EQ(parsed_error(bad).code, UriErrorCode::bad_parameter) << bad;
  }
}

TEST(SimulatorParams, Behaviour) {
  const SimulatorParams params = parsed_ok("behaviour=walker:3,idle:1,chatter:0.5");
  EXPECT_EQ(params.behaviour_weights[static_cast<std::size_t>(PeerBehaviour::walker)], 3.0);
  EXPECT_EQ(params.behaviour_weights[static_cast<std::size_t>(PeerBehaviour::idle)], 1.0);
  EXPECT_EQ(params.behaviour_weights[static_cast<std::size_t>(PeerBehaviour::chatter)], 0.5);
  EXPECT_EQ(params.behaviour_weights[static_cast<std::size_t>(PeerBehaviour::runner)], 0.0);
  EXPECT_TRUE(parse_simulator_params("behaviour=emoter:1,runner:0").ok());
  for (const char* bad :
       {"behaviour=", "behaviour=walker", "behaviour=flyer:1", "behaviour=walker:-1", "behaviour=idle:0", "behaviour=walker:1,walker:1",
        "behaviour=walker:1,", "behaviour=,walker:1", "behaviour=walker:inf", "behaviour=walker:1e7"}) {
    EXPECT_EQ(parsed_error(bad).code, UriErrorCode::bad_parameter) << bad;
  }
  for (std::size_t i = 0; i < peer_behaviour_count; ++i) {
    const auto behaviour = static_cast<PeerBehaviour>(i);
    EXPECT_EQ(parse_peer_behaviour(to_string(behaviour)), behaviour);
  }
}

TEST(SimulatorParams, ClockAndTimeScale) {
  EXPECT_EQ(parsed_ok("clock=realtime").clock, ClockMode::realtime);
  EXPECT_EQ(parsed_ok("clock=driven").clock, ClockMode::driven);
  EXPECT_EQ(parsed_ok("clock=realtime&time_scale=2.5").time_scale, 2.5);
  EXPECT_EQ(parsed_ok("time_scale=0.5&clock=realtime").time_scale, 0.5);  // order does not matter
  EXPECT_NE(parsed_error("time_scale=2").message.find("clock=realtime"), std::string::npos);
  EXPECT_EQ(parsed_error("clock=driven&time_scale=2").code, UriErrorCode::bad_parameter);
  EXPECT_EQ(parsed_error("clock=realtime&time_scale=0").code, UriErrorCode::bad_parameter);
  EXPECT_EQ(parsed_error("clock=fast").code, UriErrorCode::bad_parameter);
  EXPECT_EQ(to_string(ClockMode::realtime), "realtime");
}

TEST(SimulatorParams, UnknownAndDuplicateKeys) {
  const UriError unknown = parsed_error("behavior=walker:1");
  EXPECT_EQ(unknown.code, UriErrorCode::unknown_parameter);
  EXPECT_NE(unknown.message.find("'behavior'"), std::string::npos);
  EXPECT_NE(unknown.message.find("behaviour"), std::string::npos);  // the known keys are listed
  const UriError duplicate = parsed_error("seed=1&peers=2&seed=1");
  EXPECT_EQ(duplicate.code, UriErrorCode::duplicate_parameter);
  EXPECT_NE(duplicate.message.find("'seed'"), std::string::npos);
  EXPECT_EQ(parsed_error("seed=1&%73eed=1").code, UriErrorCode::duplicate_parameter);  // after decoding
  // A valid value for every key, so that only the repetition is wrong.
  const std::map<std::string_view, std::string_view> valid = {{"seed", "1"},           {"peers", "2"},        {"profile", "wifi"},
                                                              {"scenario", "s.toml"},  {"position", "1,2"},   {"spread", "3"},
                                                              {"behaviour", "idle:1"}, {"clock", "realtime"}, {"time_scale", "2"},
                                                              {"distance", "0.1"},     {"speed", "0.1"},      {"random", "0.1"}};
  ASSERT_EQ(valid.size(), std::size(simulator_param_keys));
  for (const std::string_view key : simulator_param_keys) {
    const std::string pair = std::string(key) + "=" + std::string(valid.at(key));
    EXPECT_EQ(parsed_error(pair + "&" + pair).code, UriErrorCode::duplicate_parameter) << key;
    // The first problem in order wins: a repeated key whose first value is bad is a bad value.
    EXPECT_EQ(parsed_error(std::string(key) + "&" + pair).code, UriErrorCode::bad_parameter) << key;
  }
}

TEST(SimulatorParams, MalformedQueries) {
  for (const char* bad : {"&", "seed=1&", "&&seed=1", "=1", "seed", "seed=1#x", "seed=%zz", "seed=[1]"}) {
    EXPECT_EQ(parsed_error(bad).code, UriErrorCode::bad_parameter) << bad;
  }
  EXPECT_EQ(parsed_error(std::string(transport::transport_uri_bytes_max + 1, 'a')).code, UriErrorCode::bad_parameter);
}

RC_GTEST_PROP(SimulatorParamsProperty, ArbitraryInputGivesAValueOrAnError, (const std::string& text)) {
  const auto parsed = parse_simulator_params(text);
  if (parsed.ok()) {
    RC_ASSERT(parsed->peers <= simulator_peers_max);
    RC_ASSERT(std::isfinite(parsed->time_scale) && parsed->time_scale > 0.0);
  } else {
    RC_ASSERT(!parsed.error().message.empty());
  }
}

// Every generated valid combination is accepted and read back exactly.
RC_GTEST_PROP(SimulatorParamsProperty, GeneratedValidParamsRoundTrip, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto peers = *rc::gen::inRange<std::uint32_t>(0, simulator_peers_max + 1);
  const auto x = *rc::gen::inRange(-1000, 1001);
  const auto y = *rc::gen::inRange(-1000, 1001);
  const auto names = sim::weather_profile_names();
  const std::string profile(names[*rc::gen::inRange<std::size_t>(0, names.size())]);
  const std::string text = "?seed=" + std::to_string(seed) + "&peers=" + std::to_string(peers) + "&position=" + std::to_string(x) + "," +
                           std::to_string(y) + "&profile=" + profile;
  const auto parsed = parse_simulator_params(text);
  RC_ASSERT(parsed.ok());
  RC_ASSERT(parsed->seed == seed);
  RC_ASSERT(parsed->peers == peers);
  RC_ASSERT(parsed->position == (ParcelPosition{x, y}));
  RC_ASSERT(parsed->profile == profile);
}

}  // namespace
}  // namespace dclcomms::simulator_transport
