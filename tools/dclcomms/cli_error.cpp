#include "cli_error.hpp"

#include <iostream>
#include <iterator>
#include <string>

namespace dclcomms::cli {

void report_error(std::string_view context, std::string_view message) {
  std::string line = "dclcomms: ";
  line += context;
  line += ": ";
  for (const char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
  std::cerr << line << '\n';
}

std::string argument_or_stdin(const std::string& argument) {
  if (argument != "-") return argument;
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

}  // namespace dclcomms::cli
