// dclcomms conformance run [--transport NAME]... [--driver CMD]... [--cases GLOB] [--seed N | --seeds A-B [--shard I/N]] [--report DIR]
// dclcomms conformance merge DIR... [--report DIR]
// dclcomms conformance list
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "commands.hpp"
#include "dclcomms/conformance/recorded_room.hpp"
#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/conformance/report.hpp"
#include "dclcomms/conformance/runner.hpp"
#include "dclcomms/conformance/sweep.hpp"
#include "dclcomms/sim/fault_schedule.hpp"

namespace dclcomms::cli {
namespace {

struct ConformanceOptions {
  std::vector<std::string> transports;
  std::vector<std::string> drivers;
  std::string cases = "*";
  std::uint64_t seed = 1;
  std::string seeds;        // "A-B": a sweep (sweep.hpp)
  std::string shard;        // "I/N": this machine's slice of the sweep
  bool list_pairs = false;  // print the sweep's (case, seed) pairs of this shard, run nothing
  std::string report_dir = "conformance-report";
  std::string faults_path;  // simulated cases take their link decisions from this schedule
  bool shrink = false;      // shrink each failing simulated case's fault schedule
  std::size_t shrink_replays = 500;
  double shrink_seconds = 120;     // per failing case
  std::string recorded_room_path;  // adds recorded.exact and recorded.weather (docs/recording.md)
};

// One shell word: single-quoted, each ' inside written as the four characters '\''.
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

// Writes each shrunk case's minimal schedule beside the reports and makes its reproduce command
// replay exactly that schedule.
bool save_shrunk_schedules(conformance::RunSummary& summary, const std::string& report_dir) {
  for (auto& r : summary.results) {
    if (!r.shrunk || !r.shrunk->reproduced) continue;
    const std::filesystem::path dir = std::filesystem::path(report_dir) / "faults";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    // A file name CI artifact stores accept: a driver's name carries ':' (dclcomms-driver:NAME).
    std::string name = summary.transport + "." + r.id;
    for (char& c : name) {
      const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
      if (!plain) c = '_';
    }
    const std::filesystem::path file = dir / (name + ".json");
    if (ec || !write_file(file, r.shrunk->minimal.to_json())) return false;
    r.reproduce += " --faults " + shell_quote(file.string());
    r.detail += "\n  schedule: " + file.string();
  }
  return true;
}

// One run's verdicts, a line per applicable case (failures with detail, clause and reproduce).
void print_run(const conformance::RunSummary& summary) {
  std::cout << "\n" << summary.transport << "\n";
  std::size_t not_applicable = 0;
  for (const auto& r : summary.results) {
    if (!r.applicable) {
      ++not_applicable;  // a type it does not declare: one count line below, not a line each
      continue;
    }
    std::cout << "  " << std::left << std::setw(17) << conformance::to_string(r.verdict) << std::setw(33)
              << conformance::level_label(r.level, r.capability) << r.id << (r.real_time ? "  [wire: real sockets, run once]" : "") << '\n';
    if (conformance::reports_a_problem(r.verdict)) {
      std::string detail = r.detail;  // multi-line details (a shrunk failure's faults) keep the indent
      for (std::size_t at = detail.find('\n'); at != std::string::npos; at = detail.find('\n', at + 7)) detail.insert(at + 1, "      ");
      std::cout << "      " << detail << "\n      clause: " << r.spec << "\n      reproduce: " << r.reproduce << '\n';
    }
  }
  if (not_applicable > 0) {
    std::cout << "  (" << not_applicable << (not_applicable == 1 ? " case" : " cases")
              << " of types it does not declare: not applicable)\n";
  }
  std::cout << "  => " << conformance::conformance_summary(summary) << '\n';
}

// Writes report.json, junit.xml and report.html, prints the summary line, and says how it ended.
ExitCode report_runs(const std::vector<conformance::RunSummary>& runs, const std::string& report_dir, const std::string& command) {
  std::filesystem::create_directories(report_dir);
  const std::filesystem::path dir(report_dir);
  if (!write_file(dir / "report.json", conformance::report_json(runs)) || !write_file(dir / "junit.xml", conformance::report_junit(runs)) ||
      !write_file(dir / "report.html", conformance::report_html(runs))) {
    report_error(command, "cannot write the reports to '" + report_dir + "'");
    return ExitCode::io_error;
  }
  std::size_t passed = 0, failed = 0, warnings = 0, unsupported = 0, not_applicable = 0;
  // The worst run decides the line: one transport NOT conformant makes the whole run so.
  auto overall = conformance::Conformance::conformant;
  for (const auto& run : runs) {
    overall = std::max(overall, run.conformance());
    for (const auto& r : run.results) {
      if (!r.applicable) {
        ++not_applicable;
      } else if (r.verdict == conformance::Verdict::pass) {
        ++passed;
      } else if (r.verdict == conformance::Verdict::fail || r.verdict == conformance::Verdict::nondeterministic) {
        ++failed;
      } else if (r.verdict == conformance::Verdict::non_strict) {
        ++warnings;
      } else {
        ++unsupported;
      }
    }
  }
  std::cout << "\nreports: " << (dir / "report.html").string() << ", " << (dir / "report.json").string() << ", "
            << (dir / "junit.xml").string() << '\n';
  std::cout << "conformance: " << conformance::to_string(overall) << " — " << passed << " passed, " << failed << " failed (MUST), "
            << warnings << " non-strict (SHOULD), " << unsupported << " unsupported, " << not_applicable << " not applicable\n";
  // Warnings (failed SHOULD cases) do not fail the run: only a MUST or a declared capability does.
  return overall == conformance::Conformance::not_conformant ? ExitCode::failed : ExitCode::ok;
}

ExitCode run(const ConformanceOptions& options) {
  std::vector<conformance::TransportUnderTest> transports;
  // No arguments: our reference transports in-process, and the same through the driver protocol
  // (this binary's `driver` command), so both ways in are proven on every run.
  const bool defaults = options.transports.empty() && options.drivers.empty();
  auto names = options.transports;
  if (defaults) {
    for (const auto& t : conformance::reference_transports()) names.push_back(t.name);
  }
  auto drivers = options.drivers;
  if (defaults) drivers.push_back(shell_quote(current_executable_path()) + " driver");
  for (const auto& name : names) {
    auto transport = conformance::find_transport(name);
    if (!transport) {
      report_error("conformance run", "unknown transport '" + name + "' (see `dclcomms conformance list`)");
      return ExitCode::bad_input;
    }
    transports.push_back(*transport);
  }
  std::map<std::size_t, std::string> driver_commands;  // transports index -> the --driver that made it
  for (const auto& command : drivers) {
    auto driver = conformance::find_driver(command);
    if (!driver) {
      report_error("conformance run", "--driver '" + command + "': " + driver.error().message);
      return ExitCode::bad_input;
    }
    driver_commands[transports.size()] = command;
    transports.push_back(std::move(driver).value());
  }
  const bool tty = isatty(STDERR_FILENO) == 1;
  std::optional<conformance::SweepOptions> sweep;
  if (!options.seeds.empty()) {
    auto range = conformance::parse_seed_range(options.seeds);
    auto shard = conformance::parse_shard(options.shard.empty() ? "1/1" : options.shard);
    if (!range || !shard) {
      report_error("conformance run", !range ? "--seeds: " + range.error().message : "--shard: " + shard.error().message);
      return ExitCode::bad_input;
    }
    sweep = conformance::SweepOptions{.seeds = *range, .shard = *shard, .cases_glob = options.cases};
    if (options.list_pairs) {
      // What this shard would run, one "case seed" line each: recipes check their shard arithmetic
      // against it (every pair in exactly one shard).
      for (const auto& [c, seed] : conformance::sweep_pairs(*sweep)) std::cout << c->id << ' ' << seed << '\n';
      return ExitCode::ok;
    }
    std::cout << "seeds=" << range->first << "-" << range->last << " shard=" << shard->index << "/" << shard->count << '\n';
  } else if (!options.shard.empty() || options.list_pairs) {
    report_error("conformance run",
                 std::string(options.list_pairs ? "--list-pairs lists" : "--shard slices") + " a sweep: give --seeds A-B too");
    return ExitCode::bad_input;
  } else {
    std::cout << "seed=" << options.seed << '\n';
  }
  std::optional<sim::FaultSchedule> replayed;
  if (!options.faults_path.empty()) {
    auto schedule = sim::FaultSchedule::load(options.faults_path);
    if (!schedule) {
      report_error("conformance run", schedule.error().message);
      return ExitCode::bad_input;
    }
    replayed = std::move(schedule).value();
  }
  std::vector<conformance::Case> recorded_cases;
  if (!options.recorded_room_path.empty()) {
    auto room = conformance::load_recorded_room(options.recorded_room_path);
    if (!room) {
      report_error("conformance run", room.error().message);
      return ExitCode::bad_input;
    }
    auto shared = std::make_shared<const conformance::RecordedRoom>(std::move(room).value());
    recorded_cases.push_back(conformance::recorded_room_case(shared, conformance::ReplayMode::exact));
    recorded_cases.push_back(conformance::recorded_room_case(shared, conformance::ReplayMode::weather));
    std::cout << "recorded_room=" << options.recorded_room_path << " (" << shared->peers.size() << " peers, " << shared->messages.size()
              << " packets)\n";
  }
  std::vector<conformance::RunSummary> runs;
  for (std::size_t index = 0; index < transports.size(); ++index) {
    const auto& transport = transports[index];
    std::string selector;
    if (const auto command = driver_commands.find(index); command != driver_commands.end()) {
      selector = "--driver " + shell_quote(command->second);  // a driver has no --transport name
    }
    if (sweep) {
      // A sweep is long: a progress line whether or not stderr is a terminal (CI logs keep it).
      sweep->transport_name = transport.name;
      sweep->reproduce_selector = selector;
      const auto start = std::chrono::steady_clock::now();
      std::size_t last_reported = 0;
      sweep->on_pair = [&](std::size_t done, std::size_t total, std::size_t failed) {
        const auto elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (done != total && done - last_reported < std::max<std::size_t>(1, total / 20) && !tty) return;  // 20 lines in a log
        last_reported = done;
        const double eta_s = done > 0 ? elapsed_s * static_cast<double>(total - done) / static_cast<double>(done) : 0;
        std::cerr << (tty ? "\r" : "") << "[" << done << "/" << total << " pairs] " << transport.name << ": " << failed << " failing, ETA "
                  << static_cast<long>(eta_s) << " s" << (tty ? "   " : "\n") << std::flush;
        if (tty && done == total) std::cerr << "\n";
      };
      runs.push_back(conformance::run_sweep(transport, *sweep));
    } else {
      conformance::RunOptions run_options{.seed = options.seed,
                                          .cases_glob = options.cases,
                                          .transport_name = transport.name,
                                          .reproduce_selector = selector,
                                          .on_case = {}};
      if (replayed) run_options.replay_faults = &*replayed;
      run_options.extra_cases = recorded_cases;
      if (!options.recorded_room_path.empty()) run_options.reproduce_suffix = " --recorded-room " + shell_quote(options.recorded_room_path);
      run_options.shrink = options.shrink;
      run_options.shrink_options.replays_max = options.shrink_replays;
      std::chrono::steady_clock::time_point shrink_started{};
      std::string shrinking_case;
      run_options.shrink_options.time_left = [&] {
        return std::chrono::steady_clock::now() - shrink_started < std::chrono::duration<double>(options.shrink_seconds);
      };
      run_options.on_shrink = [&](const std::string& case_id, std::size_t replays, std::size_t decisions) {
        if (case_id != shrinking_case) {
          shrinking_case = case_id;
          shrink_started = std::chrono::steady_clock::now();
        }
        // A progress line per replay on a terminal, every 25 replays in a log.
        if (!tty && replays % 25 != 1) return;
        std::cerr << (tty ? "\r" : "") << "shrinking " << case_id << ": " << decisions << " fault decisions left after " << replays
                  << " replays" << (tty ? "   " : "\n") << std::flush;
      };
      run_options.on_case = [&](const conformance::CaseResult& r, std::size_t done, std::size_t total) {
        if (tty) {
          std::cerr << "\r[" << done << "/" << total << "] " << transport.name << " " << std::left << std::setw(60) << r.id << std::flush;
          if (done == total) std::cerr << "\r" << std::string(80, ' ') << "\r";
        }
      };
      runs.push_back(conformance::run_catalogue(transport, run_options));
      if (tty && !shrinking_case.empty()) std::cerr << "\n";
      if (!save_shrunk_schedules(runs.back(), options.report_dir)) {
        report_error("conformance run", "cannot write the shrunk fault schedules under '" + options.report_dir + "'");
        return ExitCode::io_error;
      }
    }
    const auto& summary = runs.back();
    if (summary.results.empty()) {
      report_error("conformance run", "no case matches '" + options.cases + "'");
      return ExitCode::bad_input;
    }
    print_run(summary);
  }
  return report_runs(runs, options.report_dir, "conformance run");
}

// The shards of sweeps (each DIR a `conformance run --seeds … --shard I/N` report) as one report.
ExitCode merge(const std::vector<std::string>& dirs, const std::string& report_dir) {
  std::vector<std::string> order;  // transports, as first met
  std::map<std::string, std::vector<conformance::RunSummary>> shards_of;
  for (const auto& dir : dirs) {
    const auto path = std::filesystem::path(dir) / "report.json";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      report_error("conformance merge", "cannot read " + path.string());
      return ExitCode::io_error;
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto runs = conformance::read_report_json(text);
    if (!runs) {
      report_error("conformance merge", path.string() + ": " + runs.error().message);
      return ExitCode::bad_input;
    }
    for (auto& run : *runs) {
      if (!shards_of.contains(run.transport)) order.push_back(run.transport);
      shards_of[run.transport].push_back(std::move(run));
    }
  }
  std::vector<conformance::RunSummary> merged;
  for (const auto& transport : order) {
    auto one = conformance::merge_sweeps(shards_of.at(transport));
    if (!one) {
      report_error("conformance merge", one.error().message);
      return ExitCode::bad_input;
    }
    merged.push_back(std::move(one).value());
    print_run(merged.back());
  }
  return report_runs(merged, report_dir, "conformance merge");
}

ExitCode list() {
  std::cout << "cases (level, id, what it proves, then the clause of comms-transports.md it checks):\n";
  for (const auto& c : conformance::case_catalogue()) {
    std::cout << "  " << std::left << std::setw(33) << conformance::level_label(c.level, c.capability) << std::setw(58) << c.id
              << (c.real_time ? "[wire] " : "") << c.proves << "\n  " << std::string(33, ' ') << "clause: " << c.spec << '\n';
  }
  std::cout << "\nreference transports:\n";
  for (const auto& t : conformance::reference_transports()) std::cout << "  " << t.name << '\n';
  std::cout << "\nmutants (each must FAIL the named case):\n";
  for (const auto& m : conformance::mutants()) {
    std::cout << "  " << std::left << std::setw(40) << m.transport.name << std::setw(50) << m.caught_by << m.flaw << '\n';
  }
  return ExitCode::ok;
}

}  // namespace

void register_conformance_commands(CLI::App& app, ExitCode& exit_code) {
  auto* conformance = app.add_subcommand("conformance", "Run the conformance suite against transports and write reports");
  conformance->require_subcommand(1);
  auto options = std::make_shared<ConformanceOptions>();
  auto* run_cmd = conformance->add_subcommand(
      "run",
      "Run the case catalogue (each simulated case twice with the seed: differing runs are NONDETERMINISTIC; wire.* "
      "cases run once, in real time, on loopback sockets through a fault proxy). Verdicts PASS / FAIL "
      "/ NON-STRICT / UNSUPPORTED / NONDETERMINISTIC; exit 0 unless a MUST case (or a case of a declared capability) failed: "
      "failed SHOULD cases only make the run 'conformant with warnings'. Writes report.html, "
      "report.json and junit.xml");
  run_cmd->add_option("--transport", options->transports,
                      "Transport(s) to test (default, with no --driver either: ws-room in-process and through `dclcomms driver`; "
                      "see `conformance list`)");
  run_cmd->add_option("--driver", options->drivers,
                      "An out-of-process transport: the command that starts its driver (docs/driver-protocol.md)");
  run_cmd->add_option("--cases", options->cases, "Glob over case ids, e.g. 'wsroom.pack.*'")->capture_default_str();
  run_cmd->add_option("--seed", options->seed, "Seed of every simulated world and generated packet")->capture_default_str();
  run_cmd
      ->add_option("--seeds", options->seeds,
                   "A sweep: every simulated case once per seed of the range A-B (wire cases once); per case the report gives "
                   "the seeds run, the seeds that failed and the first failing seed's reproduce command")
      ->excludes("--seed");
  run_cmd->add_option("--shard", options->shard,
                      "With --seeds: run only shard I of N of the (case, seed) pairs (pair k goes to shard k mod N + 1); merge the "
                      "shards' reports with `conformance merge`");
  run_cmd->add_flag("--list-pairs", options->list_pairs,
                    "With --seeds: print the (case, seed) pairs this shard would run, one 'case seed' line each, and run nothing");
  run_cmd->add_option("--report", options->report_dir, "Folder for the reports")->capture_default_str();
  auto* faults = run_cmd->add_option("--faults", options->faults_path,
                                     "Simulated cases take every link decision from this fault schedule (docs/fault-schedule.md): "
                                     "what a shrunk failure's reproduce command replays");
  auto* shrink = run_cmd->add_flag("--shrink", options->shrink,
                                   "Shrink each failing simulated case's network faults to the fewest, weakest decisions that still "
                                   "fail it the same way; writes the minimal schedule under REPORT/faults/ and a reproduce command "
                                   "that replays it");
  run_cmd->add_option("--shrink-replays", options->shrink_replays, "Budget: replays per failing case")->capture_default_str();
  run_cmd
      ->add_option("--shrink-seconds", options->shrink_seconds,
                   "Budget: wall seconds per failing case (the best schedule so "
                   "far is kept)")
      ->capture_default_str();
  auto* recorded = run_cmd->add_option("--recorded-room", options->recorded_room_path,
                                       "Also replay this recorded room (`dclcomms sim import`): cases recorded.exact and recorded.weather "
                                       "(docs/recording.md)");
  recorded->excludes("--seeds");
  faults->excludes("--seeds");
  shrink->excludes("--seeds");
  run_cmd->callback([options, &exit_code] { exit_code = run(*options); });
  auto* merge_cmd = conformance->add_subcommand(
      "merge",
      "Merge the reports of a sweep's shards (each a --report DIR of `conformance run --seeds A-B --shard I/N`) into one: "
      "per case the seeds run, the seeds that failed and the first failing seed, as if it had run unsharded");
  auto merge_dirs = std::make_shared<std::vector<std::string>>();
  auto merge_report = std::make_shared<std::string>("conformance-report");
  merge_cmd->add_option("dirs", *merge_dirs, "The shards' report folders")->required();
  merge_cmd->add_option("--report", *merge_report, "Folder for the merged reports")->capture_default_str();
  merge_cmd->callback([merge_dirs, merge_report, &exit_code] { exit_code = merge(*merge_dirs, *merge_report); });
  conformance->add_subcommand("list", "List cases, reference transports and mutants")->callback([&exit_code] { exit_code = list(); });
}

void register_sim_shrink_command(CLI::App& app, ExitCode& exit_code) {
  // A recorded room is the scenario with a checked property (its peers' packets, delivered right):
  // `sim shrink` is `conformance run --recorded-room ROOM --cases 'recorded.*' --shrink`.
  CLI::App* sim = app.get_subcommand("sim");
  auto options = std::make_shared<ConformanceOptions>();
  options->cases = "recorded.*";
  options->shrink = true;
  options->report_dir = "shrink-report";
  auto* shrink_cmd = sim->add_subcommand(
      "shrink",
      "Replay a recorded room (`sim import`) against a transport, exactly and under its fitted weather; a failure's fault "
      "schedule is shrunk to the fewest, weakest faults that still fail it the same way (docs/fault-schedule.md)");
  shrink_cmd->add_option("room", options->recorded_room_path, "Recorded room file")->required();
  shrink_cmd->add_option("--transport", options->transports,
                         "A reference transport or mutant (see `conformance list`; default, with no --driver either: ws-room in-process "
                         "and through `dclcomms driver`)");
  shrink_cmd->add_option("--driver", options->drivers, "A driver command (docs/driver-protocol.md)");
  shrink_cmd->add_option("--seed", options->seed, "Seed of the simulated world")->capture_default_str();
  shrink_cmd->add_option("--report", options->report_dir, "Folder for the reports and the shrunk schedules")->capture_default_str();
  shrink_cmd->add_option("--shrink-replays", options->shrink_replays, "Budget: replays per failing case")->capture_default_str();
  shrink_cmd->add_option("--shrink-seconds", options->shrink_seconds, "Budget: wall seconds per failing case")->capture_default_str();
  shrink_cmd->callback([options, &exit_code] { exit_code = run(*options); });
}

}  // namespace dclcomms::cli
