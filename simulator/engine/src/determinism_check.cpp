#include "dclcomms/sim/determinism_check.hpp"

#include <vector>

namespace dclcomms::sim {

namespace {

// The rolling digest after each event: the first index where two runs' digests part is their
// first differing event (no line is formatted for these two).
class HashingSink final : public TraceSink {
 public:
  void write_line(std::string_view) override {}
  bool wants_lines() const override { return false; }
  void after_event(std::uint64_t digest) override { hashes.push_back(digest); }
  std::vector<std::uint64_t> hashes;
};

/// Compares each event's rolling digest with the first run's and keeps the first that differs.
class ComparingSink final : public TraceSink {
 public:
  explicit ComparingSink(const std::vector<std::uint64_t>& expected) : expected_(expected) {}
  void write_line(std::string_view) override {}
  bool wants_lines() const override { return false; }
  void after_event(std::uint64_t digest) override {
    if (!divergence && (index_ >= expected_.size() || digest != expected_[index_]))
      divergence = Divergence{index_, std::nullopt, std::nullopt};
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
    CapturingSink capture_second(divergence.event_index);
    run_scenario(scenario, RunOptions{second_seed, &capture_second, {}});
    divergence.second = capture_second.captured;
    report.divergence = divergence;
  }
  return report;
}

}  // namespace dclcomms::sim
