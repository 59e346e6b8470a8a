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
// High availability (docs/ha.md): several Nimbuses elect a leader through
// /leader-lock (LeaderElection). Only the leader schedules, writes
// assignments and topology status, and cleans up; every write of its is
// fenced by its lock node (ClusterState::Guarded), so a leader whose
// session expired writes nothing more even before it knows. Followers answer
// the read calls and refuse the writes with NotLeaderError naming the
// leader. Every Nimbus copies the code of every topology from one that holds
// it (/blobstore), and takes the lead only when it holds the code of every
// active topology.
//
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
#include "nimbus/leader_election.h"
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

// Copies the code files (CodeDir::kFiles) of `topology_id` from the Nimbus
// at `host_port` into `dest_dir`. Throws StormError saying why not.
using CodeFetcher = std::function<void(const std::string& host_port, const std::string& topology_id,
                                       const std::string& dest_dir)>;

// A write reached a Nimbus that does not lead. The message names the leader.
class NotLeaderError : public StormError {
 public:
  using StormError::StormError;
};

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
  // How followers copy code from other Nimbuses; empty: they do not (local
  // mode has one Nimbus).
  CodeFetcher fetch_code;
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
  // options.port when negative), joins the leader election (a lone Nimbus
  // leads when Start returns), and starts the monitor thread.
  void Start(int advertised_port = -1);
  // Leaves the election and stops the monitor.
  void Stop();

  // ---- Leadership.
  bool IsLeader();
  // The leader as ZooKeeper says (ClusterState::Leader); NotLeaderError when
  // none leads now.
  NimbusInfo Leader();
  // "host:port" as this Nimbus registers itself.
  std::string host_port() const;

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

  // ---- Code (see CodeStore). Uploads go to the leader only (BeginUpload
  // throws NotLeaderError elsewhere); downloads are served by every Nimbus.
  CodeStore& code_store() { return *code_store_; }
  std::string BeginUpload();

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
  // timeouts, (re)assignment, clean-up of what dead topologies left. Does
  // nothing on a follower.
  void RunMonitorOnce();
  // One turn of the election: joins the line, takes the lead when first in
  // line and holding all code (fetching what it lacks first, else giving
  // the lock up), steps down when no longer first.
  void ElectionTurn();
  // Copies the code this Nimbus lacks from the Nimbuses that hold it,
  // registers what it holds under /blobstore, and deletes the code of
  // topologies gone.
  void SyncCode();

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
  // Wakes the monitor thread for a round now.
  void Poke();
  // Leadership, with mutex_ held. RequireLeader throws NotLeaderError naming
  // the leader unless this Nimbus leads; Writes() is the fenced cluster state.
  void RequireLeader();
  ClusterState& Writes();
  void BecomeLeader(const std::string& lock_path);
  void StepDown(const std::string& why);
  std::string NotLeaderMessage();
  // Active topologies whose code is not on this disk. mutex_ held.
  std::vector<std::string> MissingCode();
  // Waits (no lock held) until topology.min.replication.count Nimbuses hold
  // the code of `id`, or topology.max.replication.wait.time.sec passes.
  void WaitForReplication(const std::string& id, const Config& conf);
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
  bool leader_ = false;
  bool state_away_ = false;  // the monitor found ZooKeeper unreachable
  std::shared_ptr<ClusterState> writes_;  // fenced by our lock node while leader_
  std::set<std::string> pending_submits_;  // ids waiting for code replication
  std::unique_ptr<LeaderElection> election_;
  int blobstore_listener_ = 0;
  std::mutex sync_mutex_;  // one SyncCode at a time

  std::mutex monitor_mutex_;
  std::condition_variable monitor_cv_;
  bool stopping_ = false;  // guarded by monitor_mutex_
  bool poked_ = false;     // guarded by monitor_mutex_
  int64_t next_sync_nanos_ = 0;  // guarded by monitor_mutex_
  std::thread monitor_;
};

}  // namespace storm
