#include "dclcomms/sim/determinism_check.hpp"

#include <vector>

#include "dclcomms/core/prng.hpp"

namespace dclcomms::sim {

namespace {

class HashingSink final : public TraceSink {
 public:
  void write_line(std::string_view line) override { hashes.push_back(core::fnv1a_64(line)); }
  std::vector<std::uint64_t> hashes;
};

/// Compares each line with the first run's hash and keeps the first line that differs.
class ComparingSink final : public TraceSink {
 public:
  explicit ComparingSink(const std::vector<std::uint64_t>& expected) : expected_(expected) {}
  void write_line(std::string_view line) override {
    if (!divergence && (index_ >= expected_.size() || core::fnv1a_64(line) != expected_[index_])) {
      divergence = Divergence{index_, std::nullopt, std::string(line)};
    }
    ++index_;
  }
  std::uint64_t lines() const { return index_; }
  std::optional<Divergence> divergence;

 private:
  const std::vector<std::uint64_t>& expected_;
  std::uint64_t index_ = 0;
};

class CapturingSink final : public TraceSink {
 public:
  explicit CapturingSink(std::uint64_t wanted) : wanted_(wanted) {}
  void write_line(std::string_view line) override {
    if (index_++ == wanted_) captured = std::string(line);
  }
  std::optional<std::string> captured;

 private:
  std::uint64_t wanted_;
  std::uint64_t index_ = 0;
};

}  // namespace

DeterminismReport check_determinism(const Scenario& scenario, std::uint64_t seed, std::uint64_t second_seed_for_tests) {
  DeterminismReport report;
  HashingSink hashes;
  report.first = run_scenario(scenario, RunOptions{seed, &hashes, {}});
  ComparingSink comparing(hashes.hashes);
  const std::uint64_t second_seed = second_seed_for_tests != 0 ? second_seed_for_tests : seed;
  report.second = run_scenario(scenario, RunOptions{second_seed, &comparing, {}});
  if (!comparing.divergence && comparing.lines() < hashes.hashes.size()) {
    comparing.divergence = Divergence{comparing.lines(), std::nullopt, std::nullopt};
  }
  if (comparing.divergence) {
    Divergence divergence = *comparing.divergence;
    CapturingSink capture(divergence.event_index);
    run_scenario(scenario, RunOptions{seed, &capture, {}});
    divergence.first = capture.captured;
    report.divergence = divergence;
  }
  return report;
}

}  // namespace dclcomms::sim
