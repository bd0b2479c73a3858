#include "dclcomms/sim/trace_file.hpp"

#include <deque>
#include <optional>

#include <nlohmann/json.hpp>

namespace dclcomms::sim {

using json = nlohmann::json;

std::string trace_header_line(const Scenario& scenario, std::uint64_t seed) {
  // Written by hand so that the key order is fixed; the scenario is already canonical JSON.
  std::string line = "{\"format\":";
  append_json_string(line, trace_format_name);
  line += ",\"version\":" + std::to_string(trace_format_version);
  line += ",\"seed\":" + std::to_string(seed);
  line += ",\"scenario\":" + scenario.canonical_json + "}";
  return line;
}

std::string trace_footer_line(const RunResult& result) {
  return "{\"end\":{\"events\":" + std::to_string(result.events) + ",\"t_ns\":" + std::to_string(core::to_ns(result.end)) +
         ",\"digest\":\"" + format_digest(result.digest) + "\"}}";
}

core::Result<TraceHeader, TraceFileError> parse_trace_header(std::string_view line) {
  const json header = json::parse(line, nullptr, false);
  if (header.is_discarded() || !header.is_object() || header.value("format", "") != trace_format_name) {
    return core::fail(TraceFileErrorCode::bad_header, "first line is not a dclcomms-sim-trace header");
  }
  if (header.value("version", 0) != trace_format_version) {
    return core::fail(TraceFileErrorCode::bad_header, "trace format version " + header.value("version", json()).dump() +
                                                          " is not supported (this build reads " + std::to_string(trace_format_version) +
                                                          ")");
  }
  if (!header.contains("seed") || !header["seed"].is_number_unsigned() || !header.contains("scenario") || !header["scenario"].is_object()) {
    return core::fail(TraceFileErrorCode::bad_header, "header lacks seed or scenario");
  }
  return TraceHeader{header["seed"].get<std::uint64_t>(), header["scenario"].dump()};
}

core::Result<TraceFooter, TraceFileError> parse_trace_footer(std::string_view line) {
  const json footer = json::parse(line, nullptr, false);
  if (footer.is_discarded() || !footer.is_object() || !footer.contains("end") || !footer["end"].is_object()) {
    return core::fail(TraceFileErrorCode::bad_footer, "not a footer line");
  }
  const json& end = footer["end"];
  if (!end.contains("events") || !end.contains("t_ns") || !end.contains("digest") || !end["digest"].is_string() ||
      end["digest"].get<std::string>().size() != 16) {
    return core::fail(TraceFileErrorCode::bad_footer, "footer lacks events, t_ns or digest");
  }
  TraceFooter result;
  result.events = end["events"].get<std::uint64_t>();
  result.end_ns = end["t_ns"].get<std::int64_t>();
  result.digest = std::stoull(end["digest"].get<std::string>(), nullptr, 16);
  return result;
}

core::Result<core::Ok, TraceFileError> parse_trace_event(std::string_view line, ParsedTraceEvent& out) {
  const json parsed = json::parse(line, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return core::fail(TraceFileErrorCode::bad_event, "not a JSON object");
  const auto unsigned_column = [&](const char* key) -> std::optional<std::uint64_t> {
    const auto found = parsed.find(key);
    if (found == parsed.end() || !found->is_number_unsigned()) return std::nullopt;
    return found->get<std::uint64_t>();
  };
  const auto string_column = [&](const char* key) -> const std::string* {
    const auto found = parsed.find(key);
    return found == parsed.end() || !found->is_string() ? nullptr : found->get_ptr<const std::string*>();
  };
  const auto seq = unsigned_column("seq");
  const auto id = unsigned_column("id");
  const auto bytes = unsigned_column("bytes");
  const auto t_ns = parsed.find("t_ns");
  const std::string* kind = string_column("kind");
  const std::string* carrier = string_column("carrier");
  const std::string* from = string_column("from");
  const std::string* to = string_column("to");
  const std::string* detail = string_column("detail");
  if (!seq || !id || !bytes || t_ns == parsed.end() || !t_ns->is_number_integer() || !kind || !carrier || !from || !to || !detail) {
    return core::fail(TraceFileErrorCode::bad_event, "an event line needs seq, t_ns, kind, carrier, from, to, id, bytes and detail");
  }
  const auto kind_code = trace_kind_from_string(*kind);
  const auto carrier_code = carrier_from_string(*carrier);
  if (!kind_code || !carrier_code) return core::fail(TraceFileErrorCode::bad_event, "unknown kind or carrier");
  out.seq = *seq;
  out.from = *from;
  out.to = *to;
  out.detail = *detail;
  out.event =
      TraceEvent{core::time_point_from_ns(t_ns->get<std::int64_t>()), *kind_code, *carrier_code, out.from, out.to, *id, *bytes, out.detail};
  return core::Ok{};
}

core::Result<TraceFile, TraceFileError> read_trace_file(std::istream& in, std::string_view origin) {
  std::string line;
  if (!std::getline(in, line)) {
    return core::fail(TraceFileErrorCode::io, std::string(origin) + ": empty or unreadable");
  }
  auto header = parse_trace_header(line);
  if (!header) return core::fail(header.error().code, std::string(origin) + ":1: " + header.error().message);
  TraceFile file;
  file.header = *header;
  TraceDigest digest;
  ParsedTraceEvent event;
  std::uint64_t line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.rfind("{\"end\":", 0) == 0) {
      auto footer = parse_trace_footer(line);
      if (!footer) {
        return core::fail(footer.error().code, std::string(origin) + ":" + std::to_string(line_number) + ": " + footer.error().message);
      }
      file.footer = *footer;
      break;
    }
    const auto where = [&] { return std::string(origin) + ":" + std::to_string(line_number) + ": "; };
    if (auto parsed = parse_trace_event(line, event); !parsed) return core::fail(parsed.error().code, where() + parsed.error().message);
    if (event.seq != file.event_lines) {
      return core::fail(TraceFileErrorCode::bad_event,
                        where() + "seq " + std::to_string(event.seq) + " where " + std::to_string(file.event_lines) + " was due");
    }
    digest.add_event(event.seq, event.event);
    ++file.event_lines;
  }
  file.digest = digest.value();
  return file;
}

std::optional<TraceDifference> first_difference(std::istream& a, std::istream& b, std::size_t context_lines) {
  std::deque<std::string> context;
  std::uint64_t line_number = 0;
  while (true) {
    std::string line_a;
    std::string line_b;
    const bool has_a = static_cast<bool>(std::getline(a, line_a));
    const bool has_b = static_cast<bool>(std::getline(b, line_b));
    ++line_number;
    if (!has_a && !has_b) return std::nullopt;
    if (has_a && has_b && line_a == line_b) {
      context.push_back(std::move(line_a));
      if (context.size() > context_lines) context.pop_front();
      continue;
    }
    TraceDifference difference;
    difference.line_number = line_number;
    difference.context.assign(context.begin(), context.end());
    if (has_a) difference.line_a = line_a;
    if (has_b) difference.line_b = line_b;
    return difference;
  }
}

}  // namespace dclcomms::sim
