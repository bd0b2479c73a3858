// The recording format (docs/recording.md): writing lines and reading them back with errors that
// name the file, the line and what was wrong.
#include "dclcomms/recording/recording.hpp"

#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "dclcomms/core/hex.hpp"

namespace dclcomms::recording {

using nlohmann::json;

std::string_view to_string(Direction direction) { return direction == Direction::client_to_server ? "c2s" : "s2c"; }

std::string_view to_string(RecordedKind kind) {
  switch (kind) {
    case RecordedKind::open: return "open";
    case RecordedKind::frame: return "frame";
    case RecordedKind::close: return "close";
  }
  return "?";
}

std::string_view to_string(RecordingErrorCode code) {
  switch (code) {
    case RecordingErrorCode::io: return "io";
    case RecordingErrorCode::not_json: return "not_json";
    case RecordingErrorCode::bad_header: return "bad_header";
    case RecordingErrorCode::bad_event: return "bad_event";
    case RecordingErrorCode::bad_order: return "bad_order";
  }
  return "?";
}

std::string header_line(const RecordingHeader& header) {
  // Key order is fixed by hand (ordered_json) so that files diff well.
  nlohmann::ordered_json line;
  line["recording"] = "dclcomms";
  line["version"] = header.version;
  line["upstream"] = header.upstream;
  line["listen"] = header.listen;
  return line.dump();
}

std::string event_line(const RecordedEvent& event) {
  nlohmann::ordered_json line;
  line["t_ns"] = event.time_ns;
  line["conn"] = event.connection;
  line["kind"] = to_string(event.kind);
  switch (event.kind) {
    case RecordedKind::open:
      line["target"] = event.target;
      line["subprotocol"] = event.subprotocol;
      line["upstream_open_ns"] = event.upstream_open_ns;
      break;
    case RecordedKind::frame:
      line["dir"] = to_string(event.direction);
      line["bytes"] = event.frame.size();
      line["hex"] = core::to_hex(event.frame);
      break;
    case RecordedKind::close:
      line["dir"] = to_string(event.direction);
      line["reason"] = event.reason;
      break;
  }
  return line.dump();
}

namespace {

// Reads one line's keys, remembering the first problem as "key: what".
class LineReader {
 public:
  explicit LineReader(const json& object) : object_(object) {}

  const json* get(const char* key, json::value_t type, const char* type_name) {
    seen_.insert(key);
    const auto it = object_.find(key);
    if (it == object_.end()) {
      note(std::string("missing key \"") + key + "\"");
      return nullptr;
    }
    const bool number_ok = type == json::value_t::number_integer &&
                           (it->type() == json::value_t::number_unsigned || it->type() == json::value_t::number_integer);
    if (!number_ok && it->type() != type) {
      note(std::string("\"") + key + "\" must be " + type_name + ", got " + it->dump());
      return nullptr;
    }
    return &*it;
  }
  std::int64_t integer(const char* key, std::int64_t min) {
    const json* value = get(key, json::value_t::number_integer, "an integer");
    if (!value) return 0;
    if (value->is_number_unsigned() && value->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      note(std::string("\"") + key + "\" is out of range");
      return 0;
    }
    const auto number = value->get<std::int64_t>();
    if (number < min) note(std::string("\"") + key + "\" must be >= " + std::to_string(min) + ", got " + std::to_string(number));
    return number;
  }
  std::string text(const char* key) {
    const json* value = get(key, json::value_t::string, "a string");
    return value ? value->get<std::string>() : std::string();
  }
  void no_other_keys() {
    for (const auto& [key, value] : object_.items()) {
      if (!seen_.contains(key)) note("unknown key \"" + key + "\"");
    }
  }
  void note(std::string problem) {
    if (problem_.empty()) problem_ = std::move(problem);
  }
  const std::string& problem() const { return problem_; }

 private:
  const json& object_;
  std::set<std::string> seen_;
  std::string problem_;
};

}  // namespace

core::Result<Recording, RecordingError> parse_recording(std::string_view text, std::string_view origin) {
  Recording recording;
  std::size_t line_number = 0;
  const auto error = [&](RecordingErrorCode code, const std::string& what) {
    return core::fail(code, std::string(origin) + ":" + std::to_string(line_number) + ": " + what);
  };
  enum class State { open, closed_by_one, closed };
  std::map<std::uint64_t, State> connections;
  std::map<std::uint64_t, std::set<Direction>> closes;
  std::int64_t last_time_ns = 0;
  bool header_read = false;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    json object = json::parse(line, nullptr, false);
    if (object.is_discarded() || !object.is_object()) return error(RecordingErrorCode::not_json, "not a JSON object");
    LineReader reader(object);
    if (!header_read) {
      if (reader.text("recording") != "dclcomms") {
        return error(RecordingErrorCode::bad_header, "the first line must be the header {\"recording\":\"dclcomms\",\"version\":1,...}");
      }
      recording.header.version = static_cast<int>(reader.integer("version", 1));
      recording.header.upstream = reader.text("upstream");
      recording.header.listen = reader.text("listen");
      reader.no_other_keys();
      if (!reader.problem().empty()) return error(RecordingErrorCode::bad_header, reader.problem());
      if (recording.header.version != recording_format_version) {
        return error(RecordingErrorCode::bad_header, "version " + std::to_string(recording.header.version) +
                                                         " is not one this build reads (" + std::to_string(recording_format_version) + ")");
      }
      header_read = true;
      continue;
    }
    RecordedEvent event;
    event.time_ns = reader.integer("t_ns", 0);
    event.connection = static_cast<std::uint64_t>(reader.integer("conn", 1));
    const std::string kind = reader.text("kind");
    const auto read_direction = [&] {
      const std::string dir = reader.text("dir");
      if (dir == "c2s") return Direction::client_to_server;
      if (dir != "s2c" && reader.problem().empty()) reader.note("\"dir\" must be \"c2s\" or \"s2c\", got \"" + dir + "\"");
      return Direction::server_to_client;
    };
    if (kind == "open") {
      event.kind = RecordedKind::open;
      event.target = reader.text("target");
      event.subprotocol = reader.text("subprotocol");
      event.upstream_open_ns = reader.integer("upstream_open_ns", 0);
    } else if (kind == "frame") {
      event.kind = RecordedKind::frame;
      event.direction = read_direction();
      const std::int64_t bytes = reader.integer("bytes", 0);
      const std::string hex = reader.text("hex");
      if (reader.problem().empty()) {
        auto decoded = core::from_hex(hex);
        if (!decoded) {
          reader.note("\"hex\" is not an even-length hex string");
        } else if (static_cast<std::int64_t>(decoded->size()) != bytes) {
          reader.note("\"bytes\" says " + std::to_string(bytes) + " but \"hex\" holds " + std::to_string(decoded->size()));
        } else {
          event.frame = std::move(*decoded);
        }
      }
    } else if (kind == "close") {
      event.kind = RecordedKind::close;
      event.direction = read_direction();
      event.reason = reader.text("reason");
    } else if (reader.problem().empty()) {
      reader.note("\"kind\" must be \"open\", \"frame\" or \"close\", got \"" + kind + "\"");
    }
    reader.no_other_keys();
    if (!reader.problem().empty()) return error(RecordingErrorCode::bad_event, reader.problem());
    if (event.time_ns < last_time_ns) {
      return error(RecordingErrorCode::bad_order,
                   "t_ns " + std::to_string(event.time_ns) + " is before the previous line's " + std::to_string(last_time_ns));
    }
    last_time_ns = event.time_ns;
    const std::string conn = "connection " + std::to_string(event.connection);
    const auto found = connections.find(event.connection);
    if (event.kind == RecordedKind::open) {
      if (found != connections.end()) return error(RecordingErrorCode::bad_order, conn + " is opened twice");
      connections[event.connection] = State::open;
    } else if (found == connections.end()) {
      return error(RecordingErrorCode::bad_order, conn + " is used before its \"open\" line");
    } else if (found->second == State::closed ||
               (event.kind == RecordedKind::frame && closes[event.connection].contains(event.direction))) {
      return error(RecordingErrorCode::bad_order, conn + ": a " + kind + " after that side's close");
    } else if (event.kind == RecordedKind::close) {
      if (!closes[event.connection].insert(event.direction).second) {
        return error(RecordingErrorCode::bad_order, conn + " is closed twice by the same side");
      }
      found->second = closes[event.connection].size() == 2 ? State::closed : State::closed_by_one;
    }
    recording.events.push_back(std::move(event));
  }
  if (!header_read) {
    line_number = 1;
    return error(RecordingErrorCode::bad_header, "empty: a recording starts with its header line");
  }
  return recording;
}

core::Result<Recording, RecordingError> load_recording(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(RecordingErrorCode::io, path + ": cannot read the file");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_recording(text, path);
}

}  // namespace dclcomms::recording
