// dclcomms driver --real-time: stdin lines into the real-time driver (conformance/driver), its
// lines onto stdout, until stdin closes or a termination signal comes.
#include <iostream>
#include <string>

#include "commands.hpp"
#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/driver/real_time_driver.hpp"
#include "stdin_lines.hpp"

namespace dclcomms::cli {

ExitCode run_real_time_driver() {
  carriers::AsioRuntime runtime;
  driver::RealTimeDriver serving(runtime, [](const driver::Json& line) {
    std::cout << line.dump(-1, ' ', false, driver::Json::error_handler_t::replace) << std::endl;
  });
  bool done = false;  // stdin closed or a termination signal: only touched on the runtime's thread
  // Each request is handled on the runtime's thread, which owns the transport and stdout.
  read_stdin_lines(
      runtime, [&serving](const std::string& line) { serving.handle_line(line); },
      [&runtime, &serving, &done] {
        done = true;  // the harness closed our stdin: leave the room and stop
        serving.stop();
        runtime.stop();
      });
  runtime.on_termination_signal([&runtime, &serving, &done](int) {
    done = true;
    serving.stop();
    runtime.stop();
  });
  while (!done) runtime.run_for(std::chrono::milliseconds(100));  // run() would return when idle
  std::cout.flush();
  std::_Exit(0);  // the stdin thread may be blocked in a read: do not join it
}

}  // namespace dclcomms::cli
