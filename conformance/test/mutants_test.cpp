// The suite proves itself: each deliberately broken transport fails the case meant to catch it.
#include <gtest/gtest.h>

#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/conformance/runner.hpp"

namespace dclcomms::conformance {
namespace {

class MutantIsCaught : public ::testing::TestWithParam<std::size_t> {};

TEST_P(MutantIsCaught, ByItsCase) {
  const auto mutant = mutants().at(GetParam());
  const auto summary = run_catalogue(mutant.transport, RunOptions{.seed = 1, .cases_glob = mutant.caught_by});
  ASSERT_EQ(summary.results.size(), 1u) << mutant.caught_by;
  EXPECT_EQ(summary.results[0].verdict, Verdict::fail) << mutant.transport.name << " (" << mutant.flaw << ") was not caught by "
                                                      << mutant.caught_by << ": " << summary.results[0].detail;
  EXPECT_FALSE(summary.conformant());
  EXPECT_FALSE(summary.results[0].detail.empty());
}

INSTANTIATE_TEST_SUITE_P(All, MutantIsCaught, ::testing::Range<std::size_t>(0, 10),
                         [](const auto& info) { return mutants().at(info.param).transport.name.substr(7) == "" ? std::string("x") : [&] {
                           std::string name = mutants().at(info.param).transport.name.substr(7);
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         }(); });

TEST(Mutants, ThereAreTenAndEachNamesARealCase) {
  ASSERT_EQ(mutants().size(), 10u);
  for (const auto& m : mutants()) {
    bool found = false;
    for (const auto& c : case_catalogue()) found = found || c.id == m.caught_by;
    EXPECT_TRUE(found) << m.caught_by;
  }
}

}  // namespace
}  // namespace dclcomms::conformance
