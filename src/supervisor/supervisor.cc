#include "supervisor/supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "common/thrift/thrift_bytes.h"
#include "storm_types.h"
#include "common/topology/code_dir.h"
#include "common/util/files.h"
#include "common/client/code_download.h"
#include "sdk/config_json.h"
#include "storm/errors.h"

extern char** environ;

namespace fs = std::filesystem;

namespace storm {

namespace {

std::string NewId() {
  std::random_device rd;
  std::mt19937_64 rng((static_cast<uint64_t>(rd()) << 32) ^ rd());
  char buf[40];
  const uint64_t a = rng(), b = rng();
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(a >> 32),
                static_cast<unsigned long long>((a >> 16) & 0xffff),
                static_cast<unsigned long long>(a & 0xffff),
                static_cast<unsigned long long>(b >> 48),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

// A small text file's content without its trailing newline and spaces;
// empty when it cannot be read.
std::string ReadSmallFile(const std::string& path) {
  std::string text = ReadFileIfPresent(path).value_or("");
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

// ---- Launching worker processes ---------------------------------------------------

namespace {

// For a worker's stdout or stderr: appended to, as Storm's worker.log.out/err.
int OpenOutputFile(const std::string& path) {
  fs::create_directories(fs::path(path).parent_path());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw StormError("cannot open " + path + ": " + std::strerror(errno));
  return fd;
}

}  // namespace

int ProcessWorkerLauncher::Launch(const WorkerLaunchSpec& spec) {
  // The worker writes worker.log itself; what escapes spdlog (a user's
  // printf, a crash message) lands in these two.
  const int out = OpenOutputFile(spec.stdout_file);
  int err = -1;
  try {
    err = OpenOutputFile(spec.stderr_file);
  } catch (...) {
    ::close(out);
    throw;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  // Its own process group, so that a Ctrl-C meant for the supervisor does
  // not reach the workers (they outlive a supervisor restart).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<std::string> args = {worker_binary_,   "--topology-id", spec.topology_id,
                                   "--supervisor-id", spec.supervisor_id, "--port",
                                   std::to_string(spec.port), "--worker-id", spec.worker_id,
                                   "--config",        spec.conf_file};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, worker_binary_.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(out);
  ::close(err);
  if (rc != 0) {
    throw StormError("cannot start " + worker_binary_ + ": " + std::strerror(rc));
  }
  return pid;
}

bool ProcessWorkerLauncher::Alive(int pid, const std::string& worker_id) {
  if (pid <= 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid, &status, WNOHANG);
  if (r == pid) return false;  // our child, and it exited: reaped now
  if (r == 0) return true;     // our child, running
  // Not our child (a worker of a previous supervisor run): is it still that
  // worker, and not another process that got its pid?
  if (::kill(pid, 0) != 0) return false;
  const std::string cmdline = ReadSmallFile("/proc/" + std::to_string(pid) + "/cmdline");
  return cmdline.find(worker_id) != std::string::npos;
}

void ProcessWorkerLauncher::Signal(int pid, int signal) {
  if (pid > 0) ::kill(pid, signal);
}

CodeDownloader NimbusCodeDownloader(Config conf, std::shared_ptr<ClusterState> state) {
  return [conf, state](const std::string& topology_id, const std::string& /*master_code_dir*/,
                       const std::string& dest_dir) {
    DownloadTopologyCode(conf, topology_id, state->CodeHolders(topology_id), dest_dir);
  };
}

// ---- Supervisor ---------------------------------------------------------------------

Supervisor::Supervisor(SupervisorOptions options)
    : options_(std::move(options)), local_(LocalState::FromConfig(options_.conf)) {
  for (int64_t port : options_.conf.getIntList(Config::kSupervisorSlotsPorts)) {
    slots_.push_back(static_cast<int>(port));
  }
}

Supervisor::~Supervisor() { Stop(); }

int64_t Supervisor::UnixSecs() const {
  if (options_.unix_secs) return options_.unix_secs();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Supervisor::LoadOrMakeId() {
  const std::string file = local_.SupervisorIdFile();
  id_ = ReadSmallFile(file);
  if (id_.empty() || id_.find('/') != std::string::npos) {
    id_ = NewId();
    WriteFileAtomically(file, id_ + "\n");
    spdlog::info("supervisor: new supervisor id {} (kept in {})", id_, file);
  }
}

void Supervisor::Start() {
  start_secs_ = UnixSecs();
  fs::create_directories(local_.WorkersRoot());
  fs::create_directories(local_.CodeRoot());
  LoadOrMakeId();
  AdoptOrKillPreviousWorkers();
  {
    std::lock_guard<std::mutex> lock(sync_mutex_);
    Heartbeat();
    last_heartbeat_nanos_ = options_.clock->NowNanos();
  }
  listener_id_ = options_.state->storage().AddListener([this](const WatchEvent&) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_ = true;
    cv_.notify_all();
  });
  if (options_.run_sync_thread) thread_ = std::thread([this] { Loop(); });
  spdlog::info("supervisor: {} started on host {} with slots [{}]", id_, options_.hostname,
               fmt::join(slots_, ", "));
}

void Supervisor::Stop(bool kill_workers) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  if (listener_id_ >= 0) {
    options_.state->storage().RemoveListener(listener_id_);
    listener_id_ = -1;
  }
  // After a SyncOnce under way (another thread's), and before any next one,
  // which sees stopping_ and does nothing: none launches a worker or
  // registers the supervisor again behind this.
  std::lock_guard<std::mutex> sync(sync_mutex_);
  if (kill_workers) {
    std::vector<int> ports;
    {
      std::lock_guard<std::mutex> lock(mutex_);  // WorkerPids may read meanwhile
      for (const auto& [port, w] : workers_) ports.push_back(port);
    }
    for (int port : ports) KillWorker(port, "the supervisor stops");
  }
  try {
    if (!id_.empty()) options_.state->RemoveSupervisor(id_);
  } catch (const std::exception& e) {
    spdlog::warn("supervisor: cannot deregister: {}", e.what());
  }
}

std::map<int, int> Supervisor::WorkerPids() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<int, int> out;
  for (const auto& [port, w] : workers_) out[port] = w.pid;
  return out;
}

std::vector<SupervisorWorkerView> Supervisor::Workers() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<SupervisorWorkerView> out;
  for (const auto& [port, w] : workers_) out.push_back({port, w.worker_id, w.topology_id});
  return out;
}

// Workers of an earlier run: adopted when still running the slot's current
// assignment, otherwise killed, so that no port ever has two workers.
void Supervisor::AdoptOrKillPreviousWorkers() {
  std::map<int, SlotAssignment> mine;
  try {
    mine = ReadMyAssignments();
  } catch (const std::exception& e) {
    spdlog::warn("supervisor: cannot read assignments at start: {}", e.what());
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(local_.WorkersRoot(), ec)) {
    const std::string worker_id = entry.path().filename().string();
    const int pid = std::atoi(ReadSmallFile(local_.WorkerPidFile(worker_id)).c_str());
    auto hb = local_.ReadHeartbeat(worker_id);
    const bool alive = options_.launcher->Alive(pid, worker_id);
    bool adopt = false;
    if (alive && hb) {
      auto it = mine.find(hb->port);
      adopt = it != mine.end() && it->second.topology_id == hb->topology_id &&
              it->second.executors == hb->executors && workers_.count(hb->port) == 0;
    }
    if (adopt) {
      std::lock_guard<std::mutex> lock(mutex_);
      workers_[hb->port] = RunningWorker{worker_id, hb->topology_id, hb->executors, pid,
                                         options_.clock->NowNanos()};
      spdlog::info("supervisor: adopted worker {} (pid {}) on port {} from an earlier run",
                   worker_id, pid, hb->port);
      continue;
    }
    if (alive) {
      spdlog::info("supervisor: killing worker {} (pid {}) left by an earlier run", worker_id, pid);
      options_.launcher->Signal(pid, SIGKILL);
      for (int i = 0; i < 100 && options_.launcher->Alive(pid, worker_id); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    fs::remove_all(entry.path(), ec);
  }
}

void Supervisor::Heartbeat() {
  SupervisorInfo info;
  info.id = id_;
  info.hostname = options_.hostname;
  info.time_secs = UnixSecs();
  info.uptime_secs = info.time_secs - start_secs_;
  info.slots = slots_;
  info.version = STORM_VERSION;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [port, w] : workers_) info.used_ports.push_back(port);
  }
  options_.state->SetSupervisor(info);
}

// The daemon's thread: one SyncOnce per wake-up, woken by a watch event
// (an assignment changed) or the monitor period.
void Supervisor::Loop() {
  const auto monitor = std::chrono::seconds(options_.conf.getInt(Config::kSupervisorMonitorFrequencySecs));
  std::unique_lock<std::mutex> lock(mutex_);
  wake_ = true;
  while (!stopping_) {
    cv_.wait_for(lock, monitor, [this] { return stopping_ || wake_; });
    if (stopping_) break;
    wake_ = false;
    lock.unlock();
    try {
      SyncOnce();
    } catch (const std::exception& e) {
      spdlog::warn("supervisor: sync failed, trying again in {} s: {}", monitor.count(), e.what());
    }
    lock.lock();
  }
}

void Supervisor::SyncOnce() {
  std::lock_guard<std::mutex> lock(sync_mutex_);
  {
    std::lock_guard<std::mutex> state(mutex_);
    if (stopping_) return;
  }
  SyncProcesses();  // when it throws, the registration waits for the next round too
  if (zookeeper_away_) return;  // the registration waits for ZooKeeper's return
  const int64_t heartbeat_every =
      options_.conf.getInt(Config::kSupervisorHeartbeatFrequencySecs) * 1'000'000'000;
  if (options_.clock->NowNanos() - last_heartbeat_nanos_ >= heartbeat_every) {
    Heartbeat();
    last_heartbeat_nanos_ = options_.clock->NowNanos();
  }
}

std::map<int, Supervisor::SlotAssignment> Supervisor::ReadMyAssignments() {
  std::map<std::string, LocalState::TopologyCopy> topologies;
  std::set<std::string> missing_base;
  bool from_zookeeper = options_.state->storage().Connected();
  if (from_zookeeper) {
    try {
      for (const std::string& topology_id : options_.state->AssignmentIds(/*watch=*/true)) {
        auto assignment = options_.state->GetAssignment(topology_id, /*watch=*/true);
        if (!assignment) continue;
        const bool here = std::any_of(assignment->executor_slot.begin(),
                                      assignment->executor_slot.end(),
                                      [&](const auto& e) { return e.second.node == id_; });
        if (!here) continue;
        // The base goes with the copy (a worker started from it needs it);
        // with none (being removed), the assignment runs but is not kept.
        auto base = options_.state->GetStormBase(topology_id);
        if (!base) missing_base.insert(topology_id);
        topologies[topology_id] =
            LocalState::TopologyCopy{base.value_or(StormBase{}), std::move(*assignment)};
      }
    } catch (const StateStorageError& e) {
      spdlog::warn("supervisor: cannot read the assignments: {}", e.what());
      from_zookeeper = false;
    }
  }
  if (from_zookeeper) {
    // Kept for running the workers while ZooKeeper is away.
    for (const auto& [topology_id, copy] : topologies) {
      if (missing_base.count(topology_id) == 0) local_.WriteTopologyCopy(topology_id, copy);
    }
    for (const std::string& topology_id : local_.TopologyCopies()) {
      if (topologies.count(topology_id) == 0 || missing_base.count(topology_id) != 0) {
        local_.RemoveTopologyCopy(topology_id);
      }
    }
    if (std::exchange(zookeeper_away_, false)) {
      spdlog::info("supervisor: ZooKeeper is back; assignments are read from it again");
    }
  } else {
    if (!std::exchange(zookeeper_away_, true)) {
      spdlog::warn("supervisor: ZooKeeper is unreachable; keeping its workers running as the "
                   "local copy of the assignments says until it returns");
    }
    for (const std::string& topology_id : local_.TopologyCopies()) {
      if (auto copy = local_.ReadTopologyCopy(topology_id)) topologies[topology_id] = *copy;
    }
  }
  std::map<int, SlotAssignment> mine;
  for (const auto& [topology_id, copy] : topologies) {
    for (const auto& [executor, slot] : copy.assignment.executor_slot) {
      if (slot.node != id_) continue;
      SlotAssignment& s = mine[slot.port];
      s.topology_id = topology_id;
      s.master_code_dir = copy.assignment.master_code_dir;
      s.executors.push_back(executor);
    }
  }
  for (auto& [port, s] : mine) std::sort(s.executors.begin(), s.executors.end());
  return mine;
}

void Supervisor::SyncProcesses() {
  const std::map<int, SlotAssignment> mine = ReadMyAssignments();
  const int64_t now = options_.clock->NowNanos();
  const int64_t now_secs = UnixSecs();
  const int64_t timeout = options_.conf.getInt(Config::kSupervisorWorkerTimeoutSecs);
  const int64_t start_timeout =
      options_.conf.getInt(Config::kSupervisorWorkerStartTimeoutSecs) * 1'000'000'000;

  // Workers that must go: slot unassigned or reassigned, process gone, or
  // heartbeats stopped.
  std::vector<std::pair<int, std::string>> to_kill;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [port, w] : workers_) {
      auto it = mine.find(port);
      if (it == mine.end() || it->second.topology_id != w.topology_id ||
          it->second.executors != w.executors) {
        to_kill.emplace_back(port, "its slot is no longer assigned to it");
      } else if (!options_.launcher->Alive(w.pid, w.worker_id)) {
        to_kill.emplace_back(port, "it exited");
      } else {
        auto hb = local_.ReadHeartbeat(w.worker_id);
        if (hb) {
          if (now_secs - hb->time_secs > timeout) {
            to_kill.emplace_back(port, "its heartbeat is " + std::to_string(now_secs - hb->time_secs) +
                                           " s old (supervisor.worker.timeout.secs " +
                                           std::to_string(timeout) + ")");
          }
        } else if (now - w.launched_nanos > start_timeout) {
          to_kill.emplace_back(port, "it wrote no heartbeat within supervisor.worker.start.timeout.secs");
        }
      }
    }
  }
  for (const auto& [port, why] : to_kill) KillWorker(port, why);

  for (const auto& [port, assignment] : mine) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (workers_.count(port) != 0) continue;
    }
    if (std::find(slots_.begin(), slots_.end(), port) == slots_.end()) {
      spdlog::warn("supervisor: assigned port {} is not one of its slots; ignoring it", port);
      continue;
    }
    try {
      EnsureCode(assignment.topology_id, assignment.master_code_dir);
      LaunchWorker(port, assignment);
    } catch (const std::exception& e) {
      spdlog::error("supervisor: cannot start the worker of {} on port {}: {}",
                    assignment.topology_id, port, e.what());
    }
  }
  CleanUpCode(mine);
}

void Supervisor::EnsureCode(const std::string& topology_id, const std::string& master_code_dir) {
  const std::string dir = local_.CodeDir(topology_id);
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  const std::string tmp = dir + ".tmp";
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp);
  spdlog::info("supervisor: downloading the code of {}", topology_id);
  try {
    options_.download(topology_id, master_code_dir, tmp);
    VerifyCodeDir(topology_id, tmp);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  fs::rename(tmp, dir);
}

void Supervisor::LaunchWorker(int port, const SlotAssignment& assignment) {
  const std::string worker_id = NewId();
  fs::create_directories(local_.WorkerDir(worker_id));
  Config worker_conf = options_.conf;
  WriteFileAtomically(local_.WorkerConfFile(worker_id), ConfigJson(worker_conf).dump(2));
  WorkerLaunchSpec spec{assignment.topology_id, id_, port, worker_id,
                        local_.WorkerConfFile(worker_id),
                        local_.WorkerStdoutFile(assignment.topology_id, port),
                        local_.WorkerStderrFile(assignment.topology_id, port)};
  const int pid = options_.launcher->Launch(spec);
  WriteFileAtomically(local_.WorkerPidFile(worker_id), std::to_string(pid) + "\n");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    workers_[port] = RunningWorker{worker_id, assignment.topology_id, assignment.executors, pid,
                                   options_.clock->NowNanos()};
  }
  spdlog::info("supervisor: started worker {} (pid {}) of {} on port {} with {} executors",
               worker_id, pid, assignment.topology_id, port, assignment.executors.size());
}

void Supervisor::KillWorker(int port, const std::string& why) {
  RunningWorker w;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = workers_.find(port);
    if (it == workers_.end()) return;
    w = it->second;
    workers_.erase(it);
  }
  spdlog::info("supervisor: stopping worker {} (pid {}) on port {}: {}", w.worker_id, w.pid, port,
               why);
  if (options_.launcher->Alive(w.pid, w.worker_id)) {
    options_.launcher->Signal(w.pid, SIGTERM);
    const auto grace = std::chrono::seconds(options_.conf.getInt(Config::kSupervisorWorkerShutdownSleepSecs));
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (options_.launcher->Alive(w.pid, w.worker_id)) {
      if (std::chrono::steady_clock::now() > deadline) {
        options_.launcher->Signal(w.pid, SIGKILL);
        for (int i = 0; i < 250 && options_.launcher->Alive(w.pid, w.worker_id); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::error_code ec;
  fs::remove_all(local_.WorkerDir(w.worker_id), ec);
}

void Supervisor::CleanUpCode(const std::map<int, SlotAssignment>& mine) {
  std::set<std::string> wanted;
  for (const auto& [port, s] : mine) wanted.insert(s.topology_id);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [port, w] : workers_) wanted.insert(w.topology_id);
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(local_.CodeRoot(), ec)) {
    const std::string name = entry.path().filename().string();
    if (wanted.count(name) == 0 && entry.path().extension() != ".tmp") {
      spdlog::info("supervisor: removing the code of {}, no longer assigned here", name);
      fs::remove_all(entry.path(), ec);
    }
  }
}

}  // namespace storm
