// Programs run by end-to-end tests: a command that must finish within a
// bound (RunProgram), and a daemon kept running in the background
// (DaemonProcess) that dies with the test.
//
//   CommandResult r = RunProgram({storm, "list"}, {{"STORM_CONF_DIR", dir}}, 60s);
//   EXPECT_EQ(r.status, 0) << r.Describe();
//
//   DaemonProcess nimbus({nimbus_bin, "--config", file}, log_file);
//   nimbus.Start();                     // throws with the end of its log if it exits
//   WaitForPort(port, 30s, nimbus);     // until it accepts connections
//   nimbus.Kill(SIGKILL); nimbus.Start();
//
// A daemon gets SIGKILL when the thread that started it exits
// (PR_SET_PDEATHSIG, as ZooKeeperServer), so a crashed test leaves nothing
// behind. Not thread safe: one thread drives a DaemonProcess; RunProgram may
// be called from any thread.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

extern char** environ;

namespace storm::testing {

namespace process_detail {

inline std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// This process's environment with `overrides` replacing or adding variables.
inline std::vector<std::string> Environment(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    if (overrides.count(name) == 0) env.push_back(entry);
  }
  for (const auto& [name, value] : overrides) env.push_back(name + "=" + value);
  return env;
}

inline std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

inline std::string Describe(int wait_status) {
  if (WIFEXITED(wait_status)) return "exit status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return std::string("killed by ") + strsignal(WTERMSIG(wait_status));
  return "wait status " + std::to_string(wait_status);
}

}  // namespace process_detail

struct CommandResult {
  std::string command;  // the arguments joined by spaces, for messages
  int status = -1;      // the exit status; -1 when killed or timed out
  bool timed_out = false;
  std::string out;
  std::string err;

  // "`storm list` exited 1; stdout: ...; stderr: ...", for failure messages.
  std::string Describe() const {
    std::string text =
        "`" + command + "` " +
        (timed_out ? std::string("timed out and was killed") : "exited " + std::to_string(status));
    text += "\n  stdout: " + (out.empty() ? std::string("(empty)") : out);
    text += "\n  stderr: " + (err.empty() ? std::string("(empty)") : err);
    return text;
  }
};

// Runs `argv` (argv[0] a path) with stdin from /dev/null, its environment
// with `env` overriding, and waits at most `timeout`; SIGKILL past it.
inline CommandResult RunProgram(const std::vector<std::string>& argv,
                                const std::map<std::string, std::string>& env,
                                std::chrono::milliseconds timeout) {
  CommandResult result;
  for (const std::string& a : argv) result.command += (result.command.empty() ? "" : " ") + a;
  TempDir dir;
  const std::string out_file = (dir / "out").string();
  const std::string err_file = (dir / "err").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  std::vector<std::string> args = argv;
  std::vector<std::string> environment = process_detail::Environment(env);
  std::vector<char*> arg_pointers = process_detail::Pointers(args);
  std::vector<char*> env_pointers = process_detail::Pointers(environment);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, arg_pointers.data(),
                             env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    result.err = std::string("cannot run ") + args[0] + ": " + std::strerror(rc);
    return result;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!result.timed_out && WIFEXITED(status)) result.status = WEXITSTATUS(status);
  result.out = process_detail::ReadWholeFile(out_file);
  result.err = process_detail::ReadWholeFile(err_file);
  return result;
}

// A daemon in the background, its stdout and stderr appended to a log file.
class DaemonProcess {
 public:
  DaemonProcess(std::vector<std::string> argv, std::filesystem::path log,
                std::map<std::string, std::string> env = {})
      : argv_(std::move(argv)), log_(std::move(log)), env_(std::move(env)) {}
  ~DaemonProcess() { Stop(); }
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Starts the daemon unless it runs; throws std::runtime_error when it
  // cannot be started.
  void Start() {
    if (pid_ > 0) return;
    std::vector<std::string> args = argv_;
    std::vector<std::string> environment = process_detail::Environment(env_);
    std::vector<char*> arg_pointers = process_detail::Pointers(args);
    std::vector<char*> env_pointers = process_detail::Pointers(environment);
    const std::string log = log_.string();
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
      // Child: only async-signal-safe calls until exec.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      const int in = ::open("/dev/null", O_RDONLY);
      if (out < 0 || in < 0) ::_exit(127);
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(out, 2);
      ::execve(arg_pointers[0], arg_pointers.data(), env_pointers.data());
      ::_exit(127);
    }
    pid_ = pid;
    exit_description_.clear();
  }

  // Sends `signal` and waits for the daemon to exit.
  void Kill(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exit_description_ = process_detail::Describe(status);
    pid_ = -1;
  }

  // SIGTERM, then SIGKILL after `grace`.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(10)) {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    exit_description_ = process_detail::Describe(status);
    pid_ = -1;
  }

  // Whether it still runs (reaps it, and remembers how it ended, if not).
  bool Alive() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
    exit_description_ = process_detail::Describe(status);
    pid_ = -1;
    return false;
  }

  pid_t pid() const { return pid_; }
  // How the last run ended ("exit status 1", "killed by Killed"), or "".
  const std::string& exit_description() const { return exit_description_; }
  const std::filesystem::path& log_path() const { return log_; }

  // The last `lines` lines of its log, indented, for failure messages.
  std::string LogTail(size_t lines = 30) const {
    std::istringstream in(process_detail::ReadWholeFile(log_));
    std::vector<std::string> all;
    for (std::string line; std::getline(in, line);) all.push_back(line);
    std::string out;
    for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
      out += "  " + all[i] + "\n";
    }
    return out;
  }

 private:
  std::vector<std::string> argv_;
  std::filesystem::path log_;
  std::map<std::string, std::string> env_;
  pid_t pid_ = -1;
  std::string exit_description_;
};

// Whether something accepts TCP connections on 127.0.0.1:port now.
inline bool AcceptsConnections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// Waits until `daemon` accepts connections on `port`; throws
// std::runtime_error with the end of its log when it exits or `timeout`
// passes first.
inline void WaitForPort(DaemonProcess& daemon, int port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!AcceptsConnections(port)) {
    const bool alive = daemon.Alive();
    if (!alive || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(
          "the daemon did not accept connections on 127.0.0.1:" + std::to_string(port) +
          (alive ? " in time" : " (" + daemon.exit_description() + ")") + "; the end of " +
          daemon.log_path().string() + ":\n" + daemon.LogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace storm::testing
