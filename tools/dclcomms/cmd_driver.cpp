// dclcomms driver: parses its arguments and carries JSON lines between stdin/stdout and the driver
// (conformance/driver: the virtual-time serving side, docs/driver-protocol.md); --real-time is in
// cmd_driver_real_time.cpp.
#include <iostream>
#include <optional>
#include <string>

#include "commands.hpp"
#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/driver/virtual_time_driver.hpp"

namespace dclcomms::cli {
namespace {

ExitCode run_driver(const std::string& protocol, const std::string& transport_name) {
  std::optional<conformance::TransportUnderTest> served;
  if (!transport_name.empty()) {
    served = conformance::find_transport(transport_name);
    if (!served) {
      report_error("driver", "unknown transport '" + transport_name + "' (see `dclcomms conformance list`)");
      return ExitCode::bad_input;
    }
  }
  driver::VirtualTimeDriver serving(protocol, std::move(served));
  std::string line;
  while (std::getline(std::cin, line)) std::cout << serving.handle_line(line) << std::endl;
  return ExitCode::ok;
}

}  // namespace

void register_driver_command(CLI::App& app, ExitCode& exit_code) {
  auto* command = app.add_subcommand("driver",
                                     "Serve our reference transports (ws-room, signed-login, livekit, simulator, offline) over the "
                                     "conformance driver protocol (JSON lines on stdin/stdout; see docs/driver-protocol.md)");
  static bool real_time = false;
  command->add_flag("--real-time", real_time,
                    "Real-time mode (virtual_time: false): the transports open their own sockets and report events as they "
                    "happen; livekit is not served (no WebRTC engine)");
  static std::string protocol = "1.1";
  command
      ->add_option("--protocol", protocol,
                   "The highest driver-protocol version to speak: 1.1 (default; several calls in one request) or 1.0 (plays an "
                   "older driver, for testing the harness's fallback)")
      ->check(CLI::IsMember({"1.0", "1.1"}));
  static std::string transport_name;
  command
      ->add_option("--transport", transport_name,
                   "Serve this one transport of the suite (a reference transport or a mutant, see `dclcomms conformance list`) "
                   "instead of every reference type (ws-room, livekit, signed-login, offline, simulator): its verdicts through the "
                   "protocol can then be set beside its in-process ones")
      ->excludes("--real-time");
  command->callback([&exit_code] { exit_code = real_time ? run_real_time_driver() : run_driver(protocol, transport_name); });
}

}  // namespace dclcomms::cli
