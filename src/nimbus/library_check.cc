#include "nimbus/library_check.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include <chrono>
#include <cstdio>
#include <set>
#include <sstream>

#include "common/topology/topology_library.h"
#include "sdk/topology_def.h"

extern char** environ;

namespace storm {

namespace {

struct ChildResult {
  int status = -1;
  bool timed_out = false;
  std::string out;
  std::string err;
};

// posix_spawn (safe in a threaded process, unlike fork then work), both
// outputs read through pipes until the child closes them or time runs out.
ChildResult RunChild(const std::vector<std::string>& argv, int timeout_secs) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw StormError("cannot create a pipe to check the topology library");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw StormError("cannot run " + argv[0] + " to check the topology library: " +
                     std::strerror(rc));
  }
  ChildResult result;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_secs);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      result.timed_out = true;
      break;
    }
    if (poll(fds, 2, static_cast<int>(left)) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      char buf[4096];
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        std::string& into = i == 0 ? result.out : result.err;
        if (into.size() < (1 << 20)) into.append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& fd : fds) {
    if (fd.fd >= 0) close(fd.fd);
  }
  if (result.timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = status;
  return result;
}

std::string FirstLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const size_t nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

}  // namespace

LibraryChecker MakeSubprocessLibraryChecker(std::string exe, int timeout_secs) {
  return [exe, timeout_secs](const std::string& path, const std::string& name,
                             const Config& conf, const StormTopology& topology) {
    std::vector<std::string> argv{exe, "check-library", path, name};
    for (const auto& a : conf.getStringList(Config::kTopologyCppMainArgs, {})) argv.push_back(a);
    ChildResult r = RunChild(argv, timeout_secs);
    if (r.timed_out) {
      throw InvalidTopologyError("the topology library's main did not finish within " +
                                 std::to_string(timeout_secs) + " s");
    }
    if (!WIFEXITED(r.status)) {
      throw InvalidTopologyError("the topology library crashed while building the topology (" +
                                 std::string(WIFSIGNALED(r.status) ? strsignal(WTERMSIG(r.status))
                                                                   : "abnormal exit") +
                                 ")");
    }
    if (WEXITSTATUS(r.status) != 0) {
      std::string why = FirstLine(r.err);
      throw InvalidTopologyError(why.empty() ? "the topology library failed to build the topology"
                                             : why);
    }
    std::set<std::string> built;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) built.insert(line);
    }
    std::set<std::string> submitted;
    for (const auto& [id, def] : TopologyComponents(topology)) {
      submitted.insert(std::string(def.is_spout ? "spout " : "bolt ") + id);
    }
    if (built != submitted) {
      throw InvalidTopologyError(
          "the topology library builds a topology '" + name +
          "' whose components differ from the submitted one (was it built from another version "
          "of the library, or with other arguments?)");
    }
  };
}

int RunLibraryCheckCommand(const std::vector<std::string>& args) {
  if (args.size() < 2) {
    std::fprintf(stderr, "usage: check-library <library> <topology-name> [main args...]\n");
    return 2;
  }
  try {
    auto library = TopologyLibrary::Load(args[0]);
    std::vector<std::string> main_args(args.begin() + 2, args.end());
    for (const Submission& s : library->Run(main_args)) {
      if (s.name != args[1]) continue;
      for (const auto& [id, def] : TopologyComponents(s.topology)) {
        std::printf("%s %s\n", def.is_spout ? "spout" : "bolt", id.c_str());
      }
      return 0;
    }
    std::fprintf(stderr, "the topology library's main did not submit a topology named '%s'\n",
                 args[1].c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
  }
  return 1;
}

}  // namespace storm
