#pragma once
// A driver process: spawned through /bin/sh, JSON lines on its stdin/stdout, every read bounded.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

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

 private:
  DriverProcess(pid_t pid, int to_driver, int from_driver) : pid_(pid), to_driver_(to_driver), from_driver_(from_driver) {}
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  pid_t pid_;
  int to_driver_;
  int from_driver_;
  std::string buffered_;
  std::int64_t next_id_ = 1;
  std::string error_;
};

}  // namespace dclcomms::conformance
