#pragma once
// Exit codes and the one-line error report every subcommand uses.

#include <string>
#include <string_view>

namespace dclcomms::cli {

/// Process exit codes, one per class of outcome (scripts branch on them).
enum class ExitCode : int {
  ok = 0,
  failed = 1,            // the command ran and found a failure (invalid URI, failed check)
  bad_input = 2,         // bad arguments, unreadable or malformed input
  nondeterministic = 3,  // the same seed gave different results
  io_error = 4,          // a connection or file could not be used
};

/// Prints "dclcomms: <context>: <message>" on stderr as one line (newlines folded to spaces).
void report_error(std::string_view context, std::string_view message);

/// Reads the argument, or the whole of stdin when the argument is "-".
std::string argument_or_stdin(const std::string& argument);

}  // namespace dclcomms::cli
