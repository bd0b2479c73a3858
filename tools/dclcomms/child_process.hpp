#pragma once
// A server (or a bench's client swarm) started as a child process for benchmarks: spawned with pipes
// on its stdin and stdout, waited for until it prints a readiness line, measured through /proc
// (memory, CPU time), and stopped by PID.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dclcomms::cli {

/// The path of the running dclcomms binary (to start it again as a server or a driver).
std::string current_executable_path();

class ChildProcess {
 public:
  /// Starts `argv` with extra environment entries ("NAME=value"). stdout and stderr are piped to us.
  static std::optional<ChildProcess> spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ~ChildProcess();

  /// Reads stdout lines until one contains `needle`; returns that line, or nothing on timeout/exit.
  std::optional<std::string> wait_for_line(const std::string& needle, std::chrono::milliseconds timeout);
  /// Reads and discards whatever the child has written, without blocking (keeps its pipe from filling).
  void drain();
  /// Writes `line` and a newline to the child's stdin; false when the child is gone.
  bool write_line(const std::string& line);
  /// CPU time the child has used so far (user + system, all its threads), in ns, from
  /// /proc/<pid>/stat (clock-tick resolution); -1 when it cannot be read.
  std::int64_t cpu_time_ns() const;
  /// Resident set size and its peak, in KiB, from /proc/<pid>/status.
  long rss_kib() const;
  long rss_peak_kib() const;
  /// SIGTERM, then SIGKILL after a grace period; reaps the child.
  void stop();
  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int stdout_fd, int stdin_fd) : pid_(pid), stdout_fd_(stdout_fd), stdin_fd_(stdin_fd) {}
  long status_field_kib(const char* field) const;

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stdin_fd_ = -1;
  std::string buffered_;
};

}  // namespace dclcomms::cli
