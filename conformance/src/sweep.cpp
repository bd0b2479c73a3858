#include "dclcomms/conformance/sweep.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::conformance {
namespace {

std::optional<std::uint64_t> parse_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// The lowest failing seeds, then how many more failed (`count` of them in all).
std::string seed_list(const std::vector<std::uint64_t>& seeds, std::uint64_t count) {
  std::string out;
  constexpr std::size_t shown_max = 10;
  std::size_t shown = 0;
  for (; shown < seeds.size() && shown < shown_max; ++shown) out += (shown ? ", " : "") + std::to_string(seeds[shown]);
  if (count > shown) out += ", … (" + std::to_string(count - shown) + " more)";
  return out;
}

// The detail people read: the counts, then what the shown seed found.
void describe(CaseResult& result) {
  const SweepStats& s = *result.sweep;
  std::string line = "seeds " + std::to_string(s.seed_first) + "-" + std::to_string(s.seed_last) + ": " + std::to_string(s.seeds_run) +
                     " run, ";
  line += s.seeds_failed_count == 0
              ? "none failed"
              : std::to_string(s.seeds_failed_count) + " failed (" + seed_list(s.seeds_failed, s.seeds_failed_count) + ")";
  line += "; seed " + std::to_string(s.shown_seed) + (s.shown_detail.empty() ? "" : ": " + s.shown_detail);
  result.detail = std::move(line);
}

// Whether `candidate` (a seed's result) should be shown instead of `shown`: a failing seed over any
// other, then a pass over an unsupported one, then the lower seed.
bool shows_before(const CaseResult& candidate, std::uint64_t candidate_seed, const CaseResult& shown, std::uint64_t shown_seed) {
  const auto rank = [](Verdict v) { return reports_a_problem(v) ? 0 : v == Verdict::pass ? 1 : 2; };
  if (rank(candidate.verdict) != rank(shown.verdict)) return rank(candidate.verdict) < rank(shown.verdict);
  return candidate_seed < shown_seed;
}

}  // namespace

core::Result<SeedRange, ConformanceError> parse_seed_range(std::string_view text) {
  const auto dash = text.find('-');
  const auto first = parse_number(text.substr(0, dash));
  const auto last = dash == std::string_view::npos ? first : parse_number(text.substr(dash + 1));
  if (!first || !last || *last < *first) {
    return core::fail(ConformanceErrorCode::bad_argument, "seeds must be A-B with A <= B (or one seed A), got '" + std::string(text) + "'");
  }
  return SeedRange{*first, *last};
}

core::Result<Shard, ConformanceError> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  const auto index = slash == std::string_view::npos ? std::nullopt : parse_number(text.substr(0, slash));
  const auto count = slash == std::string_view::npos ? std::nullopt : parse_number(text.substr(slash + 1));
  if (!index || !count || *index < 1 || *index > *count) {
    return core::fail(ConformanceErrorCode::bad_argument, "a shard is I/N with 1 <= I <= N, got '" + std::string(text) + "'");
  }
  return Shard{static_cast<std::size_t>(*index), static_cast<std::size_t>(*count)};
}

std::vector<std::pair<const Case*, std::uint64_t>> sweep_pairs(const SweepOptions& options) {
  DCL_ASSERT(options.shard.index >= 1 && options.shard.index <= options.shard.count);
  DCL_ASSERT(options.seeds.first <= options.seeds.last);
  std::vector<std::pair<const Case*, std::uint64_t>> pairs;
  std::size_t position = 0;
  for (const auto& c : case_catalogue()) {
    if (!glob_matches(options.cases_glob, c.id)) continue;
    const std::uint64_t last = c.real_time ? options.seeds.first : options.seeds.last;  // a wire case is not seeded
    for (std::uint64_t seed = options.seeds.first;; ++seed) {
      if (position++ % options.shard.count == options.shard.index - 1) pairs.emplace_back(&c, seed);
      if (seed == last) break;  // not `seed <= last` in the loop head: it would wrap past the largest seed
    }
  }
  return pairs;
}

RunSummary run_sweep(const TransportUnderTest& transport, const SweepOptions& options) {
  RunOptions run_options{.seed = options.seeds.first,
                         .cases_glob = options.cases_glob,
                         .transport_name = options.transport_name,
                         .reproduce_selector = options.reproduce_selector,
                         .on_case = {}};
  const auto pairs = sweep_pairs(options);
  RunSummary summary;
  summary.transport = transport.name;
  summary.seed = options.seeds.first;
  summary.shard = options.shard;
  std::map<const Case*, std::size_t> index_of;  // case -> its result; results keep catalogue order
  std::size_t failed = 0;
  for (std::size_t done = 0; done < pairs.size(); ++done) {
    const auto& [c, seed] = pairs[done];
    CaseResult result = run_case(*c, transport, seed, run_options);
    const bool seed_failed = reports_a_problem(result.verdict);
    failed += seed_failed ? 1 : 0;
    const auto [it, inserted] = index_of.try_emplace(c, summary.results.size());
    if (inserted) {
      result.sweep = SweepStats{options.seeds.first, options.seeds.last, 0, {}, seed, result.detail};
      summary.results.push_back(std::move(result));
    } else if (CaseResult& shown = summary.results[it->second]; shows_before(result, seed, shown, shown.sweep->shown_seed)) {
      SweepStats stats = std::move(*shown.sweep);
      stats.shown_seed = seed;
      stats.shown_detail = result.detail;
      shown = std::move(result);
      shown.sweep = std::move(stats);
    }
    SweepStats& stats = *summary.results[it->second].sweep;
    ++stats.seeds_run;
    if (seed_failed) {
      ++stats.seeds_failed_count;
      // Pairs come in ascending seeds per case: the first ones listed are the lowest.
      if (stats.seeds_failed.size() < SweepStats::failing_seeds_listed_max) stats.seeds_failed.push_back(seed);
    }
    if (options.on_pair) options.on_pair(done + 1, pairs.size(), failed);
  }
  for (auto& r : summary.results) describe(r);
  return summary;
}

core::Result<RunSummary, ConformanceError> merge_sweeps(const std::vector<RunSummary>& shards) {
  const auto mismatch = [](std::string message) { return core::fail(ConformanceErrorCode::shards_mismatch, std::move(message)); };
  if (shards.empty()) return mismatch("no shard to merge");
  RunSummary merged;
  merged.transport = shards.front().transport;
  merged.seed = shards.front().seed;
  const std::size_t count = shards.front().shard.count;
  std::vector<bool> seen(count + 1, false);
  std::map<std::string, std::size_t> index_of;
  for (const auto& shard : shards) {
    if (shard.transport != merged.transport)
      return mismatch("shards of two transports: '" + merged.transport + "' and '" + shard.transport + "'");
    if (shard.shard.count != count || shard.shard.index < 1 || shard.shard.index > count) {
      return mismatch("shard " + std::to_string(shard.shard.index) + "/" + std::to_string(shard.shard.count) + " of " + shard.transport +
                      " is not one of the " + std::to_string(count) + " shards of the first");
    }
    if (seen[shard.shard.index])
      return mismatch("shard " + std::to_string(shard.shard.index) + "/" + std::to_string(count) + " of " + shard.transport + " twice");
    seen[shard.shard.index] = true;
    for (const auto& r : shard.results) {
      if (!r.sweep)
        return mismatch("case " + r.id + " of " + shard.transport + " has no sweep counts: not a report of `conformance run --seeds`");
      const auto [it, inserted] = index_of.try_emplace(r.id, merged.results.size());
      if (inserted) {
        merged.results.push_back(r);
        continue;
      }
      CaseResult& into = merged.results[it->second];
      if (into.sweep->seed_first != r.sweep->seed_first || into.sweep->seed_last != r.sweep->seed_last) {
        return mismatch("case " + r.id + ": shards of two seed ranges");
      }
      SweepStats stats = *into.sweep;
      stats.seeds_run += r.sweep->seeds_run;
      stats.seeds_failed_count += r.sweep->seeds_failed_count;
      // Each shard lists its lowest failing seeds, so the lowest of all are among those listed.
      std::vector<std::uint64_t> failed;
      std::merge(stats.seeds_failed.begin(), stats.seeds_failed.end(), r.sweep->seeds_failed.begin(), r.sweep->seeds_failed.end(),
                 std::back_inserter(failed));
      if (failed.size() > SweepStats::failing_seeds_listed_max) failed.resize(SweepStats::failing_seeds_listed_max);
      stats.seeds_failed = std::move(failed);
      if (shows_before(r, r.sweep->shown_seed, into, stats.shown_seed)) {
        stats.shown_seed = r.sweep->shown_seed;
        stats.shown_detail = r.sweep->shown_detail;
        into = r;
      }
      into.sweep = std::move(stats);
    }
  }
  for (std::size_t i = 1; i <= count; ++i) {
    if (!seen[i]) return mismatch("shard " + std::to_string(i) + "/" + std::to_string(count) + " of " + merged.transport + " is missing");
  }
  // Catalogue order, as an unsharded run lists them (ids this catalogue does not know go last).
  std::map<std::string, std::size_t> position;
  for (const auto& c : case_catalogue()) position.emplace(c.id, position.size());
  std::stable_sort(merged.results.begin(), merged.results.end(), [&](const CaseResult& a, const CaseResult& b) {
    const auto pa = position.contains(a.id) ? position.at(a.id) : position.size();
    const auto pb = position.contains(b.id) ? position.at(b.id) : position.size();
    return pa != pb ? pa < pb : a.id < b.id;
  });
  merged.shard = Shard{1, 1};
  for (auto& r : merged.results) describe(r);
  return merged;
}

}  // namespace dclcomms::conformance
