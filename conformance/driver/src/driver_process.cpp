#include "driver_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>
#include <vector>

extern char** environ;

namespace dclcomms::conformance {

namespace {
constexpr std::size_t line_bytes_max = 16 * 1024 * 1024;  // a driver line may carry a 64 KiB packet many times over
}

std::unique_ptr<DriverProcess> DriverProcess::start(const std::string& command) {
  // Close-on-exec, so that a driver started later does not inherit this one's pipe ends: a stray
  // copy of the write end of its stdin would keep it from ever seeing EOF (dup2 onto 0 and 1 in
  // the child clears the flag where it is wanted).
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return nullptr;
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]);
    close(in_pipe[1]);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, in_pipe[1]);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  const std::string exec_command = "exec " + command;
  std::vector<char*> argv{const_cast<char*>("/bin/sh"), const_cast<char*>("-c"), const_cast<char*>(exec_command.c_str()), nullptr};
  pid_t pid = -1;
  const int failed = posix_spawn(&pid, "/bin/sh", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (failed != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    return nullptr;
  }
  signal(SIGPIPE, SIG_IGN);  // a dead driver must be an error, not the end of the harness
  return std::unique_ptr<DriverProcess>(new DriverProcess(pid, in_pipe[1], out_pipe[0]));
}

DriverProcess::~DriverProcess() {
  close(to_driver_);  // EOF: a well-behaved driver exits
  for (int i = 0; i < 50; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      close(from_driver_);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  close(from_driver_);
}

DriverProcess::ReadOutcome DriverProcess::read_some(int timeout_ms) {
  pollfd fd{from_driver_, POLLIN, 0};
  if (poll(&fd, 1, timeout_ms) <= 0) return ReadOutcome::nothing;
  char chunk[65536];
  const ssize_t n = read(from_driver_, chunk, sizeof chunk);
  if (n <= 0) {
    error_ = "the driver exited (stdout closed)";
    return ReadOutcome::closed;
  }
  buffered_.append(chunk, static_cast<std::size_t>(n));
  return ReadOutcome::data;
}

std::optional<std::string> DriverProcess::next_buffered_line() {
  const auto newline = buffered_.find('\n');
  if (newline == std::string::npos) return std::nullopt;
  std::string line = buffered_.substr(0, newline);
  buffered_.erase(0, newline + 1);
  return line;
}

bool DriverProcess::buffer_overflowed() {
  if (buffered_.size() <= line_bytes_max) return false;
  error_ = "the driver wrote a line longer than 16 MiB";
  return true;
}

std::optional<std::string> DriverProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto line = next_buffered_line()) return line;
    if (buffer_overflowed()) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      error_ = "the driver did not answer within " + std::to_string(timeout.count()) + " ms";
      return std::nullopt;
    }
    if (read_some(static_cast<int>(left.count())) == ReadOutcome::closed) return std::nullopt;
  }
}

std::optional<nlohmann::json> DriverProcess::call(nlohmann::json request) {
  const std::chrono::milliseconds timeout = answered_ ? answer_timeout : first_answer_timeout;
  const std::int64_t id = next_id_++;
  request["id"] = id;
  const std::string line = request.dump() + "\n";
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = write(to_driver_, line.data() + written, line.size() - written);
    if (n <= 0) {
      error_ = "cannot write to the driver (it exited?)";
      return std::nullopt;
    }
    written += static_cast<std::size_t>(n);
  }
  for (;;) {
    const auto text = read_line(timeout);
    if (!text) return std::nullopt;
    auto answer = nlohmann::json::parse(*text, nullptr, false);
    if (keep_if_unsolicited(answer)) continue;
    if (!answer.is_object() || !answer.contains("ok")) {
      error_ = "the driver answered something that is not a protocol line: " + text->substr(0, 200);
      return std::nullopt;
    }
    if (answer.value("id", std::int64_t{-1}) == id) {
      answered_ = true;
      return answer;
    }
  }
}

bool DriverProcess::keep_if_unsolicited(const nlohmann::json& line) {
  if (!line.is_object() || line.contains("id") || !line.contains("event")) return false;
  if (unsolicited_.size() < unsolicited_max) unsolicited_.push_back(line["event"]);
  return true;
}

std::vector<nlohmann::json> DriverProcess::take_unsolicited(bool& alive) {
  alive = true;
  for (;;) {  // what is in the pipe right now, without waiting
    const ReadOutcome outcome = read_some(0);
    if (outcome == ReadOutcome::nothing) break;
    if (outcome == ReadOutcome::closed || buffer_overflowed()) {
      alive = false;
      break;
    }
  }
  // Between requests only events may come; an answer nobody waits for is dropped.
  while (auto line = next_buffered_line()) (void)keep_if_unsolicited(nlohmann::json::parse(*line, nullptr, false));
  std::vector<nlohmann::json> out;
  out.swap(unsolicited_);
  return out;
}

}  // namespace dclcomms::conformance
