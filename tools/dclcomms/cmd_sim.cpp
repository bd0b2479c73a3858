// `dclcomms sim run|replay|diff`. Argument parsing and printing only; the work is in dclcomms::sim.
// Wall time is read here, around a run, never inside one.
#include "cmd_sim.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "cli_error.hpp"
#include "dclcomms/sim/determinism_check.hpp"
#include "dclcomms/sim/scenario.hpp"
#include "dclcomms/sim/scenario_runner.hpp"
#include "dclcomms/sim/trace_file.hpp"

namespace {

using dclcomms::cli::ExitCode;
namespace sim = dclcomms::sim;

[[noreturn]] void fail(ExitCode code, std::string_view context, std::string_view message) {
  dclcomms::cli::report_error(context, message);
  throw CLI::RuntimeError(static_cast<int>(code));
}

std::string seconds(std::int64_t ns) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3fs", static_cast<double>(ns) / 1e9);
  return buffer;
}

sim::Scenario load_or_fail(const std::string& name) {
  auto scenario = sim::load_scenario(name);
  if (!scenario) fail(ExitCode::bad_input, "sim", scenario.error().message);
  return std::move(scenario).value();
}

/// A one-line progress bar on stderr, only if stderr is a terminal and the run has taken more
/// than a second of wall time.
class ProgressBar {
 public:
  ProgressBar() : enabled_(isatty(STDERR_FILENO) == 1), started_(std::chrono::steady_clock::now()) {}
  void update(dclcomms::core::TimePoint now, dclcomms::core::TimePoint end) {
    if (!enabled_) return;
    if (std::chrono::steady_clock::now() - started_ < std::chrono::seconds(1)) return;
    const auto total = std::max<std::int64_t>(1, dclcomms::core::to_ns(end));
    const int percent = static_cast<int>(dclcomms::core::to_ns(now) * 100 / total);
    constexpr int width = 30;
    std::string bar(static_cast<std::size_t>(width), ' ');
    for (int i = 0; i < percent * width / 100; ++i) bar[static_cast<std::size_t>(i)] = '#';
    std::fprintf(stderr, "\r[%s] %3d%% t=%s", bar.c_str(), percent, seconds(dclcomms::core::to_ns(now)).c_str());
    std::fflush(stderr);
    drawn_ = true;
  }
  ~ProgressBar() {
    if (drawn_) std::fprintf(stderr, "\r%*s\r", 60, "");
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_;
};

struct RunArgs {
  std::string scenario = "default";
  std::optional<std::uint64_t> seed;
  std::string trace_path;
  bool check_determinism = false;
  std::string record_faults_path;  // write every link decision as a fault schedule
  std::string faults_path;         // take every link decision from this fault schedule
};

sim::FaultSchedule read_fault_schedule(const std::string& path) {
  auto schedule = sim::FaultSchedule::load(path);
  if (!schedule) fail(ExitCode::bad_input, "sim run", schedule.error().message);
  return std::move(schedule).value();
}

void print_divergence(const sim::Divergence& divergence) {
  std::cout << "nondeterminism: first differing event line " << divergence.event_index + 2 << " of the trace (event "
            << divergence.event_index << ")\n";
  std::cout << "  run 1: " << divergence.first.value_or("<end of trace>") << "\n";
  std::cout << "  run 2: " << divergence.second.value_or("<end of trace>") << "\n";
}

void run_command(const RunArgs& args) {
  const sim::Scenario scenario = load_or_fail(args.scenario);
  const std::uint64_t seed = args.seed.value_or(scenario.seed);
  std::cout << "seed=" << seed << "\n"
            << "scenario=" << scenario.name << "\n"
            << std::flush;

  std::ofstream trace_file;
  std::unique_ptr<sim::StreamTraceSink> sink;
  if (!args.trace_path.empty()) {
    trace_file.open(args.trace_path, std::ios::binary | std::ios::trunc);
    if (!trace_file) fail(ExitCode::bad_input, "sim run", "cannot write trace file " + args.trace_path);
    trace_file << sim::trace_header_line(scenario, seed) << '\n';
    sink = std::make_unique<sim::StreamTraceSink>(trace_file);
  }
  std::optional<sim::FaultSchedule> replayed;
  if (!args.faults_path.empty()) {
    replayed = read_fault_schedule(args.faults_path);
    std::cout << "faults=" << args.faults_path << " (" << replayed->size() << " decisions; the links draw nothing else)\n";
  }
  sim::FaultSchedule recorded;
  sim::RunResult result;
  const auto wall_start = std::chrono::steady_clock::now();
  {
    ProgressBar bar;
    sim::RunOptions options{seed, sink.get(), [&bar](auto now, auto end) { bar.update(now, end); }};
    if (replayed) options.replay_faults = &*replayed;
    if (!args.record_faults_path.empty()) options.record_faults = &recorded;
    result = sim::run_scenario(scenario, options);
  }
  if (!args.record_faults_path.empty()) {
    std::ofstream out(args.record_faults_path, std::ios::binary | std::ios::trunc);
    out << recorded.to_json();
    out.close();
    if (!out) fail(ExitCode::io_error, "sim run", "failed writing " + args.record_faults_path);
  }
  const auto wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - wall_start).count();
  if (trace_file.is_open()) {
    trace_file << sim::trace_footer_line(result) << '\n';
    trace_file.close();
    if (!trace_file) fail(ExitCode::io_error, "sim run", "failed writing " + args.trace_path);
  }
  const std::int64_t virtual_ns = dclcomms::core::to_ns(result.end);
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "%.1f", static_cast<double>(virtual_ns) / static_cast<double>(std::max<std::int64_t>(wall_ns, 1)));
  std::cout << "events=" << result.events << "\n"
            << "virtual_time=" << seconds(virtual_ns) << "\n"
            << "wall_time=" << seconds(wall_ns) << "\n"
            << "sim_wall_ratio=" << ratio << "\n"
            << "datagrams sent=" << result.stats.datagrams_sent << " delivered=" << result.stats.datagrams_delivered
            << " dropped=" << result.stats.datagrams_dropped << "\n"
            << "messages sent=" << result.stats.messages_sent << " delivered=" << result.stats.messages_delivered
            << " segments_retransmitted=" << result.stats.segments_retransmitted << "\n"
            << "digest=" << sim::format_digest(result.digest) << "\n";
  if (!args.record_faults_path.empty()) {
    std::cout << "faults_recorded=" << recorded.size() << " decisions to " << args.record_faults_path << "\n";
  }
  const std::string faults_flag = args.faults_path.empty() ? "" : " --faults " + args.faults_path;
  if (args.check_determinism) {
    const sim::DeterminismReport report = sim::check_determinism(scenario, seed);
    if (report.divergence || report.first.digest != result.digest || report.second.digest != result.digest) {
      if (report.divergence) print_divergence(*report.divergence);
      std::cout << "reproduce: dclcomms sim run " << args.scenario << " --seed " << seed << faults_flag << " --check-determinism\n";
      fail(ExitCode::nondeterministic, "sim run", "NONDETERMINISM: the same seed gave different traces");
    }
    std::cout << "determinism=ok (3 runs, digest " << sim::format_digest(result.digest) << ")\n";
  }
  std::cout << "reproduce: dclcomms sim run " << args.scenario << " --seed " << seed << faults_flag << "\n";
}

void replay_command(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ExitCode::bad_input, "sim replay", "cannot read " + path);
  auto file = sim::read_trace_file(in, path);
  if (!file) fail(ExitCode::bad_input, "sim replay", file.error().message);
  if (!file->footer) fail(ExitCode::bad_input, "sim replay", path + ": no footer line (was the run cut short?)");
  if (file->footer->digest != file->digest || file->footer->events != file->event_lines) {
    fail(ExitCode::bad_input, "sim replay", path + ": event lines do not match the footer's digest/count (edited?)");
  }
  auto scenario = sim::parse_scenario(file->header.scenario_json, path + " header");
  if (!scenario) fail(ExitCode::bad_input, "sim replay", scenario.error().message);
  const std::uint64_t seed = file->header.seed;
  std::cout << "seed=" << seed << "\n"
            << "scenario=" << scenario->name << "\n";
  sim::MemoryTraceSink lines;
  const sim::RunResult result = sim::run_scenario(*scenario, sim::RunOptions{seed, &lines, {}});
  std::cout << "recorded_digest=" << sim::format_digest(file->footer->digest) << "\n"
            << "replayed_digest=" << sim::format_digest(result.digest) << "\n";
  if (result.digest == file->footer->digest && result.events == file->footer->events) {
    std::cout << "replay=ok (" << result.events << " events)\n";
    return;
  }
  // Name the first event line that differs.
  std::stringstream replayed;
  replayed << sim::trace_header_line(*scenario, seed) << '\n';
  for (const std::string& line : lines.lines) replayed << line << '\n';
  replayed << sim::trace_footer_line(result) << '\n';
  std::ifstream again(path, std::ios::binary);
  const auto difference = sim::first_difference(again, replayed, 0);
  if (difference) {
    std::cout << "first difference at line " << difference->line_number << "\n"
              << "  recorded: " << difference->line_a.value_or("<end of file>") << "\n"
              << "  replayed: " << difference->line_b.value_or("<end of trace>") << "\n";
  }
  fail(ExitCode::nondeterministic, "sim replay", "replay does not reproduce the recorded digest");
}

void diff_command(const std::string& path_a, const std::string& path_b, std::size_t context) {
  std::ifstream a(path_a, std::ios::binary);
  if (!a) fail(ExitCode::bad_input, "sim diff", "cannot read " + path_a);
  std::ifstream b(path_b, std::ios::binary);
  if (!b) fail(ExitCode::bad_input, "sim diff", "cannot read " + path_b);
  const auto difference = sim::first_difference(a, b, context);
  if (!difference) {
    std::cout << "traces are identical\n";
    return;
  }
  std::cout << "traces differ at line " << difference->line_number << "\n";
  for (const std::string& line : difference->context) std::cout << "  " << line << "\n";
  std::cout << "- " << difference->line_a.value_or("<end of " + path_a + ">") << "\n";
  std::cout << "+ " << difference->line_b.value_or("<end of " + path_b + ">") << "\n";
  throw CLI::RuntimeError(static_cast<int>(ExitCode::failed));
}

}  // namespace

void register_sim_commands(CLI::App& app) {
  CLI::App* sim_command = app.add_subcommand("sim", "Run, replay and compare deterministic network simulations");
  sim_command->require_subcommand(1);

  auto run_args = std::make_shared<RunArgs>();
  CLI::App* run = sim_command->add_subcommand("run", "Run a scenario (a JSON file or a built-in name) and print a summary");
  run->add_option("scenario", run_args->scenario, "Scenario file or built-in name (default, two-hosts, room-100)");
  run->add_option("--seed", run_args->seed, "Seed (default: the scenario's own seed)");
  run->add_option("--trace", run_args->trace_path, "Write the trace (JSON Lines) to this file");
  run->add_flag("--check-determinism", run_args->check_determinism,
                "Run again twice with the same seed; exit 3 naming the first differing line if traces differ");
  run->add_option("--record-faults", run_args->record_faults_path,
                  "Write every link decision (drops, duplicates, delays, corruptions) as a fault schedule (docs/fault-schedule.md)");
  auto* faults_option =
      run->add_option("--faults", run_args->faults_path,
                      "Take every link decision from this fault schedule instead of the seed: a packet it does not name is "
                      "delivered after exactly the latency (docs/fault-schedule.md)");
  // The determinism check reruns the scenario from its seed alone.
  faults_option->excludes("--check-determinism");
  run->callback([run_args]() { run_command(*run_args); });

  auto replay_path = std::make_shared<std::string>();
  CLI::App* replay = sim_command->add_subcommand("replay", "Re-run the scenario and seed recorded in a trace and check its digest");
  replay->add_option("trace", *replay_path, "Trace file written by `sim run --trace`")->required();
  replay->callback([replay_path]() { replay_command(*replay_path); });

  auto diff_a = std::make_shared<std::string>();
  auto diff_b = std::make_shared<std::string>();
  auto diff_context = std::make_shared<std::size_t>(3);
  CLI::App* diff = sim_command->add_subcommand("diff", "Show the first line where two traces differ (exit 1 if they do)");
  diff->add_option("a", *diff_a, "First trace")->required();
  diff->add_option("b", *diff_b, "Second trace")->required();
  diff->add_option("--context", *diff_context, "Equal lines to show before the difference");
  diff->callback([diff_a, diff_b, diff_context]() { diff_command(*diff_a, *diff_b, *diff_context); });
}
