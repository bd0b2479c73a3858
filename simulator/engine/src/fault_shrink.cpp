#include "dclcomms/sim/fault_shrink.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

namespace dclcomms::sim {
namespace {

using Item = std::pair<FaultKey, FaultDecision>;

FaultSchedule schedule_of(const std::vector<Item>& items) {
  FaultSchedule schedule;
  for (const auto& [key, decision] : items) schedule.record(key, decision);
  return schedule;
}

// Counts replays against the budgets; once either runs out, every further test answers false
// without replaying, so the search stops with the best schedule it has.
class Tester {
 public:
  Tester(const std::function<bool(const FaultSchedule&)>& still_fails, const ShrinkOptions& options)
      : still_fails_(still_fails), options_(options) {}

  bool fails(const std::vector<Item>& items, std::size_t best_size) {
    if (replays_ >= options_.replays_max || (options_.time_left && !options_.time_left())) {
      exhausted_ = true;
      return false;
    }
    ++replays_;
    const bool failed = still_fails_(schedule_of(items));
    if (options_.progress) options_.progress(replays_, failed ? items.size() : best_size);
    return failed;
  }
  std::size_t replays() const { return replays_; }
  bool exhausted() const { return exhausted_; }

 private:
  const std::function<bool(const FaultSchedule&)>& still_fails_;
  const ShrinkOptions& options_;
  std::size_t replays_ = 0;
  bool exhausted_ = false;
};

std::vector<Item> without(const std::vector<Item>& items, std::size_t begin, std::size_t end) {
  std::vector<Item> out(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(begin));
  out.insert(out.end(), items.begin() + static_cast<std::ptrdiff_t>(end), items.end());
  return out;
}

// ddmin: try dropping each of n chunks (complements), then keeping one chunk alone; on success
// continue with the smaller set, otherwise double n until chunks are single decisions.
void remove_decisions(std::vector<Item>& items, Tester& tester) {
  std::size_t n = 2;
  while (items.size() >= 2 && !tester.exhausted()) {
    const std::size_t chunk = (items.size() + n - 1) / n;
    bool reduced = false;
    for (std::size_t begin = 0; begin < items.size() && !reduced; begin += chunk) {
      auto complement = without(items, begin, std::min(items.size(), begin + chunk));
      if (tester.fails(complement, items.size())) {
        items = std::move(complement);
        n = std::max<std::size_t>(n - 1, 2);
        reduced = true;
      }
    }
    for (std::size_t begin = 0; begin < items.size() && !reduced && n > 2; begin += chunk) {
      std::vector<Item> subset(items.begin() + static_cast<std::ptrdiff_t>(begin),
                               items.begin() + static_cast<std::ptrdiff_t>(std::min(items.size(), begin + chunk)));
      if (tester.fails(subset, items.size())) {
        items = std::move(subset);
        n = 2;
        reduced = true;
      }
    }
    if (reduced) continue;
    if (n >= items.size()) break;
    n = std::min(items.size(), n * 2);
  }
}

// A tenth of each remaining extra delay, again and again while the failure persists and the delay
// is at least a millisecond: "delayed 300 ms" becomes "delayed 3 ms" if that is all it takes.
void weaken_delays(std::vector<Item>& items, Tester& tester) {
  for (std::size_t i = 0; i < items.size() && !tester.exhausted(); ++i) {
    while (!tester.exhausted()) {
      const core::Duration delay = items[i].second.extra_delay;
      if (std::llabs(core::to_ns(delay)) < 10'000'000) break;  // below 10 ms a tenth is under 1 ms
      auto weaker = items;
      weaker[i].second.extra_delay = delay / 10;
      if (!tester.fails(weaker, items.size())) break;
      items = std::move(weaker);
    }
  }
}

std::string milliseconds(core::Duration d) {
  const std::int64_t micros = core::to_ns(d) / 1'000;
  const std::int64_t magnitude = std::llabs(micros);
  std::string fraction = std::to_string(magnitude % 1'000);
  fraction.insert(0, 3 - fraction.size(), '0');
  return std::string(micros < 0 ? "-" : "+") + std::to_string(magnitude / 1'000) + "." + fraction + " ms";
}

}  // namespace

ShrinkResult shrink_fault_schedule(const FaultSchedule& recorded, const std::function<bool(const FaultSchedule&)>& still_fails,
                                   const ShrinkOptions& options) {
  ShrinkResult result;
  result.decisions_before = recorded.size();
  result.minimal = recorded;
  std::vector<Item> items(recorded.decisions().begin(), recorded.decisions().end());
  Tester tester(still_fails, options);
  result.reproduced = tester.fails(items, items.size());
  if (result.reproduced) {
    if (tester.fails({}, items.size())) {
      items.clear();  // it fails on a perfect network: no fault is needed at all
    } else {
      remove_decisions(items, tester);
      weaken_delays(items, tester);
    }
    result.minimal = schedule_of(items);
  }
  result.replays = tester.replays();
  result.budget_exhausted = tester.exhausted();
  return result;
}

std::string describe_fault(const FaultKey& key, const FaultDecision& decision) {
  return key.from + "->" + key.to + " " + describe_decision(key, decision);
}

std::string describe_decision(const FaultKey& key, const FaultDecision& decision) {
  std::string text = std::string(to_string(key.unit)) + " " + std::to_string(key.number);
  if (key.copy != 0) text += " (duplicate copy)";
  text += ":";
  if (!decision.drop.empty()) text += " dropped (" + decision.drop + ")";
  if (decision.duplicate) text += " duplicated";
  if (decision.extra_delay != core::Duration::zero()) text += " delayed " + milliseconds(decision.extra_delay);
  if (decision.corrupt_bit) text += " bit " + std::to_string(*decision.corrupt_bit) + " flipped";
  return text;
}

}  // namespace dclcomms::sim
