// Scenario loading: good files load, bad ones are refused with the JSON path of the bad key.
#include "dclcomms/sim/scenario.hpp"

#include <gtest/gtest.h>

#include "dclcomms/sim/weather.hpp"

namespace dclcomms::sim {
namespace {

std::string error_of(std::string_view text) {
  const auto scenario = parse_scenario(text, "t.json");
  EXPECT_FALSE(scenario.ok()) << text;
  return scenario.ok() ? std::string() : scenario.error().message;
}

constexpr std::string_view two_nodes = R"("nodes":[{"name":"a"},{"name":"b"}],"duration_ms":1000)";

std::string with(std::string_view extra) { return "{" + std::string(two_nodes) + std::string(extra) + "}"; }

TEST(Scenario, MinimalLoads) {
  const auto scenario = parse_scenario(with(""));
  ASSERT_TRUE(scenario.ok()) << scenario.error().message;
  EXPECT_EQ(scenario->nodes.size(), 2U);
  EXPECT_EQ(scenario->seed, 1U);
  EXPECT_EQ(scenario->duration, std::chrono::milliseconds(1000));
}

TEST(Scenario, ProfilesAndOverridesCombine) {
  const auto scenario = parse_scenario(with(R"(,"links":[{"from":"a","to":"b","profile":"wifi","loss":"1/3",
      "jitter":{"kind":"pareto","scale_us":1000,"shape":"2/1","max_us":50000}}])"));
  ASSERT_TRUE(scenario.ok()) << scenario.error().message;
  const LinkFaults& faults = scenario->links[0].faults;
  EXPECT_EQ(faults.loss, (core::Ratio{1, 3}));
  EXPECT_EQ(faults.latency, weather_profile("wifi")->latency);
  EXPECT_EQ(faults.jitter.kind, JitterKind::pareto);
  EXPECT_EQ(faults.jitter.shape, (core::Ratio{2, 1}));
}

TEST(Scenario, EveryProfileIsValidAndBuiltinsLoad) {
  for (const std::string_view name : weather_profile_names()) {
    const auto faults = weather_profile(name);
    ASSERT_TRUE(faults.has_value()) << name;
    EXPECT_FALSE(validate(*faults).has_value()) << name;
  }
  EXPECT_FALSE(weather_profile("sunny").has_value());
  for (const std::string_view name : builtin_scenario_names()) {
    const auto scenario = load_scenario(std::string(name));
    EXPECT_TRUE(scenario.ok()) << name << ": " << (scenario.ok() ? "" : scenario.error().message);
  }
}

TEST(Scenario, ErrorsNameTheJsonPath) {
  EXPECT_EQ(error_of("{"), error_of("{"));  // not JSON: just refused
  EXPECT_NE(error_of("{").find("not valid JSON"), std::string::npos);
  EXPECT_EQ(error_of(R"({"nodes":[{"name":"a"}]})"), "t.json: $.duration_ms: required key is missing");
  EXPECT_EQ(error_of(with(R"(,"colour":"red")")), "t.json: $.colour: unknown key");
  EXPECT_EQ(error_of(with(R"(,"links":[{"from":"a","to":"c"}])")), "t.json: $.links[0].to: no node named \"c\"");
  EXPECT_EQ(error_of(with(R"(,"links":[{"from":"a","to":"b","loss":0.5}])")),
            "t.json: $.links[0].loss: expected a ratio string \"n/d\" with n <= d, got 0.5");
  EXPECT_EQ(error_of(with(R"(,"links":[{"from":"a","to":"b","los":"1/2"}])")), "t.json: $.links[0].los: unknown key");
  EXPECT_EQ(error_of(with(R"(,"links":[{"from":"a","to":"b","profile":"sunny"}])")).substr(0, 51),
            "t.json: $.links[0].profile: unknown profile \"sunny\"");
  EXPECT_EQ(error_of(with(R"(,"links":[{"from":"a","to":"b","jitter":{"kind":"uniform"}}])")),
            "t.json: $.links[0]: uniform jitter needs max > 0");
  EXPECT_EQ(error_of(with(R"(,"workloads":[{"kind":"periodic","from":"a","to":"b","bytes":8,"rate_hz":1}])")),
            "t.json: $.workloads[0].bytes: must be in [16, 1048576], got 8");
  EXPECT_EQ(error_of(R"({"nodes":[{"name":"a"},{"name":"a"}],"duration_ms":5})"), "t.json: $.nodes[1].name: duplicate node name \"a\"");
}

TEST(Scenario, ImpossibleSchedulesAreRefused) {
  EXPECT_EQ(error_of(with(R"(,"faults":[{"at_ms":10,"action":"restart","host":"a"}])")),
            "t.json: $.faults: at_ms 10: restart of \"a\", which is not crashed");
  EXPECT_EQ(error_of(with(R"(,"faults":[{"at_ms":20,"action":"crash","host":"a"},{"at_ms":10,"action":"crash","host":"a"}])")),
            "t.json: $.faults: at_ms 20: crash of \"a\", which is already down");
  EXPECT_EQ(error_of(with(R"(,"faults":[{"at_ms":5000,"action":"heal"}])")),
            "t.json: $.faults: at_ms 5000: after the end of the run (duration_ms)");
  EXPECT_EQ(error_of(with(R"(,"faults":[{"at_ms":1,"action":"explode"}])")).substr(0, 45),
            "t.json: $.faults[0].action: unknown action \"e");
}

TEST(Scenario, MissingFileIsAnIoError) {
  const auto scenario = load_scenario("/nonexistent/x.json");
  ASSERT_FALSE(scenario.ok());
  EXPECT_EQ(scenario.error().code, ScenarioErrorCode::io);
}

}  // namespace
}  // namespace dclcomms::sim
