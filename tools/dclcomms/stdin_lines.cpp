#include "stdin_lines.hpp"

#include <iostream>
#include <thread>

namespace dclcomms::cli {

void read_stdin_lines(carriers::AsioRuntime& runtime, std::function<void(std::string line)> on_line, std::function<void()> on_end) {
  std::thread([&runtime, on_line = std::move(on_line), on_end = std::move(on_end)] {
    std::string line;
    while (std::getline(std::cin, line)) {
      runtime.post_from_any_thread([on_line, line] { on_line(line); });
    }
    runtime.post_from_any_thread(on_end);
  }).detach();
}

}  // namespace dclcomms::cli
