// Supervisor: the daemon on every host (docs/architecture.md#processes), as a library;
// `storm-supervisor` is a thin main over it.
//
// It registers itself under /supervisors (ephemeral, with host, slots,
// uptime and used ports, refreshed every supervisor.heartbeat.frequency.secs),
// and syncs on every assignment change (a ZooKeeper watch) and every
// supervisor.monitor.frequency.secs:
//   - downloads the code of topologies assigned here from Nimbus into
//     LocalState::CodeDir (chunked, to a temporary dir, renamed into place);
//   - runs one worker OS process per assigned slot, and kills (SIGTERM, then
//     SIGKILL after supervisor.worker.shutdown.sleep.secs) and restarts
//     workers that exited, whose local heartbeat is older than
//     supervisor.worker.timeout.secs (or that never wrote one within
//     supervisor.worker.start.timeout.secs), or whose slot is no longer
//     assigned to them;
//   - removes the code of topologies no longer assigned here.
// Stateless: its id is kept in LocalState::SupervisorIdFile; at start it
// adopts the workers of a previous run that still match their assignment
// and kills every other, so there are never two workers on one port.
//
// Time: SyncOnce() is one round of that work, run synchronously. The
// daemon's thread calls it on every wake-up (a watch, or the monitor
// period); with options.run_sync_thread false nothing calls it but the
// caller, so tests advance a ManualClock (and unix_secs with it) and call
// SyncOnce() instead of waiting. Every timeout is read on options.clock
// (start timeout, registration refresh) or options.unix_secs (the age of a
// worker's heartbeat, which the worker writes in Unix seconds); only the
// wait for a signalled worker process to exit is on real time.
//
// Thread safety: Start/Stop from one thread. SyncOnce may be called from
// any thread (rounds are serialized); WorkerPids from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/util/clock.h"
#include "common/state/cluster_state.h"
#include "common/state/local_state.h"
#include "storm/config.h"

namespace storm {

struct WorkerLaunchSpec {
  std::string topology_id;
  std::string supervisor_id;
  int port = 0;
  std::string worker_id;
  std::string conf_file;  // LocalState::WorkerConfFile
  std::string stdout_file;  // LocalState::WorkerStdoutFile (worker.log.out)
  std::string stderr_file;  // LocalState::WorkerStderrFile (worker.log.err)
};

// The seam to process launching.
class WorkerLauncher {
 public:
  virtual ~WorkerLauncher() = default;
  // Starts the worker; returns its pid. Throws StormError when it cannot.
  virtual int Launch(const WorkerLaunchSpec& spec) = 0;
  // Whether the process runs (reaping it when it is our child and exited).
  virtual bool Alive(int pid, const std::string& worker_id) = 0;
  virtual void Signal(int pid, int signal) = 0;
};

// Runs `worker_binary` (storm-worker) as a child process.
class ProcessWorkerLauncher final : public WorkerLauncher {
 public:
  explicit ProcessWorkerLauncher(std::string worker_binary)
      : worker_binary_(std::move(worker_binary)) {}
  int Launch(const WorkerLaunchSpec& spec) override;
  bool Alive(int pid, const std::string& worker_id) override;
  void Signal(int pid, int signal) override;

 private:
  std::string worker_binary_;
};

// Fetches stormjar.so, stormcode.ser and stormconf.ser of a topology whose
// code Nimbus keeps in `master_code_dir` into `dest_dir`.
using CodeDownloader = std::function<void(const std::string& topology_id,
                                          const std::string& master_code_dir,
                                          const std::string& dest_dir)>;
// The real one: Thrift file download from a Nimbus that holds the code
// (/blobstore in `state`), else from the one found at nimbus.seeds.
// `master_code_dir` is not needed: every Nimbus serves "<id>/<file>".
CodeDownloader NimbusCodeDownloader(Config conf, std::shared_ptr<ClusterState> state);

struct SupervisorOptions {
  Config conf;  // the daemon's config, defaults included
  std::shared_ptr<ClusterState> state;
  std::shared_ptr<WorkerLauncher> launcher;
  CodeDownloader download;
  Clock* clock = RealClock::Get();
  // Unix time in seconds (registration times, the age of workers' local
  // heartbeats). Empty: the system clock.
  std::function<int64_t()> unix_secs;
  std::string hostname;  // advertised to workers of other hosts
  // Whether Start() runs SyncOnce on a thread of its own, woken by
  // assignment changes and every supervisor.monitor.frequency.secs. Tests
  // turn it off and call SyncOnce themselves.
  bool run_sync_thread = true;
};

// A worker a supervisor runs, as others may see it.
struct SupervisorWorkerView {
  int port = 0;
  std::string worker_id;
  std::string topology_id;
};

class Supervisor {
 public:
  explicit Supervisor(SupervisorOptions options);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Loads or makes its id, adopts or kills the workers of a previous run,
  // registers, and (with options.run_sync_thread) starts syncing on its own
  // thread.
  void Start();
  // Stops syncing and deregisters. Workers keep running (as Storm's: a
  // restarted supervisor finds them again) unless `kill_workers`.
  void Stop(bool kill_workers = false);

  // One round of the supervisor's work, synchronously: reads the
  // assignments for this supervisor, kills the workers that must go (slot
  // no longer theirs, process exited, heartbeat too old or never written),
  // downloads missing code and launches the workers of free assigned
  // slots, removes code no longer assigned here, and refreshes its
  // registration when supervisor.heartbeat.frequency.secs has passed.
  // Throws what the cluster state throws (StateStorageError); a worker
  // that cannot be started is logged and tried again next round. Call it
  // after Start(); once Stop() began it does nothing.
  void SyncOnce();

  const std::string& id() const { return id_; }
  const std::vector<int>& slots() const { return slots_; }
  // The workers it runs now (any thread).
  std::vector<SupervisorWorkerView> Workers();
  // port -> pid of the workers it runs now (for tests and logs).
  std::map<int, int> WorkerPids();

 private:
  struct RunningWorker {
    std::string worker_id;
    std::string topology_id;
    std::vector<ExecutorId> executors;
    int pid = 0;
    int64_t launched_nanos = 0;
  };
  struct SlotAssignment {
    std::string topology_id;
    std::vector<ExecutorId> executors;
    std::string master_code_dir;
  };

  void LoadOrMakeId();
  void AdoptOrKillPreviousWorkers();
  void Heartbeat();
  void Loop();
  void SyncProcesses();
  // This host's slots' assignments: read from ZooKeeper, and kept as
  // LocalState's topology copies; from those copies while ZooKeeper cannot
  // be reached, so that dead workers are restarted all the same.
  std::map<int, SlotAssignment> ReadMyAssignments();
  void EnsureCode(const std::string& topology_id, const std::string& master_code_dir);
  // Whether the last read of the assignments fell back to the local copy
  // (ZooKeeper unreachable). Under sync_mutex_.
  bool zookeeper_away_ = false;
  void LaunchWorker(int port, const SlotAssignment& assignment);
  void KillWorker(int port, const std::string& why);
  void CleanUpCode(const std::map<int, SlotAssignment>& mine);
  int64_t UnixSecs() const;

  SupervisorOptions options_;
  LocalState local_;
  std::string id_;
  std::vector<int> slots_;
  int64_t start_secs_ = 0;
  int listener_id_ = -1;

  std::mutex sync_mutex_;             // held for a whole SyncOnce; guards last_heartbeat_nanos_
  int64_t last_heartbeat_nanos_ = 0;  // options.clock, when it last registered

  std::mutex mutex_;  // guards workers_, wake_, stopping_
  std::condition_variable cv_;
  bool wake_ = false;
  bool stopping_ = false;
  std::map<int, RunningWorker> workers_;  // by port
  std::thread thread_;
};

}  // namespace storm
