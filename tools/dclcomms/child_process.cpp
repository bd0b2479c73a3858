#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

extern char** environ;

namespace dclcomms::cli {

std::string current_executable_path() {
  char buffer[4096];
  const ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "dclcomms";
}

std::optional<ChildProcess> ChildProcess::spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  int pipe_fds[2];
  int stdin_fds[2];
  if (pipe(pipe_fds) != 0) return std::nullopt;
  if (pipe(stdin_fds) != 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return std::nullopt;
  }
  fcntl(stdin_fds[1], F_SETFD, FD_CLOEXEC);  // later children must not keep this one's stdin open
  fcntl(pipe_fds[0], F_SETFD, FD_CLOEXEC);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);  // node servers log to either
  posix_spawn_file_actions_adddup2(&actions, stdin_fds[0], STDIN_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_addclose(&actions, stdin_fds[1]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> environment(env);
  for (char** e = environ; *e != nullptr; ++e) environment.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int failed = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  close(stdin_fds[0]);
  if (failed != 0) {
    close(pipe_fds[0]);
    close(stdin_fds[1]);
    return std::nullopt;
  }
  return ChildProcess(pid, pipe_fds[0], stdin_fds[1]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), stdout_fd_(other.stdout_fd_), stdin_fd_(other.stdin_fd_), buffered_(std::move(other.buffered_)) {
  other.pid_ = -1;
  other.stdout_fd_ = -1;
  other.stdin_fd_ = -1;
}

ChildProcess::~ChildProcess() { stop(); }

std::optional<std::string> ChildProcess::wait_for_line(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    for (auto newline = buffered_.find('\n'); newline != std::string::npos; newline = buffered_.find('\n')) {
      std::string line = buffered_.substr(0, newline);
      buffered_.erase(0, newline + 1);
      if (line.find(needle) != std::string::npos) return line;
    }
    pollfd fd{stdout_fd_, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (poll(&fd, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0) continue;
    char chunk[4096];
    const ssize_t n = read(stdout_fd_, chunk, sizeof chunk);
    if (n <= 0) return std::nullopt;  // the child closed stdout (exited)
    buffered_.append(chunk, static_cast<std::size_t>(n));
  }
  return std::nullopt;
}

void ChildProcess::drain() {
  pollfd fd{stdout_fd_, POLLIN, 0};
  char chunk[4096];
  while (stdout_fd_ >= 0 && poll(&fd, 1, 0) > 0 && (fd.revents & POLLIN)) {
    if (read(stdout_fd_, chunk, sizeof chunk) <= 0) break;
  }
  buffered_.clear();
}

bool ChildProcess::write_line(const std::string& line) {
  if (stdin_fd_ < 0) return false;
  const std::string text = line + "\n";
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(stdin_fd_, text.data() + written, text.size() - written);
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

std::int64_t ChildProcess::cpu_time_ns() const {
  // /proc/<pid>/stat: "pid (comm) state ..." — utime and stime are fields 14 and 15, counted from
  // the last ')' because the command name may hold spaces.
  std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close_paren = text.rfind(')');
  if (close_paren == std::string::npos) return -1;
  std::istringstream fields(text.substr(close_paren + 2));
  std::string field;
  long long utime = -1;
  long long stime = -1;
  for (int index = 3; fields >> field; ++index) {  // the state is field 3
    if (index == 14) utime = std::stoll(field);
    if (index == 15) {
      stime = std::stoll(field);
      break;
    }
  }
  const long ticks_per_s = sysconf(_SC_CLK_TCK);
  if (utime < 0 || stime < 0 || ticks_per_s <= 0) return -1;
  return (utime + stime) * (1'000'000'000LL / ticks_per_s);
}

long ChildProcess::status_field_kib(const char* field) const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
  }
  return -1;
}

long ChildProcess::rss_kib() const { return status_field_kib("VmRSS:"); }
long ChildProcess::rss_peak_kib() const { return status_field_kib("VmHWM:"); }

void ChildProcess::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
}

}  // namespace dclcomms::cli
