#include "dclcomms/conformance/runner.hpp"

#include <gtest/gtest.h>

#include <map>

#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/offline/offline_transport.hpp"

namespace dclcomms::conformance {
namespace {

TEST(Glob, MatchesStarsAnywhere) {
  EXPECT_TRUE(glob_matches("*", "wsroom.kick.no_reconnect"));
  EXPECT_TRUE(glob_matches("wsroom.*", "wsroom.kick.no_reconnect"));
  EXPECT_TRUE(glob_matches("*.no_*", "wsroom.kick.no_reconnect"));
  EXPECT_TRUE(glob_matches("wsroom.kick.no_reconnect", "wsroom.kick.no_reconnect"));
  EXPECT_FALSE(glob_matches("uri.*", "wsroom.kick.no_reconnect"));
  EXPECT_FALSE(glob_matches("wsroom", "wsroom.kick"));
}

TEST(Catalogue, IdsAreUniqueAndDocumented) {
  std::set<std::string> ids;
  for (const auto& c : case_catalogue()) {
    EXPECT_TRUE(ids.insert(c.id).second) << c.id;
    EXPECT_FALSE(c.proves.empty()) << c.id;
    EXPECT_FALSE(c.spec.empty()) << c.id;
  }
  EXPECT_GE(ids.size(), 20u);
}

class ReferenceTransport : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceTransport, PassesEveryCaseOfItsTypes) {
  const auto transport = *find_transport(GetParam());
  const auto summary = run_catalogue(transport, RunOptions{.seed = 1});
  EXPECT_TRUE(summary.conformant());
  std::map<std::string, std::string> requires_type;
  for (const auto& c : case_catalogue()) requires_type[c.id] = c.requires_type;
  int passed = 0;
  for (const auto& r : summary.results) {
    const std::string& type = requires_type.at(r.id);
    const bool outside = !type.empty() && !transport.capabilities.types.contains(type);
    if (outside) {
      EXPECT_EQ(r.verdict, Verdict::unsupported) << r.id;
    } else {
      EXPECT_TRUE(r.verdict == Verdict::pass || (r.verdict == Verdict::unsupported && r.id.find("faults") != std::string::npos))
          << r.id << ": " << to_string(r.verdict) << ": " << r.detail;
      passed += r.verdict == Verdict::pass ? 1 : 0;
    }
    EXPECT_NE(r.reproduce.find("--cases '" + r.id + "' --seed 1"), std::string::npos);
  }
  EXPECT_GE(passed, 3) << "every reference transport has cases of its own beyond the URI ones";
}

INSTANTIATE_TEST_SUITE_P(All, ReferenceTransport, ::testing::ValuesIn([] {
                           std::vector<std::string> names;
                           for (const auto& t : reference_transports()) names.push_back(t.name);
                           return names;
                         }()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

TEST(Runner, TheSameSeedGivesTheSameTranscriptsAndAnotherSeedOthers) {
  const auto transport = *find_transport("ws-room");
  const auto a = run_catalogue(transport, RunOptions{.seed = 5, .cases_glob = "wsroom.pack.*"});
  const auto b = run_catalogue(transport, RunOptions{.seed = 5, .cases_glob = "wsroom.pack.*"});
  const auto c = run_catalogue(transport, RunOptions{.seed = 6, .cases_glob = "wsroom.pack.*"});
  ASSERT_GE(a.results.size(), 3u);
  for (std::size_t i = 0; i < a.results.size(); ++i) {
    EXPECT_EQ(a.results[i].digest, b.results[i].digest) << a.results[i].id;
    EXPECT_FALSE(a.results[i].transcript.empty());
  }
  EXPECT_NE(a.results[0].digest, c.results[0].digest) << "arbitrary packets come from the seed";
}

TEST(Runner, CasesOutsideTheCapabilitiesAreUnsupported) {
  TransportUnderTest offline_only{"offline-only", {}, [](transport::TransportFactory& f, const HarnessServices&) {
                                    offline::register_offline(f);
                                  }};
  offline_only.capabilities.types = {"offline"};
  const auto summary = run_catalogue(offline_only, RunOptions{.seed = 1, .cases_glob = "wsroom.kick.*"});
  ASSERT_EQ(summary.results.size(), 1u);
  EXPECT_EQ(summary.results[0].verdict, Verdict::unsupported);
  EXPECT_TRUE(summary.conformant());
}

}  // namespace
}  // namespace dclcomms::conformance
