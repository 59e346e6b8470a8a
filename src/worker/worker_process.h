// WorkerProcess: what one storm-worker process does (docs/architecture.md,
// "Processes" and "Inside a worker"), as a library that `storm-worker` runs
// and tests drive in-process.
//
// Start():
//   - reads the topology's StormBase and Assignment; this slot's executors
//     are those assigned to (supervisor id, port). None: nothing to do.
//   - loads the code the supervisor put in LocalState::CodeDir: the
//     topology's shape from stormcode.ser, its config from stormconf.ser, and
//     the spouts' and bolts' factories from stormjar.so (its main run with
//     topology.cpp.main.args, the submission named as StormBase says);
//   - builds the layout as Nimbus does (BuildRunningLayout), and a Worker
//     with those executors at "<node host>:<port>" over the transport (TCP
//     between processes), every other task at its own slot's endpoint; binds
//     the port and starts it, active when the topology is.
// Run() follows the cluster until RequestStop() or until this slot changes:
//   - on every change of /storms/<id> or /assignments/<id> (a watch) and
//     every sync_interval: the spouts run while the status is ACTIVE; the
//     worker ends when the topology is gone, the slot is no longer assigned,
//     or its executors changed (the supervisor starts a new worker for the
//     new ones); tasks of other workers that moved are re-routed in place;
//   - every heartbeat_interval: a local heartbeat for the supervisor
//     (LocalState::WriteHeartbeat, on a thread of its own so that a slow
//     ZooKeeper never delays it) and one with executor stats (windowed per
//     stream, ExecutorStatsReporter) and the process's RSS and CPU under
//     /workerbeats, also written to the worker dir for the supervisor
//     (LocalState::WriteWorkerStats); and the tasks' new errors under /errors.
// When Run returns, the Worker is stopped and its /workerbeats node removed.
//
// Errors: Start throws StormError (or a subclass) for what a restart may
// cure or an operator must fix: code missing or not loading, a layout that
// does not match the assignment, a port that cannot be bound. ZooKeeper
// failures while running are logged and retried on the next round.
// Thread safety: Start and Run on one thread; RequestStop from any.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/util/clock.h"
#include "common/state/cluster_state.h"
#include "common/state/local_state.h"
#include "common/topology/topology_layout.h"
#include "common/topology/topology_library.h"
#include "storm/config.h"
#include "worker/component_factory.h"
#include "worker/event_log.h"
#include "worker/executor_beat_stats.h"
#include "worker/log_levels.h"
#include "worker/tcp_transport.h"
#include "worker/transport.h"
#include "worker/worker.h"

namespace storm {

using TransportMaker = std::function<std::unique_ptr<Transport>(const TcpTransportOptions&)>;

struct WorkerProcessOptions {
  std::string topology_id;
  std::string supervisor_id;
  int port = 0;
  std::string worker_id;
  Config conf;  // the worker's daemon config (defaults included): storm.local.dir
  std::shared_ptr<ClusterState> state;
  TransportMaker make_transport;  // required; storm-worker's: MakeTcpTransport
  Clock* clock = RealClock::Get();
  std::chrono::milliseconds sync_interval{1000};
  std::chrono::milliseconds heartbeat_interval{1000};  // worker.heartbeat.frequency.secs
};

enum class WorkerExit {
  kStopped,       // RequestStop (SIGTERM, SIGINT)
  kTopologyGone,  // no StormBase or no Assignment any more
  kUnassigned,    // the slot runs no executor of the topology any more
  kReassigned,    // the slot's executors changed (rebalance)
};
const char* WorkerExitName(WorkerExit exit);

class WorkerProcess {
 public:
  explicit WorkerProcess(WorkerProcessOptions options);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // False when the topology is gone or nothing is assigned to this slot.
  bool Start();
  // Blocks until the worker ends (see above); it is stopped on return.
  WorkerExit Run();
  // Makes Run return kStopped soon, without waiting for a lost ZooKeeper
  // (the cluster state's storage stops retrying). Any thread.
  void RequestStop();

  // How many rounds of heartbeat (with the new errors after it) Run has
  // written to the cluster state. Any thread; for tests, to wait for a
  // number of the worker's rounds rather than for a time.
  uint64_t ClusterHeartbeats() const { return cluster_heartbeats_.load(); }

  // After Start: the worker, for tests.
  Worker& worker() { return *worker_; }
  const std::vector<ExecutorId>& executors() const { return executors_; }

 private:
  void LoadCode(const StormBase& base);
  // The Worker of this slot's executors, not started.
  void MakeWorker(const Assignment& assignment);
  // The endpoint of every task of the topology ("" for an unassigned one).
  std::vector<std::string> EndpointOfTask(const Assignment& assignment) const;
  std::string Endpoint(const Assignment& assignment, const WorkerSlot& slot) const;
  std::optional<WorkerExit> Sync();
  // The heartbeat with its executors' stats; written to the stats file (for
  // the supervisor) and, by HeartbeatToCluster, to ZooKeeper.
  WorkerHeartbeat MakeHeartbeat();
  WorkerHeartbeat WriteStatsFile();
  void HeartbeatToCluster();
  void ReportNewErrors();
  void ApplyLogConfig();
  void LocalHeartbeatThread();
  void WriteLocalHeartbeat();
  void Shutdown();
  int64_t UnixSecs() const;

  WorkerProcessOptions options_;
  WorkerSlot slot_;
  LocalState local_;
  std::unique_ptr<EventLog> events_;  // outlives worker_
  std::string host_;
  int64_t start_secs_ = 0;
  int listener_id_ = -1;

  // Declared in the order they must outlive each other: objects the library
  // made (the layout's factories, the tasks' spouts and bolts) go before it.
  std::shared_ptr<TopologyLibrary> library_;
  std::shared_ptr<const TopologyLayout> layout_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<TopologyComponentFactory> factory_;
  std::unique_ptr<Worker> worker_;
  std::unique_ptr<ExecutorStatsReporter> stats_reporter_;  // the cluster thread's

  // Cluster thread (Start, Run) state.
  std::vector<ExecutorId> executors_;  // sorted
  std::vector<std::string> endpoint_of_task_;
  bool active_ = false;
  std::map<std::string, DebugOptions> debug_;  // StormBase.component_debug, as applied
  uint64_t errors_reported_ = 0;  // the seq of the last error written to /errors
  std::atomic<uint64_t> cluster_heartbeats_{0};
  // As Run saw ZooKeeper: connected at least once; lost (and said so).
  bool ever_connected_ = false;
  bool zookeeper_lost_ = false;
  LogLevels log_levels_;  // only Run's thread

  bool started_ = false;    // the Worker runs (its beats are ours to remove)
  bool shut_down_ = false;

  std::mutex mutex_;  // guards wake_, stop_requested_, stopping_heartbeats_
  std::condition_variable cv_;            // wakes Run
  std::condition_variable heartbeat_cv_;  // wakes the local heartbeat thread
  bool wake_ = false;
  bool stop_requested_ = false;
  bool stopping_heartbeats_ = false;
  std::thread local_heartbeat_thread_;
};

}  // namespace storm
