#include "dclcomms/conformance/runner.hpp"

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

Attempt attempt(const Case& c, const TransportUnderTest& transport, std::uint64_t seed) {
  CaseContext context(transport, seed);
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

}  // namespace

CaseResult run_case(const Case& c, const TransportUnderTest& transport, std::uint64_t seed, const RunOptions& options) {
  CaseResult result{c.id, c.level, c.proves, c.spec, Verdict::pass, "", {}, 0, "", c.real_time};
  result.capability = c.capability;
  const std::string selector = !options.reproduce_selector.empty()
                                   ? options.reproduce_selector
                                   : "--transport " + (options.transport_name.empty() ? transport.name : options.transport_name);
  result.reproduce = "dclcomms conformance run " + selector + " --cases '" + c.id + "' --seed " + std::to_string(seed);
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
    Attempt first = attempt(c, transport, seed);
    // A wire case runs once: its second run could not match the first bit for bit (real sockets,
    // real clock), and comparing only pass/fail would double its real-time cost to report a flaky
    // transport as "nondeterministic", which names the wrong thing.
    const std::optional<Attempt> second = c.real_time ? std::nullopt : std::optional<Attempt>(attempt(c, transport, seed));
    result.transcript = first.transcript;
    result.digest = first.digest;
    result.detail = first.outcome.detail;
    if (second && (first.digest != second->digest || first.outcome.kind != second->outcome.kind)) {
      result.verdict = Verdict::nondeterministic;
      result.detail = "the same seed gave two different runs (transcripts " + std::to_string(first.transcript.size()) + " vs " +
                      std::to_string(second->transcript.size()) + " lines); first run: " + first.outcome.detail;
    } else if (first.outcome.kind == OutcomeKind::unsupported) {
      result.verdict = Verdict::unsupported;
    } else if (first.outcome.kind == OutcomeKind::failed) {
      result.verdict = c.level == Level::should ? Verdict::non_strict : Verdict::fail;
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
  for (const Case* c : selected) {
    summary.results.push_back(run_case(*c, transport, options.seed, options));
    if (options.on_case) options.on_case(summary.results.back(), summary.results.size(), selected.size());
  }
  return summary;
}

}  // namespace dclcomms::conformance
