// The suite proves itself: each deliberately broken transport fails the case meant to catch it.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/conformance/runner.hpp"

namespace dclcomms::conformance {
namespace {

class MutantIsCaught : public ::testing::TestWithParam<std::size_t> {};

TEST_P(MutantIsCaught, ByItsCase) {
  const auto mutant = mutants().at(GetParam());
  const auto summary = run_catalogue(mutant.transport, RunOptions{.seed = 1, .cases_glob = mutant.caught_by});
  ASSERT_EQ(summary.results.size(), 1u) << mutant.caught_by;
  // A SHOULD case catches its mutant with a warning: NON-STRICT, "conformant with warnings".
  bool should = false;
  for (const auto& c : case_catalogue()) should = should || (c.id == mutant.caught_by && c.level == Level::should);
  EXPECT_EQ(summary.results[0].verdict, should ? Verdict::non_strict : Verdict::fail)
      << mutant.transport.name << " (" << mutant.flaw << ") was not caught by " << mutant.caught_by << ": " << summary.results[0].detail;
  EXPECT_EQ(summary.conformance(), should ? Conformance::conformant_with_warnings : Conformance::not_conformant);
  EXPECT_FALSE(summary.results[0].detail.empty());
  if (mutant.caught_by.ends_with("_byte_identical") &&
      (mutant.caught_by.starts_with("wsroom.pack.") || mutant.caught_by.starts_with("livekit.pack."))) {
    // Property cases shrink what they found to the smallest packet that still fails.
    EXPECT_NE(summary.results[0].detail.find("minimal failing packet"), std::string::npos) << summary.results[0].detail;
  }
}

// A flaw that only some packets reveal: RapidCheck's shrinking must find a packet far smaller than
// the one that first failed, and it must still contain the zero byte that the mutant cuts at.
TEST(Mutants, ShrinkingNarrowsAContentDependentFailure) {
  const auto mutant = *find_transport("mutant-truncates-at-zero-byte");
  const auto summary = run_catalogue(mutant, RunOptions{.seed = 1, .cases_glob = "wsroom.pack.outbound_byte_identical"});
  ASSERT_EQ(summary.results.size(), 1u);
  ASSERT_EQ(summary.results[0].verdict, Verdict::fail);
  const std::string& detail = summary.results[0].detail;
  const auto bytes_at = detail.rfind(" bytes: ");
  ASSERT_NE(bytes_at, std::string::npos) << detail;
  const std::string hex = detail.substr(bytes_at + 8, detail.size() - bytes_at - 9);
  EXPECT_LE(hex.size(), 2u * 12) << "the minimal failing packet should be a few bytes: " << detail;
  bool has_zero_byte = false;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) has_zero_byte = has_zero_byte || hex.substr(i, 2) == "00";
  EXPECT_TRUE(has_zero_byte) << detail;
}

INSTANTIATE_TEST_SUITE_P(All, MutantIsCaught, ::testing::Range<std::size_t>(0, mutants().size()), [](const auto& info) {
  return mutants().at(info.param).transport.name.substr(7) == "" ? std::string("x") : [&] {
    std::string name = mutants().at(info.param).transport.name.substr(7);
    for (char& c : name) c = c == '-' ? '_' : c;
    return name;
  }();
});

// These mutants each break one thing no earlier case looked at: every ws-room, livekit,
// signed-login and connection-string case but their own lets them pass, so those cases add to the catalogue rather
// than repeat it.
TEST(Mutants, NewMutantsFailOnlyTheirOwnCases) {
  const std::map<std::string, std::set<std::string>> caught_only_by = {
      // It ignores a disconnect() at every stage before the welcome, the first one included.
      {"mutant-ignores-disconnect-during-handshake",
       {"wsroom.lifecycle.disconnect_after_identification", "wsroom.lifecycle.disconnect_after_challenge",
        "wsroom.lifecycle.connect_then_disconnect_in_one_tick"}},
      {"mutant-kick-before-welcome-not-kicked", {"wsroom.handshake.kicked_before_welcome"}},
      {"mutant-case-sensitive-scheme", {"uri.opens_the_endpoint.ws_room"}},
      {"mutant-wedged-by-undecodable-frame", {"wsroom.undecodable_frame_after_welcome"}},
      {"mutant-connect-outlives-disconnect", {"wsroom.lifecycle.connect_then_disconnect_in_one_tick"}},
      {"mutant-loses-sends-before-connected", {"wsroom.lifecycle.send_before_connected"}},
      {"mutant-stale-sender-cache", {"wsroom.pack.interleaved_senders_attributed"}},
      {"mutant-handshake-timer-never-fires", {"wsroom.handshake.timeout"}},
      {"mutant-truncates-over-32k", {"wsroom.pack.sizes_up_to_the_limit"}},
      {"mutant-keeps-join-address-case", {"wsroom.peers.mixed_case_join_lowercased"}},
      {"mutant-abandons-socket-on-disconnect", {"wsroom.lifecycle.disconnect_leaves_room"}},
      {"mutant-livekit-loses-sends-before-connected", {"livekit.lifecycle.send_before_connected"}},
      // The livekit oversize case also sends a packet of exactly the limit, which it cuts too.
      {"mutant-livekit-truncates-over-32k", {"livekit.pack.sizes_up_to_the_limit", "livekit.oversize_refused_cleanly"}},
      {"mutant-livekit-defers-publish", {"livekit.lifecycle.sends_before_disconnect_arrive"}},
      {"mutant-livekit-connect-outlives-disconnect", {"livekit.lifecycle.connect_then_disconnect_in_one_tick"}},
      {"mutant-signed-login-ignores-disconnect-while-logging-in", {"signedlogin.lifecycle.connect_then_disconnect_in_one_tick"}},
  };
  for (const auto& [name, expected] : caught_only_by) {
    const auto mutant = find_transport(name);
    ASSERT_TRUE(mutant.has_value()) << name;
    std::set<std::string> failed;  // with the detail, for the message
    std::set<std::string> failed_ids;
    for (const char* glob : {"wsroom.*", "uri.*", "livekit.*", "signedlogin.*"}) {
      for (const auto& result : run_catalogue(*mutant, RunOptions{.seed = 1, .cases_glob = glob}).results) {
        if (result.verdict != Verdict::pass && result.verdict != Verdict::unsupported)
          failed.insert(result.id + " (" + result.detail + ")");
        if (result.verdict == Verdict::fail || result.verdict == Verdict::non_strict) failed_ids.insert(result.id);
      }
    }
    EXPECT_EQ(failed_ids, expected) << name << " failed: " << ::testing::PrintToString(failed);
    EXPECT_EQ(failed.size(), expected.size()) << name << ": " << ::testing::PrintToString(failed);
  }
}

// A transport that can never join is not excused by the weather: under faults its cases FAIL (the
// same join fails on a clean LAN), where they used to say UNSUPPORTED and the run looked conformant.
TEST(Mutants, AHandshakeThatAlwaysFailsFailsTheFaultCases) {
  const auto mutant = find_transport("mutant-signs-wrong-payload");
  ASSERT_TRUE(mutant.has_value());
  const auto summary = run_catalogue(*mutant, RunOptions{.seed = 1, .cases_glob = "wsroom.faults.*"});
  ASSERT_GE(summary.results.size(), 8u);
  for (const auto& result : summary.results) {
    EXPECT_EQ(result.verdict, Verdict::fail) << result.id << ": " << result.detail;
  }
  EXPECT_EQ(summary.conformance(), Conformance::not_conformant);
}

TEST(Mutants, EachNamesARealCase) {
  ASSERT_GE(mutants().size(), 8u);
  for (const auto& m : mutants()) {
    bool found = false;
    for (const auto& c : case_catalogue()) found = found || c.id == m.caught_by;
    EXPECT_TRUE(found) << m.caught_by;
  }
}

}  // namespace
}  // namespace dclcomms::conformance
