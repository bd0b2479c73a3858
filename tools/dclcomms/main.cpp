// dclcomms: git-style command line. `dclcomms --help` lists the subcommands.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "cli_error.hpp"
#include "cmd_sim.hpp"
#include "commands.hpp"

int main(int argc, char** argv) {
  using dclcomms::cli::ExitCode;
  CLI::App app{"dclcomms: deterministic network simulator and conformance suite for Decentraland comms transports"};
  app.set_version_flag("--version", std::string("dclcomms ") + DCLCOMMS_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);

  ExitCode exit_code = ExitCode::ok;
  dclcomms::cli::register_uri_commands(app, exit_code);
  dclcomms::cli::register_packet_commands(app, exit_code);
  dclcomms::cli::register_connect_command(app, exit_code);
  dclcomms::cli::register_demo_command(app, exit_code);
  dclcomms::cli::register_ws_room_commands(app, exit_code);
  dclcomms::cli::register_livekit_commands(app, exit_code);
  dclcomms::cli::register_signed_login_commands(app, exit_code);
  dclcomms::cli::register_conformance_commands(app, exit_code);
  dclcomms::cli::register_driver_command(app, exit_code);
  register_sim_commands(app);
  dclcomms::cli::register_sim_bench_command(app, exit_code);
  dclcomms::cli::register_record_commands(app, exit_code);
  dclcomms::cli::register_sim_shrink_command(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a subcommand's own failure, already reported
  } catch (const CLI::ParseError& e) {
    // Usage errors: one readable line, exit 2 (CLI11's own codes differ between versions).
    dclcomms::cli::report_error("usage", std::string(e.what()) + " (see --help)");
    return static_cast<int>(ExitCode::bad_input);
  } catch (const std::exception& e) {
    dclcomms::cli::report_error("internal error", e.what());
    return 70;
  }
  return static_cast<int>(exit_code);
}
