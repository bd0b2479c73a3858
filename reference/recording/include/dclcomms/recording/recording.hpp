#pragma once
// A recording of real websocket sessions, as `dclcomms record` (recording_proxy.hpp) takes them: every
// connection's opening (target, subprotocol, how long the upstream handshake took), every frame in
// either direction with its time and bytes, and each side's close with its reason. One JSON object
// per line (docs/recording.md, docs/recording.schema.json); nothing here knows what the frames mean.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dclcomms/core/result.hpp"

namespace dclcomms::recording {

inline constexpr int recording_format_version = 1;

enum class Direction : std::uint8_t { client_to_server, server_to_client };
std::string_view to_string(Direction direction);  // "c2s", "s2c"

enum class RecordedKind : std::uint8_t {
  open,   // the client's upgrade arrived and the proxy connected upstream (or failed to: a close follows)
  frame,  // one binary message, in `direction`
  close,  // `direction`'s sender ended the connection (c2s: the client; s2c: the upstream server)
};
std::string_view to_string(RecordedKind kind);  // "open", "frame", "close"

struct RecordedEvent {
  std::int64_t time_ns = 0;      // since the recording started, at the proxy (monotonic)
  std::uint64_t connection = 0;  // the proxy's number for the client connection, from 1
  RecordedKind kind = RecordedKind::frame;
  Direction direction = Direction::client_to_server;
  std::string target;                 // open: the request's path and query
  std::string subprotocol;            // open: what the upstream server chose
  std::int64_t upstream_open_ns = 0;  // open: from dialling upstream to its upgrade's answer (a round-trip sample)
  std::vector<std::uint8_t> frame;    // frame: the bytes
  std::string reason;                 // close: the carrier's detail (close code and reason when there was one)
};

struct RecordingHeader {
  int version = recording_format_version;
  std::string upstream;  // the base URL the proxy forwarded to, e.g. ws://127.0.0.1:5555
  std::string listen;    // where the proxy listened, HOST:PORT
};

struct Recording {
  RecordingHeader header;
  std::vector<RecordedEvent> events;  // times never go back
};

enum class RecordingErrorCode : std::uint8_t {
  io,          // the file cannot be read
  not_json,    // a line is not a JSON object
  bad_header,  // the first line is not a recording header of a known version
  bad_event,   // an event line has a missing, unknown or ill-typed key
  bad_order,   // a time goes back, or a connection is used before its open or after its close
};
std::string_view to_string(RecordingErrorCode code);
/// Messages read "FILE:LINE: what was wrong".
using RecordingError = core::Error<RecordingErrorCode>;

/// The header's line and an event's line (no newline).
std::string header_line(const RecordingHeader& header);
std::string event_line(const RecordedEvent& event);

/// Parses a whole recording; `origin` (a file name) starts every error message.
core::Result<Recording, RecordingError> parse_recording(std::string_view text, std::string_view origin);
core::Result<Recording, RecordingError> load_recording(const std::string& path);

}  // namespace dclcomms::recording
