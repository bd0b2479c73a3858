#pragma once
// Trace files (JSON Lines, docs/trace-format.md): a header line naming the format, seed and the
// scenario (so `sim replay` can re-run it), one line per event, and a footer line with the event
// count, end time and digest. Also the comparison behind `sim diff`.

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "dclcomms/core/result.hpp"
#include "dclcomms/sim/scenario.hpp"
#include "dclcomms/sim/scenario_runner.hpp"
#include "dclcomms/sim/trace.hpp"

namespace dclcomms::sim {

inline constexpr std::string_view trace_format_name = "dclcomms-sim-trace";
inline constexpr int trace_format_version = 2;  // 2: the digest is over the events' fields, not their lines

std::string trace_header_line(const Scenario& scenario, std::uint64_t seed);
std::string trace_footer_line(const RunResult& result);

struct TraceHeader {
  std::uint64_t seed = 0;
  std::string scenario_json;
};
struct TraceFooter {
  std::uint64_t events = 0;
  std::int64_t end_ns = 0;
  std::uint64_t digest = 0;
};

enum class TraceFileErrorCode : std::uint8_t { io, bad_header, bad_footer, bad_scenario, bad_event };
using TraceFileError = core::Error<TraceFileErrorCode>;

core::Result<TraceHeader, TraceFileError> parse_trace_header(std::string_view line);
core::Result<TraceFooter, TraceFileError> parse_trace_footer(std::string_view line);

/// One event line read back: its seq and its fields (the strings owned here; `event` views them).
struct ParsedTraceEvent {
  std::uint64_t seq = 0;
  std::string from;
  std::string to;
  std::string detail;
  TraceEvent event;  // from/to/detail point into the strings above: do not copy a ParsedTraceEvent
};
/// Reads an event line's columns (all nine, with their types); the result feeds TraceDigest.
core::Result<core::Ok, TraceFileError> parse_trace_event(std::string_view line, ParsedTraceEvent& out);

/// A whole trace file read back: header, footer and the event lines between them.
struct TraceFile {
  TraceHeader header;
  std::optional<TraceFooter> footer;  // absent if the run was cut short
  std::uint64_t event_lines = 0;
  std::uint64_t digest = 0;  // recomputed from the event lines' fields
};
core::Result<TraceFile, TraceFileError> read_trace_file(std::istream& in, std::string_view origin);

/// Writes lines to a stream, one per line.
class StreamTraceSink final : public TraceSink {
 public:
  explicit StreamTraceSink(std::ostream& out) : out_(out) {}
  void write_line(std::string_view line) override {
    out_.write(line.data(), static_cast<std::streamsize>(line.size()));
    out_.put('\n');
  }

 private:
  std::ostream& out_;
};

/// Keeps lines in memory (tests, golden files).
class MemoryTraceSink final : public TraceSink {
 public:
  void write_line(std::string_view line) override { lines.emplace_back(line); }
  std::vector<std::string> lines;
};

/// The first place two traces differ. `line_number` is 1-based over the whole file; context holds
/// up to `context_lines` equal lines before it.
struct TraceDifference {
  std::uint64_t line_number = 0;
  std::vector<std::string> context;
  std::optional<std::string> line_a;  // nullopt: A ended here
  std::optional<std::string> line_b;
};

/// nullopt when the two streams are equal line for line.
std::optional<TraceDifference> first_difference(std::istream& a, std::istream& b, std::size_t context_lines = 3);

}  // namespace dclcomms::sim
