#include "dclcomms/conformance/runner.hpp"

#include <gtest/gtest.h>

#include <map>

#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/offline/offline_transport.hpp"
#include "dclcomms/transport/forwarding_transport.hpp"
#include "wrapped_reference.hpp"

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

// The reference ws-room transport with state that leaks from one run into the next, as a global
// would: every second instance reports Connected twice.
class ConnectedTwiceEverySecondRun final : public transport::ForwardingTransport {
 public:
  ConnectedTwiceEverySecondRun(transport::TransportPtr inner, bool twice) : ForwardingTransport(std::move(inner)), twice_(twice) {}

 private:
  void on_inner_event(const transport::TransportEvent& event) override {
    emit(event);
    if (twice_ && std::holds_alternative<transport::Connected>(event)) emit(event);
  }
  bool twice_;
};

TEST(Runner, NondeterminismNamesTheFirstLineWhereTheRunsPart) {
  auto instances = std::make_shared<int>(0);
  const auto leaky = test_support::wrapped_reference_ws_room(
      "leaky", find_transport("ws-room")->capabilities, [instances](transport::TransportPtr reference, const transport::TransportContext&) {
        const bool twice = (*instances)++ % 2 == 1;
        return transport::TransportPtr(std::make_unique<ConnectedTwiceEverySecondRun>(std::move(reference), twice));
      });
  const auto summary = run_catalogue(leaky, RunOptions{.seed = 3, .cases_glob = "wsroom.handshake.welcome_without_challenge"});
  ASSERT_EQ(summary.results.size(), 1u);
  ASSERT_EQ(*instances, 2) << "one transport per run";
  const auto& result = summary.results[0];
  EXPECT_EQ(result.verdict, Verdict::nondeterministic);
  // The first run ends with its Connected; the second repeats it, and the message quotes the repeat.
  ASSERT_FALSE(result.transcript.empty());
  EXPECT_EQ(result.transcript.back().label, "event: connected");
  const std::string expected = "the transcripts agree for " + std::to_string(result.transcript.size()) +
                               " lines, then only the second run goes on (" + std::to_string(result.transcript.size()) + " vs " +
                               std::to_string(result.transcript.size() + 1) + " lines), with `t=";
  EXPECT_NE(result.detail.find(expected), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find("event: connected"), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find("; first run: passed"), std::string::npos) << result.detail;
}

TEST(Runner, DivergenceIsDescribedWhateverTheShapeOfTheDifference) {
  const std::vector<TraceLine> a{{1'500'000, "tut", "server", "peer_identification", "0a01", "{}"},
                                 {2'000'000, "server", "tut", "event: connected", "", "{}"}};
  auto b = a;
  b[1].time_ns = 2'000'001'000;
  EXPECT_EQ(describe_divergence(a, 1, b, 2),
            "the transcripts part at line 2 (2 vs 2 lines): first run `t=2.000 ms server -> tut event: connected {}`, "
            "second run `t=2000.001 ms server -> tut event: connected {}`");
  const std::vector<TraceLine> shorter(a.begin(), a.begin() + 1);
  EXPECT_EQ(describe_divergence(shorter, 1, a, 2),
            "the transcripts agree for 1 lines, then only the second run goes on (1 vs 2 lines), with "
            "`t=2.000 ms server -> tut event: connected {}`");
  EXPECT_NE(describe_divergence(a, 1, a, 2).find("the digests differ"), std::string::npos);
  std::vector<TraceLine> huge = a;
  huge[0].json = std::string(100'000, 'x');
  EXPECT_LT(describe_divergence(a, 1, huge, 2).size(), 700u) << "quotes are bounded";
}

}  // namespace
}  // namespace dclcomms::conformance
