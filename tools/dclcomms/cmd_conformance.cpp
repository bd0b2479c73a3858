// dclcomms conformance run [--transport NAME]... [--cases GLOB] [--seed N] [--report DIR]
// dclcomms conformance list
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "commands.hpp"
#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/conformance/report.hpp"
#include "dclcomms/conformance/runner.hpp"

namespace dclcomms::cli {
namespace {

struct ConformanceOptions {
  std::vector<std::string> transports;
  std::vector<std::string> drivers;
  std::string cases = "*";
  std::uint64_t seed = 1;
  std::string report_dir = "conformance-report";
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
      report_error("conformance run", "--driver '" + command + "': " + driver.error());
      return ExitCode::bad_input;
    }
    driver_commands[transports.size()] = command;
    transports.push_back(std::move(driver).value());
  }
  const bool tty = isatty(STDERR_FILENO) == 1;
  std::vector<conformance::RunSummary> runs;
  std::cout << "seed=" << options.seed << '\n';
  for (std::size_t index = 0; index < transports.size(); ++index) {
    const auto& transport = transports[index];
    conformance::RunOptions run_options{.seed = options.seed, .cases_glob = options.cases, .transport_name = transport.name};
    if (const auto command = driver_commands.find(index); command != driver_commands.end()) {
      run_options.reproduce_selector = "--driver " + shell_quote(command->second);  // a driver has no --transport name
    }
    run_options.on_case = [&](const conformance::CaseResult& r, std::size_t done, std::size_t total) {
      if (tty) {
        std::cerr << "\r[" << done << "/" << total << "] " << transport.name << " " << std::left << std::setw(60) << r.id << std::flush;
        if (done == total) std::cerr << "\r" << std::string(80, ' ') << "\r";
      }
    };
    runs.push_back(conformance::run_catalogue(transport, run_options));
    const auto& summary = runs.back();
    if (summary.results.empty()) {
      report_error("conformance run", "no case matches '" + options.cases + "'");
      return ExitCode::bad_input;
    }
    std::cout << "\n" << transport.name << "\n";
    std::size_t not_applicable = 0;
    for (const auto& r : summary.results) {
      if (!r.applicable) {
        ++not_applicable;  // a type it does not declare: one count line below, not a line each
        continue;
      }
      std::cout << "  " << std::left << std::setw(17) << conformance::to_string(r.verdict) << std::setw(33)
                << conformance::level_label(r.level, r.capability) << r.id << (r.real_time ? "  [wire: real sockets, run once]" : "") << '\n';
      if (r.verdict == conformance::Verdict::fail || r.verdict == conformance::Verdict::nondeterministic ||
          r.verdict == conformance::Verdict::non_strict) {
        std::cout << "      " << r.detail << "\n      clause: " << r.spec << "\n      reproduce: " << r.reproduce << '\n';
      }
    }
    if (not_applicable > 0) {
      std::cout << "  (" << not_applicable << (not_applicable == 1 ? " case" : " cases") << " of types it does not declare: not applicable)\n";
    }
    std::cout << "  => " << conformance::conformance_summary(summary) << '\n';
  }
  std::filesystem::create_directories(options.report_dir);
  const std::filesystem::path dir(options.report_dir);
  if (!write_file(dir / "report.json", conformance::report_json(runs)) ||
      !write_file(dir / "junit.xml", conformance::report_junit(runs)) ||
      !write_file(dir / "report.html", conformance::report_html(runs))) {
    report_error("conformance run", "cannot write the reports to '" + options.report_dir + "'");
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
  std::cout << "conformance: " << conformance::to_string(overall) << " — " << passed << " passed, " << failed << " failed (MUST), " << warnings
            << " non-strict (SHOULD), " << unsupported << " unsupported, " << not_applicable << " not applicable\n";
  // Warnings (failed SHOULD cases) do not fail the run: only a MUST or a declared capability does.
  return overall == conformance::Conformance::not_conformant ? ExitCode::failed : ExitCode::ok;
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
  run_cmd->add_option("--report", options->report_dir, "Folder for the reports")->capture_default_str();
  run_cmd->callback([options, &exit_code] { exit_code = run(*options); });
  conformance->add_subcommand("list", "List cases, reference transports and mutants")->callback([&exit_code] { exit_code = list(); });
}

}  // namespace dclcomms::cli
