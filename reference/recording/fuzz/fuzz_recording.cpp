// libFuzzer target for the recording reader (docs/recording.md). Built only with -DDCLCOMMS_FUZZ=ON
// and clang; seeds in fixtures/fuzz/recording/.
//
//   fuzz_recording -max_len=20000 fixtures/fuzz/recording
//
// Invariants (a violation aborts, which libFuzzer reports with the input):
//   * err => the message is non-empty and starts with the origin and a line number;
//   * ok  => writing the recording out and reading it back gives the same lines (nothing accepted
//            that the writer cannot express), and times never go back.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dclcomms/recording/recording.hpp"

namespace {

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

std::string write(const dclcomms::recording::Recording& recording) {
  std::string text = dclcomms::recording::header_line(recording.header) + "\n";
  for (const auto& event : recording.events) text += dclcomms::recording::event_line(event) + "\n";
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = dclcomms::recording::parse_recording(text, "in");
  if (!parsed) {
    const std::string& message = parsed.error().message;
    require(message.rfind("in:", 0) == 0 && message.size() > 4, "an error names the origin and the line");
    return 0;
  }
  for (std::size_t i = 1; i < parsed->events.size(); ++i) require(parsed->events[i].time_ns >= parsed->events[i - 1].time_ns, "ordered");
  const std::string written = write(*parsed);
  auto again = dclcomms::recording::parse_recording(written, "again");
  require(static_cast<bool>(again), "what was read is written readably");
  require(write(*again) == written, "written, read and written again: the same");
  return 0;
}
