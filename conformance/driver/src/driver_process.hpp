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

  /// How long a driver may take to answer one request. These bounds only catch hung drivers: in
  /// virtual time nothing moves while the harness waits, so a slow answer changes no verdict, and a
  /// loaded CI machine running sanitizer builds must never turn slowness into a failure. The first
  /// request to a new process also covers its start-up (a Node driver loading its packages).
  static constexpr std::chrono::milliseconds answer_timeout{std::chrono::seconds(30)};
  static constexpr std::chrono::milliseconds first_answer_timeout{std::chrono::seconds(60)};

  /// Sends `request` (an "id" is added) and waits for the answer with that id. Nothing when the
  /// driver died, answered garbage, or took longer than answer_timeout (first_answer_timeout for
  /// the first request of this process); `error()` says which.
  std::optional<nlohmann::json> call(nlohmann::json request);
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
  bool answered_ = false;  // the process has answered a request: it has started
  std::string error_;
};

}  // namespace dclcomms::conformance
