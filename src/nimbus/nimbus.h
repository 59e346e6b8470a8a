// Nimbus: the master (docs/architecture.md#processes), as a library. The Thrift server
// (nimbus_server.h) is a thin adapter over it; `storm local` drives it
// in-process over in-memory cluster state.
//
// Stateless: everything lives in the ClusterState (ZooKeeper) and the
// CodeStore (local disk). What Nimbus keeps in memory is a cache it rebuilds
// after a restart: topologies read back from the code store, when it last
// saw each executor's heartbeat change, and the deadlines of kill and
// rebalance actions (restarted from their full wait, as Storm does).
//
// Time: all timeouts run on the injected Clock, so tests drive heartbeat
// timeouts and kill waits with a ManualClock and call RunMonitorOnce().
//
// Errors: NotAliveError, AlreadyAliveError, InvalidTopologyError (bad
// topology or options), StormError (uploads, downloads),
// StateStorageError (ZooKeeper unreachable).
// Thread safety: every public method may be called from any thread; one
// mutex serializes the operations that change cluster state.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/util/clock.h"
#include "common/state/cluster_state.h"
#include "common/topology/topology_layout.h"
#include "nimbus/code_store.h"
#include "nimbus/nimbus_pages.h"
#include "storm/config.h"
#include "storm/errors.h"
#include "storm/topology.h"

namespace storm {

// Checks that the library at `path` loads and, run with the topology's main
// arguments, builds a topology named `name` with the components of
// `topology`. Throws InvalidTopologyError saying why not.
// `conf` is the topology's config (its main's arguments are in
// topology.cpp.main.args).
using LibraryChecker = std::function<void(const std::string& path, const std::string& name,
                                          const Config& conf, const StormTopology& topology)>;

struct NimbusOptions {
  Config conf;  // the daemon's config (defaults included)
  std::shared_ptr<ClusterState> state;
  Clock* clock = RealClock::Get();
  // Unix time in seconds, for launch times and uptimes shown to users.
  std::function<int64_t()> unix_secs;
  LibraryChecker check_library;  // empty: libraries are not checked
  // Local mode: topologies come without a library (it is already loaded).
  bool library_optional = false;
  std::string host = "localhost";
  int port = 0;  // for /nimbuses
  // Whether Start() runs the monitor on a thread every nimbus.monitor.freq.secs.
  bool run_monitor_thread = true;
};

struct ClusterSummaryInfo {
  std::vector<SupervisorSummaryInfo> supervisors;
  std::vector<TopologySummaryInfo> topologies;
  std::vector<NimbusInfo> nimbuses;
};

// One entry of Storm's setLogConfig: a logger's level set (kUpdate, back to
// reset_level after timeout_secs when not 0), or the level set for it
// removed (kRemove); kUnchanged entries are ignored.
struct LogLevelChange {
  enum class Action { kUnchanged, kUpdate, kRemove };
  Action action = Action::kUnchanged;
  std::string target_level;
  int timeout_secs = 0;
  std::string reset_level = "INFO";
};

// What getOwnerResourceSummaries reports of one owner's live topologies.
struct OwnerSummaryInfo {
  std::string owner;
  int total_topologies = 0;
  int total_executors = 0;
  int total_workers = 0;
  int total_tasks = 0;
};

struct TopologyDetails {
  TopologySummaryInfo summary;
  std::vector<ExecutorSummaryInfo> executors;
  std::map<std::string, std::vector<ErrorRecordInfo>> errors;  // by component
};

class Nimbus {
 public:
  explicit Nimbus(NimbusOptions options);
  ~Nimbus();
  Nimbus(const Nimbus&) = delete;
  Nimbus& operator=(const Nimbus&) = delete;

  // Registers this Nimbus under /nimbuses (with `advertised_port`, or
  // options.port when negative), picks up the topologies in the cluster
  // state, and starts the monitor thread.
  void Start(int advertised_port = -1);
  void Stop();

  // ---- Topologies. Names are topology names; ids are <name>-<n>-<secs>.
  // Returns the new topology's id. `library_location` is a finished upload.
  std::string SubmitTopology(const std::string& name, const std::string& library_location,
                             const Config& conf, const StormTopology& topology,
                             bool start_active = true);
  // Deactivates the topology's spouts, then after wait_secs (default: its
  // topology.message.timeout.secs) removes its workers, state and code.
  void KillTopology(const std::string& name, std::optional<int> wait_secs = std::nullopt);
  void Activate(const std::string& name);
  void Deactivate(const std::string& name);
  void Rebalance(const std::string& name, const RebalanceRequest& request,
                 bool wait_given = false);

  // ---- Code (see CodeStore).
  CodeStore& code_store() { return *code_store_; }

  // ---- Queries.
  ClusterSummaryInfo GetClusterInfo();
  TopologyDetails GetTopologyInfo(const std::string& id);
  StormTopology GetUserTopology(const std::string& id);
  // The UI's pages (nimbus_pages.h; Storm's getTopologyPageInfo, ...). A
  // window Storm does not know reads as ":all-time". NotAliveError names
  // the unknown topology, component or supervisor.
  TopologyPage GetTopologyPage(const std::string& id, const std::string& window,
                               bool include_sys);
  ComponentPage GetComponentPage(const std::string& id, const std::string& component,
                                 const std::string& window, bool include_sys);
  // The supervisor `id`, or when id is empty every supervisor on `host`.
  SupervisorPage GetSupervisorPage(const std::string& id, const std::string& host,
                                   bool include_sys);
  // The topology with the system components (ackers) Nimbus adds.
  StormTopology GetTopology(const std::string& id);
  Config GetTopologyConf(const std::string& id);
  const Config& nimbus_conf() const { return options_.conf; }
  // The id of the topology of that name not yet removed, if any.
  std::optional<std::string> IdOfName(const std::string& name);
  // The layout the workers of `id` run (executors as rebalanced).
  std::shared_ptr<const TopologyLayout> Layout(const std::string& id);

  // ---- Log levels, sampling, history, owners.
  // Storm's setLogConfig on the topology `id`: applies the changes by logger
  // name to /logconfigs/<id>; an update's reset deadline is now + timeout.
  void SetLogConfig(const std::string& id, const std::map<std::string, LogLevelChange>& changes);
  // What /logconfigs/<id> holds (empty when nothing was set).
  LogConfig GetLogConfig(const std::string& id);
  // Storm's debug: samples `sampling_pct` % (0..100, else std::invalid_argument)
  // of what `component` (every component when empty) of the topology named
  // `name` emits. NotAliveError names an unknown topology or component.
  void Debug(const std::string& name, const std::string& component, bool enable,
             double sampling_pct);
  // Ids of the live topologies and of those removed within
  // logviewer.cleanup.age.mins (Storm's LSTopoHistory, kept under
  // storm.local.dir/nimbus).
  std::vector<std::string> TopologyHistory();
  // By owner (all when `owner` is empty), of the live topologies.
  std::vector<OwnerSummaryInfo> OwnerSummaries(const std::string& owner);

  // One turn of the monitor: kill and rebalance deadlines, heartbeat
  // timeouts, (re)assignment, clean-up of what dead topologies left.
  void RunMonitorOnce();

 private:
  // AlreadyAliveError when a topology of that name is alive. mutex_ held.
  void ThrowIfAlive(const std::string& name);
  struct Cached {
    StormTopology topology;  // as submitted
    Config conf;             // merged topology config
  };
  struct ExecutorBeat {
    int64_t last_time_secs = -1;  // the heartbeat's own time, as last read
    int64_t seen_nanos = 0;       // Nimbus clock when it last changed
  };

  // What the pages and GetTopologyInfo read of a topology. mutex_ held.
  struct Snapshot {
    StormBase base;
    std::shared_ptr<const TopologyLayout> layout;
    Assignment assignment;  // empty before the first assignment
    std::map<WorkerSlot, WorkerHeartbeat> beats;
    TopologyDetails details;
  };
  Snapshot ReadSnapshot(const std::string& id);
  std::vector<WorkerSummaryInfo> WorkersOf(const Snapshot& s, bool include_sys,
                                           const std::string& only_node = "");

  std::string Submit(const std::string& name, const std::string& library_location,
                     const Config& conf, const StormTopology& topology, bool start_active);
  int64_t NowSecs() const;
  Cached& Load(const std::string& id);  // with mutex_ held
  std::string FindId(const std::string& name);  // throws NotAliveError; mutex_ held
  StormBase GetBase(const std::string& id);     // throws NotAliveError
  std::shared_ptr<const TopologyLayout> LayoutFor(const std::string& id, const StormBase& base);
  void Transition(const std::string& name, TopologyStatus to);

  // Monitor parts, with mutex_ held.
  void FireDueActions();
  void FinishKill(const std::string& id);
  void FinishRebalance(const std::string& id, StormBase base);
  void MakeAssignments();
  void AssignTopology(const std::string& id, const StormBase& base,
                      const std::map<std::string, SupervisorInfo>& supervisors,
                      std::set<WorkerSlot>& used_by_others, bool force_fresh);
  std::set<ExecutorId> AliveExecutors(const std::string& id, const Assignment& assignment,
                                      const std::map<std::string, SupervisorInfo>& supervisors);
  void CleanUp();
  void MonitorLoop();
  // The topology history (nimbus_admin.cc); the file is only touched with
  // mutex_ held.
  std::string HistoryPath() const;
  std::map<std::string, int64_t> ReadHistory() const;  // id -> removed at
  void RecordRemoved(const std::string& id);

  NimbusOptions options_;
  std::unique_ptr<CodeStore> code_store_;
  const int64_t start_secs_;

  std::mutex mutex_;  // serializes state changes; guards everything below
  std::map<std::string, Cached> cache_;                                // by id
  std::map<std::string, std::map<ExecutorId, ExecutorBeat>> beats_;    // by id
  std::map<std::string, std::map<ExecutorId, int64_t>> assigned_at_;   // nimbus nanos
  std::map<std::string, int64_t> action_deadline_nanos_;              // kill/rebalance
  int submit_counter_ = 0;

  std::mutex monitor_mutex_;
  std::condition_variable monitor_cv_;
  bool stopping_ = false;  // guarded by monitor_mutex_
  std::thread monitor_;
};

}  // namespace storm
