#include "dclcomms/conformance/runner.hpp"

#include <gtest/gtest.h>

#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/transport/offline_transport.hpp"

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

TEST(Runner, TheReferenceWsRoomTransportPassesEveryCase) {
  const auto transport = *find_transport("ws-room");
  const auto summary = run_catalogue(transport, RunOptions{.seed = 1});
  EXPECT_TRUE(summary.conformant());
  // Cases of the other types (livekit, simulator, ...) are UNSUPPORTED for a ws-room transport.
  const auto of_another_type = [&](const std::string& id) {
    for (const auto& c : case_catalogue()) {
      if (c.id == id) return !c.requires_type.empty() && !transport.capabilities.types.contains(c.requires_type);
    }
    return false;
  };
  for (const auto& r : summary.results) {
    EXPECT_TRUE(r.verdict == Verdict::pass ||
                (r.verdict == Verdict::unsupported && (r.id.find("faults") != std::string::npos || of_another_type(r.id))))
        << r.id << ": " << to_string(r.verdict) << ": " << r.detail;
    EXPECT_NE(r.reproduce.find("--cases '" + r.id + "' --seed 1"), std::string::npos);
  }
}

TEST(Runner, TheSameSeedGivesTheSameTranscriptsAndAnotherSeedOthers) {
  const auto transport = *find_transport("ws-room");
  const auto a = run_catalogue(transport, RunOptions{.seed = 5, .cases_glob = "wsroom.pack.*"});
  const auto b = run_catalogue(transport, RunOptions{.seed = 5, .cases_glob = "wsroom.pack.*"});
  const auto c = run_catalogue(transport, RunOptions{.seed = 6, .cases_glob = "wsroom.pack.*"});
  ASSERT_EQ(a.results.size(), 3u);
  for (std::size_t i = 0; i < a.results.size(); ++i) {
    EXPECT_EQ(a.results[i].digest, b.results[i].digest) << a.results[i].id;
    EXPECT_FALSE(a.results[i].transcript.empty());
  }
  EXPECT_NE(a.results[0].digest, c.results[0].digest) << "arbitrary packets come from the seed";
}

TEST(Runner, CasesOutsideTheCapabilitiesAreUnsupported) {
  TransportUnderTest offline_only{"offline-only", {}, [](transport::TransportFactory& f, const HarnessServices&) {
                                    f.register_type("offline", [](const transport::TransportUri&, const transport::TransportContext& ctx)
                                                                   -> core::Result<transport::TransportPtr, transport::UriError> {
                                      return transport::TransportPtr(std::make_unique<transport::OfflineTransport>(*ctx.runtime));
                                    });
                                  }};
  offline_only.capabilities.types = {"offline"};
  const auto summary = run_catalogue(offline_only, RunOptions{.seed = 1, .cases_glob = "wsroom.kick.*"});
  ASSERT_EQ(summary.results.size(), 1u);
  EXPECT_EQ(summary.results[0].verdict, Verdict::unsupported);
  EXPECT_TRUE(summary.conformant());
}

}  // namespace
}  // namespace dclcomms::conformance
