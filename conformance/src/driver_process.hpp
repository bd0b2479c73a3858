#pragma once
// A driver process: spawned through /bin/sh, JSON lines on its stdin/stdout, every read bounded.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dclcomms::conformance {

class DriverProcess {
 public:
  /// Starts `command` (a shell command line). Nothing on failure.
  static std::unique_ptr<DriverProcess> start(const std::string& command);
  ~DriverProcess();
  DriverProcess(const DriverProcess&) = delete;
  DriverProcess& operator=(const DriverProcess&) = delete;

  /// Sends `request` (an "id" is added) and waits for the answer with that id. Nothing when the
  /// driver died, answered garbage, or took longer than `timeout`; `error()` says which.
  std::optional<nlohmann::json> call(nlohmann::json request, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  const std::string& error() const { return error_; }

  /// A real-time driver (virtual_time: false) also writes events on its own, as lines
  /// {"event": {...}} without an id. They are kept in order, whether they arrive while call()
  /// waits for an answer or later; this takes those read so far (reading what is already in the
  /// pipe first, without waiting). False in `alive` when the driver has gone.
  std::vector<nlohmann::json> take_unsolicited(bool& alive);

 private:
  DriverProcess(pid_t pid, int to_driver, int from_driver) : pid_(pid), to_driver_(to_driver), from_driver_(from_driver) {}
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  enum class ReadOutcome : std::uint8_t { data, nothing, closed };
  /// Waits up to `timeout_ms` for output and appends one read of it to the buffer.
  ReadOutcome read_some(int timeout_ms);
  /// The first whole line in the buffer, taken out of it.
  std::optional<std::string> next_buffered_line();
  /// True (and error() says so) when the buffer holds more than a line may be long.
  bool buffer_overflowed();
  /// Keeps `line` if it is an unsolicited event; true when it was one.
  bool keep_if_unsolicited(const nlohmann::json& line);

  pid_t pid_;
  int to_driver_;
  int from_driver_;
  std::string buffered_;
  std::vector<nlohmann::json> unsolicited_;
  static constexpr std::size_t unsolicited_max = 65536;  // events not yet taken; beyond: the driver floods
  std::int64_t next_id_ = 1;
  std::string error_;
};

}  // namespace dclcomms::conformance
