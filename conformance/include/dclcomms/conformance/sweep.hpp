#pragma once
// Seed sweeps: every simulated case once per seed of a range (each run twice, as always, for the
// determinism verdict), sliced into shards that machines run apart and a merge puts back together.
// Rare interleavings (a reorder that a thousand seeds show once) need many seeds; the CI engines
// people already use (a job matrix, an indexed job) run the shards.
//
// The (case, seed) pairs are listed in catalogue order, each case with every seed ascending, a
// wire case (real time, not seeded) with the first seed only. Shard I of N takes the pairs whose
// position is I-1 modulo N: deterministic, balanced, and every pair in exactly one shard.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dclcomms/conformance/conformance_error.hpp"
#include "dclcomms/conformance/runner.hpp"
#include "dclcomms/core/result.hpp"

namespace dclcomms::conformance {

struct SeedRange {
  std::uint64_t first = 1;
  std::uint64_t last = 1;  // inclusive
};
using Shard = RunSummary::ShardOf;  // index 1-based, of count

/// "A-B" (inclusive, A <= B) or "A".
core::Result<SeedRange, ConformanceError> parse_seed_range(std::string_view text);
/// "I/N" with 1 <= I <= N.
core::Result<Shard, ConformanceError> parse_shard(std::string_view text);

struct SweepOptions {
  SeedRange seeds;
  Shard shard;
  std::string cases_glob = "*";
  std::string transport_name;      // for reproduce commands, as RunOptions
  std::string reproduce_selector;  // as RunOptions
  /// After each (case, seed) pair: pairs done, pairs in this shard, failing pairs so far.
  std::function<void(std::size_t done, std::size_t total, std::size_t failed)> on_pair;
};

/// The pairs shard `options.shard` runs, in order.
std::vector<std::pair<const Case*, std::uint64_t>> sweep_pairs(const SweepOptions& options);

/// Runs this shard's pairs. One CaseResult per case that has a pair in the shard, with
/// CaseResult::sweep set: its verdict, detail, transcript and reproduce command are those of its
/// first failing seed (FAIL, NON-STRICT or NONDETERMINISTIC), else of its first seed that passed,
/// else of its first seed. The other seeds are counted, not kept (the failing ones listed up to
/// SweepStats::failing_seeds_listed_max), so the reports of a sweep do not grow with its seeds.
RunSummary run_sweep(const TransportUnderTest& transport, const SweepOptions& options);

/// Shards of one transport's sweep back into one run, as if it had run unsharded: per case the
/// seeds run add up, the failing seeds join, and the result shown is the first failing seed's.
/// Fails when the shards are not of the same transport and range.
core::Result<RunSummary, ConformanceError> merge_sweeps(const std::vector<RunSummary>& shards);

}  // namespace dclcomms::conformance
