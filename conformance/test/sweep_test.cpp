// Seed sweeps: sharding covers every (case, seed) pair once, and shards merged give what the
// unsharded sweep gives, verdict for verdict, with the same failing seeds and the same seed shown.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>

#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/conformance/report.hpp"
#include "dclcomms/conformance/sweep.hpp"
#include "dclcomms/transport/forwarding_transport.hpp"
#include "wrapped_reference.hpp"

namespace dclcomms::conformance {
namespace {

// The reference ws-room transport, echoing its own packets for about a quarter of the identities
// (those whose address ends in 0-3): a flaw only some seeds show, as a rare interleaving would.
class SometimesEchoes final : public transport::ForwardingTransport {
 public:
  SometimesEchoes(transport::TransportPtr inner, bool echoes) : ForwardingTransport(std::move(inner)), echoes_(echoes) {}
  transport::Status send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) override {
    auto status = ForwardingTransport::send(packet, options);
    if (status && echoes_) emit(transport::MessageReceived{"0x0000000000000000000000000000000000000001", {packet.begin(), packet.end()}});
    return status;
  }

 private:
  bool echoes_;
};

TransportUnderTest sometimes_echoes() {
  return test_support::wrapped_reference_ws_room("sometimes-echoes", find_transport("ws-room")->capabilities,
                                                 [](transport::TransportPtr reference, const transport::TransportContext& context) {
                                                   const bool echoes = context.identity && context.identity->address.back() <= '3';
                                                   return transport::TransportPtr(
                                                       std::make_unique<SometimesEchoes>(std::move(reference), echoes));
                                                 });
}

TEST(Sweep, ShardsCoverEveryPairExactlyOnce) {
  SweepOptions whole{.seeds = {1, 200}, .shard = {1, 1}, .cases_glob = "wsroom.*"};
  const auto all = sweep_pairs(whole);
  std::set<std::pair<std::string, std::uint64_t>> expected;
  for (const auto& [c, seed] : all) expected.emplace(c->id, seed);
  ASSERT_EQ(expected.size(), all.size()) << "a pair listed twice";
  for (const std::size_t count : {2u, 3u, 7u}) {
    std::set<std::pair<std::string, std::uint64_t>> seen;
    std::size_t listed = 0;
    for (std::size_t index = 1; index <= count; ++index) {
      SweepOptions shard = whole;
      shard.shard = {index, count};
      for (const auto& [c, seed] : sweep_pairs(shard)) {
        seen.emplace(c->id, seed);
        ++listed;
      }
    }
    EXPECT_EQ(listed, all.size()) << count << " shards";
    EXPECT_EQ(seen, expected) << count << " shards";
  }
  // The documented rule, position by position: pair k of the whole list goes to shard k mod N + 1.
  for (std::size_t index = 1; index <= 3; ++index) {
    SweepOptions shard = whole;
    shard.shard = {index, 3};
    std::vector<std::pair<const Case*, std::uint64_t>> expected_slice;
    for (std::size_t k = index - 1; k < all.size(); k += 3) expected_slice.push_back(all[k]);
    EXPECT_EQ(sweep_pairs(shard), expected_slice) << "shard " << index << "/3";
  }
  // A wire case is not seeded: one pair, with the first seed.
  std::size_t wire_pairs = 0;
  for (const auto& [c, seed] : sweep_pairs(SweepOptions{.seeds = {5, 9}, .shard = {1, 1}, .cases_glob = "wire.wsroom.reset*"})) {
    ++wire_pairs;
    EXPECT_EQ(seed, 5u);
  }
  EXPECT_EQ(wire_pairs, 1u);
}

TEST(Sweep, TwoShardsOverTwoHundredSeedsMergedEqualTheUnshardedSweep) {
  const auto transport = sometimes_echoes();
  const SweepOptions whole{.seeds = {1, 200}, .shard = {1, 1}, .cases_glob = "wsroom.no_echo"};
  const auto unsharded = run_sweep(transport, whole);
  std::vector<RunSummary> shards;
  for (std::size_t index = 1; index <= 2; ++index) {
    SweepOptions shard = whole;
    shard.shard = {index, 2};
    // Through report.json and back, as `conformance merge` reads them.
    auto read = read_report_json(report_json({run_sweep(transport, shard)}));
    ASSERT_TRUE(read.ok()) << read.error().message;
    shards.push_back(read->front());
  }
  const auto merged = merge_sweeps(shards);
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  ASSERT_EQ(unsharded.results.size(), 1u);
  ASSERT_EQ(merged->results.size(), 1u);
  const auto& a = unsharded.results[0];
  const auto& b = merged->results[0];
  ASSERT_TRUE(a.sweep && b.sweep);
  EXPECT_EQ(a.sweep->seeds_run, 200u);
  EXPECT_EQ(b.sweep->seeds_run, 200u);
  // The flaw shows for some seeds and not others, so the counts mean something.
  EXPECT_GT(a.sweep->seeds_failed.size(), 10u);
  EXPECT_LT(a.sweep->seeds_failed.size(), 190u);
  EXPECT_EQ(a.verdict, Verdict::fail);
  EXPECT_EQ(b.verdict, a.verdict);
  EXPECT_EQ(b.sweep->seeds_failed, a.sweep->seeds_failed);
  EXPECT_EQ(b.sweep->shown_seed, a.sweep->seeds_failed.front());
  EXPECT_EQ(b.sweep->shown_seed, a.sweep->shown_seed);
  EXPECT_EQ(b.detail, a.detail);
  EXPECT_EQ(b.reproduce, a.reproduce);
  EXPECT_NE(a.reproduce.find("--seed " + std::to_string(a.sweep->shown_seed)), std::string::npos) << a.reproduce;
  EXPECT_EQ(b.digest, a.digest);
  EXPECT_EQ(b.transcript.size(), a.transcript.size());
}

// A report's size must not grow with the sweep: a case failing every seed lists only the lowest
// failing seeds and counts the rest, unsharded, through report.json, and merged from shards alike.
TEST(Sweep, FailingSeedsAreCountedAndOnlyTheLowestListed) {
  constexpr std::size_t listed = SweepStats::failing_seeds_listed_max;
  const std::uint64_t last = listed + 30;
  const auto transport = *find_transport("mutant-echo-own-packets");
  const SweepOptions whole{.seeds = {1, last}, .shard = {1, 1}, .cases_glob = "wsroom.no_echo"};
  std::vector<std::uint64_t> lowest(listed);
  for (std::size_t i = 0; i < listed; ++i) lowest[i] = i + 1;

  const auto unsharded = run_sweep(transport, whole);
  ASSERT_EQ(unsharded.results.size(), 1u);
  const SweepStats& a = *unsharded.results[0].sweep;
  EXPECT_EQ(a.seeds_run, last);
  EXPECT_EQ(a.seeds_failed_count, last) << "the mutant echoes whatever the seed";
  EXPECT_EQ(a.seeds_failed, lowest);
  EXPECT_NE(unsharded.results[0].detail.find(std::to_string(last) + " failed (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, … (" +
                                             std::to_string(last - 10) + " more))"),
            std::string::npos)
      << unsharded.results[0].detail;
  const auto json = nlohmann::json::parse(report_json({unsharded}));
  EXPECT_EQ(json[0]["cases"][0]["sweep"]["seeds_failed"].size(), listed);
  EXPECT_EQ(json[0]["cases"][0]["sweep"]["seeds_failed_count"], last);

  std::vector<RunSummary> shards;
  for (std::size_t index = 1; index <= 3; ++index) {
    SweepOptions shard = whole;
    shard.shard = {index, 3};
    auto read = read_report_json(report_json({run_sweep(transport, shard)}));
    ASSERT_TRUE(read.ok()) << read.error().message;
    shards.push_back(read->front());
  }
  const auto merged = merge_sweeps(shards);
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  const SweepStats& b = *merged->results[0].sweep;
  EXPECT_EQ(b.seeds_run, last);
  EXPECT_EQ(b.seeds_failed_count, last);
  EXPECT_EQ(b.seeds_failed, lowest);
  EXPECT_EQ(merged->results[0].detail, unsharded.results[0].detail);

  // A report from before the count (every failing seed listed) reads as counted and cut.
  auto old = json;
  old[0]["cases"][0]["sweep"].erase("seeds_failed_count");
  old[0]["cases"][0]["sweep"]["seeds_failed"] = nlohmann::json::array();
  for (std::uint64_t seed = 1; seed <= last; ++seed) old[0]["cases"][0]["sweep"]["seeds_failed"].push_back(seed);
  const auto read_old = read_report_json(old.dump());
  ASSERT_TRUE(read_old.ok()) << read_old.error().message;
  EXPECT_EQ(read_old->front().results[0].sweep->seeds_failed_count, last);
  EXPECT_EQ(read_old->front().results[0].sweep->seeds_failed, lowest);
}

TEST(Sweep, MergeRefusesAnIncompleteOrMixedSetOfShards) {
  const auto transport = sometimes_echoes();
  SweepOptions first{.seeds = {1, 4}, .shard = {1, 2}, .cases_glob = "wsroom.no_echo"};
  const auto one = run_sweep(transport, first);
  const auto missing = merge_sweeps({one});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("shard 2/2"), std::string::npos) << missing.error().message;
  const auto twice = merge_sweeps({one, one});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("twice"), std::string::npos) << twice.error().message;
  RunSummary plain = run_catalogue(transport, RunOptions{.seed = 1, .cases_glob = "wsroom.no_echo"});
  const auto not_a_sweep = merge_sweeps({plain});
  ASSERT_FALSE(not_a_sweep.ok());
  EXPECT_NE(not_a_sweep.error().message.find("--seeds"), std::string::npos) << not_a_sweep.error().message;
}

TEST(Sweep, SeedRangesAndShardsAreParsedStrictly) {
  EXPECT_EQ(parse_seed_range("3-17")->last, 17u);
  EXPECT_EQ(parse_seed_range("5")->first, 5u);
  for (const char* bad : {"", "7-3", "a-b", "1-", "-4", "1-2-3"}) EXPECT_FALSE(parse_seed_range(bad).ok()) << bad;
  EXPECT_EQ(parse_shard("2/5")->index, 2u);
  for (const char* bad : {"", "0/3", "4/3", "1", "1/0", "x/2"}) EXPECT_FALSE(parse_shard(bad).ok()) << bad;
}

}  // namespace
}  // namespace dclcomms::conformance
