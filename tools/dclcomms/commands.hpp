#pragma once
// Each subcommand family registers itself on the app and stores its outcome in `exit_code`.

#include <CLI/CLI.hpp>

#include "cli_error.hpp"

namespace dclcomms::cli {

void register_uri_commands(CLI::App& app, ExitCode& exit_code);
void register_packet_commands(CLI::App& app, ExitCode& exit_code);
void register_packet_bench_command(CLI::App& packet, ExitCode& exit_code);
void register_connect_command(CLI::App& app, ExitCode& exit_code);
void register_demo_command(CLI::App& app, ExitCode& exit_code);
void register_ws_room_commands(CLI::App& app, ExitCode& exit_code);
/// `livekit serve` (cmd_livekit.cpp).
void register_livekit_commands(CLI::App& app, ExitCode& exit_code);
void register_ws_room_bench_command(CLI::App& ws_room, ExitCode& exit_code);
void register_signed_login_commands(CLI::App& app, ExitCode& exit_code);
void register_conformance_commands(CLI::App& app, ExitCode& exit_code);
void register_driver_command(CLI::App& app, ExitCode& exit_code);
/// `record`, and `sim import` under the `sim` command (register after it).
void register_record_commands(CLI::App& app, ExitCode& exit_code);
/// `sim shrink` (cmd_conformance.cpp), under the `sim` command.
void register_sim_shrink_command(CLI::App& app, ExitCode& exit_code);
/// `dclcomms driver --real-time` (cmd_driver_real_time.cpp).
ExitCode run_real_time_driver();
/// `sim bench`, under the `sim` command registered by cmd_sim.cpp.
void register_sim_bench_command(CLI::App& app, ExitCode& exit_code);

}  // namespace dclcomms::cli
