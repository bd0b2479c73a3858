#include "dclcomms/conformance/runner.hpp"

#include <algorithm>
#include <exception>
#include <optional>

#include "dclcomms/conformance/case_context.hpp"

namespace dclcomms::conformance {

bool glob_matches(std::string_view glob, std::string_view text) {
  // Iterative '*' matching with backtracking to the last star: linear in practice, no recursion.
  std::size_t g = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (g < glob.size() && glob[g] == '*') {
      star = g++;
      mark = t;
    } else if (g < glob.size() && glob[g] == text[t]) {
      ++g;
      ++t;
    } else if (star != std::string_view::npos) {
      g = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

std::string_view to_string(Conformance conformance) {
  switch (conformance) {
    case Conformance::conformant: return "conformant";
    case Conformance::conformant_with_warnings: return "conformant with warnings";
    case Conformance::not_conformant: return "NOT conformant";
  }
  return "unknown";
}

std::string_view json_name(Conformance conformance) {
  switch (conformance) {
    case Conformance::conformant: return "conformant";
    case Conformance::conformant_with_warnings: return "conformant_with_warnings";
    case Conformance::not_conformant: return "not_conformant";
  }
  return "unknown";
}

bool reports_a_problem(Verdict verdict) {
  return verdict == Verdict::fail || verdict == Verdict::non_strict || verdict == Verdict::nondeterministic;
}

namespace {

// One transcript line as the divergence message quotes it, bounded so that a megabyte frame
// cannot swamp the report.
std::string quote_line(const TraceLine& line) {
  constexpr std::size_t quoted_chars_max = 240;
  const std::int64_t micros = line.time_ns / 1'000;
  std::string fraction = std::to_string(micros % 1'000);
  fraction.insert(0, 3 - fraction.size(), '0');
  std::string text = "t=" + std::to_string(micros / 1'000) + "." + fraction + " ms " + line.from + " -> " + line.to + " " + line.label;
  if (!line.json.empty()) text += " " + line.json;
  if (!line.hex.empty()) text += " [" + line.hex + "]";
  if (text.size() > quoted_chars_max) text = text.substr(0, quoted_chars_max - 3) + "...";
  return "`" + text + "`";
}

std::string outcome_text(const CaseOutcome& outcome) {
  if (!outcome.detail.empty()) return outcome.detail;
  return outcome.kind == OutcomeKind::passed ? "passed" : "no detail";
}

bool same_line(const TraceLine& a, const TraceLine& b) {
  return a.time_ns == b.time_ns && a.from == b.from && a.to == b.to && a.label == b.label && a.hex == b.hex && a.json == b.json;
}

}  // namespace

std::string describe_divergence(const std::vector<TraceLine>& first, std::uint64_t first_digest, const std::vector<TraceLine>& second,
                                std::uint64_t second_digest) {
  const std::size_t common = std::min(first.size(), second.size());
  std::size_t index = 0;
  while (index < common && same_line(first[index], second[index])) ++index;
  const std::string sizes = " (" + std::to_string(first.size()) + " vs " + std::to_string(second.size()) + " lines)";
  if (index < common) {
    return "the transcripts part at line " + std::to_string(index + 1) + sizes + ": first run " + quote_line(first[index]) +
           ", second run " + quote_line(second[index]);
  }
  if (first.size() != second.size()) {
    const bool first_longer = first.size() > second.size();
    const auto& longer = first_longer ? first : second;
    return "the transcripts agree for " + std::to_string(common) + " lines, then only the " + (first_longer ? "first" : "second") +
           " run goes on" + sizes + ", with " + quote_line(longer[common]);
  }
  if (first_digest != second_digest) {
    return "the transcripts agree line for line" + sizes +
           " but the digests differ (what the case mixes in beneath them, e.g. the simulation's trace, diverged)";
  }
  return "the transcripts and digests agree" + sizes + ", but the outcomes differ";
}

std::string level_label(Level level, Capability capability) {
  if (level != Level::capability) return std::string(to_string(level));
  return std::string(to_string(level)) + "(" + std::string(to_string(capability)) + ")";
}

std::size_t RunSummary::warnings() const {
  std::size_t count = 0;
  for (const auto& r : results) count += r.verdict == Verdict::non_strict ? 1 : 0;
  return count;
}

Conformance RunSummary::conformance() const {
  for (const auto& r : results) {
    if (r.verdict == Verdict::fail || r.verdict == Verdict::nondeterministic) return Conformance::not_conformant;
  }
  return warnings() > 0 ? Conformance::conformant_with_warnings : Conformance::conformant;
}

bool RunSummary::conformant() const { return conformance() != Conformance::not_conformant; }

std::string conformance_summary(const RunSummary& run) {
  std::string line(to_string(run.conformance()));
  if (run.conformance() == Conformance::conformant_with_warnings) {
    line += " (" + std::to_string(run.warnings()) + (run.warnings() == 1 ? " SHOULD case failed)" : " SHOULD cases failed)");
  }
  return line;
}

namespace {

struct Attempt {
  CaseOutcome outcome;
  std::vector<TraceLine> transcript;
  std::uint64_t digest = 0;
};

Attempt attempt(const Case& c, const TransportUnderTest& transport, std::uint64_t seed, sim::FaultSchedule* record_faults = nullptr,
                const sim::FaultSchedule* replay_faults = nullptr) {
  CaseContext context(transport, seed);
  context.set_fault_schedules(record_faults, replay_faults);
  Attempt a;
  try {
    a.outcome = c.run(context);
  } catch (const std::exception& e) {
    a.outcome = fail(std::string("the case threw: ") + e.what());
  }
  a.transcript = context.transcript();
  a.digest = context.digest();
  return a;
}

// Records the failing run's link decisions, then shrinks them while the case still fails the same
// way; the result and a readable list of what is left go into the case's result.
void shrink_failure(const Case& c, const TransportUnderTest& transport, std::uint64_t seed, const RunOptions& options,
                    const Attempt& failed, const sim::FaultSchedule& recorded, CaseResult& result) {
  const std::string signature = failure_signature(failed.outcome.detail);
  const auto same_failure = [&](const sim::FaultSchedule& candidate) {
    const Attempt replayed = attempt(c, transport, seed, nullptr, &candidate);
    return replayed.outcome.kind == OutcomeKind::failed && failure_signature(replayed.outcome.detail) == signature;
  };
  if (options.on_shrink) options.on_shrink(c.id, 0, recorded.size());  // starts the caller's clock for this case
  sim::ShrinkOptions shrink_options = options.shrink_options;
  if (options.on_shrink) {
    shrink_options.progress = [&](std::size_t replays, std::size_t decisions) { options.on_shrink(c.id, replays, decisions); };
  }
  const sim::ShrinkResult shrunk = sim::shrink_fault_schedule(recorded, same_failure, shrink_options);
  result.shrunk = ShrunkFaults{shrunk.decisions_before, shrunk.minimal, shrunk.replays, shrunk.budget_exhausted, shrunk.reproduced, {}};
  if (!shrunk.reproduced) {
    result.detail += "\nshrinking: the failing run's " + std::to_string(shrunk.decisions_before) +
                     " fault decisions do not replay to the same failure (it does not come from link faults alone)";
    return;
  }
  result.shrunk->transcript = attempt(c, transport, seed, nullptr, &shrunk.minimal).transcript;
  result.detail += "\nshrunk: " + std::to_string(shrunk.decisions_before) + " fault decisions -> " + std::to_string(shrunk.minimal.size()) +
                   " (" + std::to_string(shrunk.replays) + " replays" +
                   (shrunk.budget_exhausted ? ", budget exhausted: the best found" : "") + ")";
  if (shrunk.minimal.size() == 0) result.detail += ": it fails on a perfect network";
  for (const auto& [key, decision] : shrunk.minimal.decisions()) result.detail += "\n  " + sim::describe_fault(key, decision);
}

}  // namespace

std::string failure_signature(std::string_view detail) {
  std::string signature;
  signature.reserve(detail.size());
  for (std::size_t i = 0; i < detail.size(); ++i) {
    const bool digit = detail[i] >= '0' && detail[i] <= '9';
    if (!digit) {
      signature += detail[i];
    } else if (i == 0 || detail[i - 1] < '0' || detail[i - 1] > '9') {
      signature += '#';
    }
  }
  return signature;
}

CaseResult run_case(const Case& c, const TransportUnderTest& transport, std::uint64_t seed, const RunOptions& options) {
  CaseResult result{c.id, c.level, c.proves, c.spec, Verdict::pass, "", {}, 0, "", c.real_time};
  result.capability = c.capability;
  const std::string selector = !options.reproduce_selector.empty()
                                   ? options.reproduce_selector
                                   : "--transport " + (options.transport_name.empty() ? transport.name : options.transport_name);
  result.reproduce = "dclcomms conformance run " + selector + options.reproduce_suffix + " --cases '" + c.id + "' --seed " +
                     std::to_string(seed);
  if (!applies_to(c, transport.capabilities)) {
    result.verdict = Verdict::unsupported;
    result.detail = "the transport does not declare type " + c.requires_type;
    result.applicable = false;
  } else if (c.level == Level::capability && !declares(transport.capabilities, c.capability)) {
    // Optional behaviour the transport does not claim: not a failure, and not run (running it
    // would only measure something nobody promised).
    result.verdict = Verdict::unsupported;
    result.detail = "optional behaviour the transport does not declare (" + std::string(to_string(c.capability)) + ")";
  } else if (c.needs_virtual_time && !transport.capabilities.virtual_time) {
    result.verdict = Verdict::unsupported;
    result.detail = "the case runs in the simulator and the transport does not run on the harness's virtual clock";
  } else {
    // With --shrink the first run records its link decisions (recording changes nothing), so a
    // failure's schedule is at hand without running the case a third time.
    sim::FaultSchedule recorded;
    const bool record = options.shrink && !c.real_time;
    Attempt first = attempt(c, transport, seed, record ? &recorded : nullptr, options.replay_faults);
    // A wire case runs once: its second run could not match the first bit for bit (real sockets,
    // real clock), and comparing only pass/fail would double its real-time cost to report a flaky
    // transport as "nondeterministic", which names the wrong thing.
    const std::optional<Attempt> second = c.real_time ? std::nullopt
                                                      : std::optional<Attempt>(attempt(c, transport, seed, nullptr, options.replay_faults));
    result.transcript = first.transcript;
    result.digest = first.digest;
    result.detail = first.outcome.detail;
    if (second && (first.digest != second->digest || first.outcome.kind != second->outcome.kind)) {
      result.verdict = Verdict::nondeterministic;
      result.detail = "the same seed gave two different runs: " +
                      describe_divergence(first.transcript, first.digest, second->transcript, second->digest) +
                      "; first run: " + outcome_text(first.outcome);
      if (first.outcome.kind != second->outcome.kind) result.detail += "; second run: " + outcome_text(second->outcome);
    } else if (first.outcome.kind == OutcomeKind::unsupported) {
      result.verdict = Verdict::unsupported;
    } else if (first.outcome.kind == OutcomeKind::failed) {
      result.verdict = c.level == Level::should ? Verdict::non_strict : Verdict::fail;
      if (record) shrink_failure(c, transport, seed, options, first, recorded, result);
    }
  }
  return result;
}

RunSummary run_catalogue(const TransportUnderTest& transport, const RunOptions& options) {
  RunSummary summary;
  summary.transport = transport.name;
  summary.seed = options.seed;
  std::vector<const Case*> selected;
  for (const auto& c : case_catalogue()) {
    if (glob_matches(options.cases_glob, c.id)) selected.push_back(&c);
  }
  for (const auto& c : options.extra_cases) {
    if (glob_matches(options.cases_glob, c.id)) selected.push_back(&c);
  }
  for (const Case* c : selected) {
    summary.results.push_back(run_case(*c, transport, options.seed, options));
    if (options.on_case) options.on_case(summary.results.back(), summary.results.size(), selected.size());
  }
  return summary;
}

}  // namespace dclcomms::conformance
