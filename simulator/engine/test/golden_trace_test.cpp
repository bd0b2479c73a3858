// Golden traces: fixtures/scenarios/<name>.json run with its own seed must reproduce
// fixtures/traces/<name>.jsonl byte for byte, in Debug and Release alike.
//
// To regenerate after an intended change (and say why in the commit message):
//   DCLCOMMS_UPDATE_GOLDEN=1 ./sim_engine_test --gtest_filter='*GoldenTrace*'
// or, equivalently, for each scenario:
//   dclcomms sim run fixtures/scenarios/<name>.json --trace fixtures/traces/<name>.jsonl
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "dclcomms/sim/scenario.hpp"
#include "dclcomms/sim/scenario_runner.hpp"
#include "dclcomms/sim/trace_file.hpp"

namespace dclcomms::sim {
namespace {

std::string source_dir() {
  const char* from_env = std::getenv("DCLCOMMS_SOURCE_DIR");
  return from_env != nullptr ? from_env : DCLCOMMS_SOURCE_DIR;
}

class GoldenTrace : public ::testing::TestWithParam<const char*> {};

TEST_P(GoldenTrace, MatchesFixture) {
  const std::string name = GetParam();
  const std::string scenario_path = source_dir() + "/fixtures/scenarios/" + name + ".json";
  const std::string trace_path = source_dir() + "/fixtures/traces/" + name + ".jsonl";
  const auto scenario = load_scenario(scenario_path);
  ASSERT_TRUE(scenario.ok()) << scenario.error().message;

  std::ostringstream actual;
  actual << trace_header_line(*scenario, scenario->seed) << '\n';
  StreamTraceSink sink(actual);
  const RunResult result = run_scenario(*scenario, RunOptions{scenario->seed, &sink, {}});
  actual << trace_footer_line(result) << '\n';

  if (std::getenv("DCLCOMMS_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(trace_path, std::ios::binary | std::ios::trunc) << actual.str();
    GTEST_SKIP() << "rewrote " << trace_path;
  }
  std::ifstream expected_file(trace_path, std::ios::binary);
  ASSERT_TRUE(expected_file) << "missing " << trace_path << " (see the top of this file to regenerate)";
  std::istringstream actual_in(actual.str());
  const auto difference = first_difference(expected_file, actual_in, 2);
  if (difference) {
    std::string context;
    for (const std::string& line : difference->context) context += "    " + line + "\n";
    FAIL() << trace_path << " differs at line " << difference->line_number << ":\n"
           << context << "  - " << difference->line_a.value_or("<end>") << "\n"
           << "  + " << difference->line_b.value_or("<end>") << "\n"
           << "If the change is intended, regenerate: DCLCOMMS_UPDATE_GOLDEN=1 sim_engine_test "
              "--gtest_filter='*GoldenTrace*'";
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoldenTrace, ::testing::Values("datagram-weather", "stream-partition", "crash-pause"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace dclcomms::sim
