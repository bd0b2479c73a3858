#pragma once
// Lines of stdin for a command whose work runs on an AsioRuntime (`connect`, `driver --real-time`).

#include <functional>
#include <string>

#include "dclcomms/carriers/asio_runtime.hpp"

namespace dclcomms::cli {

/// Reads stdin on a thread of its own (a blocking read) and hands each line to `on_line` on the
/// runtime's thread, then calls `on_end` there at end of input. The thread is detached: at exit it
/// may still be blocked in a read, so the command must leave with std::_Exit, not by joining it.
void read_stdin_lines(carriers::AsioRuntime& runtime, std::function<void(std::string line)> on_line, std::function<void()> on_end);

}  // namespace dclcomms::cli
