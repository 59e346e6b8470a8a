// What a supervisor and its workers share on one host's disk, under
// storm.local.dir (Storm's layout, with our file names):
//   supervisor/supervisor-id                 the supervisor's persisted id
//   supervisor/stormdist/<topology-id>/      code downloaded from Nimbus:
//       stormjar.so  stormcode.ser  stormconf.ser
//   supervisor/topologies/<topology-id>/     the supervisor's copy of the
//       stormbase  assignment                topology's /storms and
//                                            /assignments nodes (Thrift
//                                            binary, as the nodes), for
//                                            running it while ZooKeeper is
//                                            away (Storm's local assignments)
//   workers/<worker-id>/heartbeat            the worker's LSWorkerHeartbeat
//                                            (Thrift binary), rewritten
//                                            atomically every
//                                            worker.heartbeat.frequency.secs
//   workers/<worker-id>/stats                the worker's last ClusterWorkerHeartbeat
//                                            (Thrift binary, with its executors'
//                                            stats), rewritten atomically with
//                                            each heartbeat, for the supervisor
//   workers/<worker-id>/pid                  the worker process's pid
//   workers/<worker-id>/worker.yaml          the config the worker runs with
//                                            (JSON, which YAML reads)
// and, under storm.log.dir (LogDir: <storm.local.dir>/logs unless set):
//   workers-artifacts/<topology-id>/<port>/worker.log      the worker's log,
//                                            rotated (worker.1.log, ...)
//   workers-artifacts/<topology-id>/<port>/worker.log.out  its stdout and
//   workers-artifacts/<topology-id>/<port>/worker.log.err  stderr (as Storm)
//
// A worker is started as
//   storm-worker --topology-id T --supervisor-id S --port P --worker-id W
//                --config <storm.local.dir>/workers/W/worker.yaml
// Thread safety: the functions only touch the files named.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/state/cluster_types.h"
#include "common/util/files.h"  // WriteFileAtomically, used with these paths
#include "storm/config.h"

namespace storm {

struct LocalWorkerHeartbeat {
  int64_t time_secs = 0;  // unix time when written
  std::string topology_id;
  std::vector<ExecutorId> executors;
  int port = 0;
};

class LocalState {
 public:
  // An empty log_dir is <local_dir>/logs (LogDir's default).
  explicit LocalState(std::string local_dir, std::string log_dir = "");
  // storm.local.dir and LogDir(conf).
  static LocalState FromConfig(const Config& conf);

  const std::string& local_dir() const { return local_dir_; }
  const std::string& log_dir() const { return log_dir_; }
  std::string SupervisorIdFile() const;
  std::string CodeDir(const std::string& topology_id) const;  // supervisor/stormdist/<id>
  std::string CodeRoot() const;                               // supervisor/stormdist
  std::string WorkersRoot() const;                            // workers
  std::string WorkerDir(const std::string& worker_id) const;
  std::string WorkerConfFile(const std::string& worker_id) const;
  std::string WorkerPidFile(const std::string& worker_id) const;
  std::string WorkersArtifactsRoot() const;  // <log dir>/workers-artifacts
  std::string WorkerLogDir(const std::string& topology_id, int port) const;
  std::string WorkerLogFile(const std::string& topology_id, int port) const;
  std::string WorkerStdoutFile(const std::string& topology_id, int port) const;  // .out
  std::string WorkerStderrFile(const std::string& topology_id, int port) const;  // .err

  // Written with a temporary file and a rename, so readers never see half.
  void WriteHeartbeat(const std::string& worker_id, const LocalWorkerHeartbeat& heartbeat) const;
  // nullopt when missing or unreadable.
  std::optional<LocalWorkerHeartbeat> ReadHeartbeat(const std::string& worker_id) const;

  // The worker's full heartbeat (executor and process stats), written as
  // the heartbeat is: atomically. Read: nullopt when missing or unreadable.
  void WriteWorkerStats(const std::string& worker_id, const WorkerHeartbeat& heartbeat) const;
  std::optional<WorkerHeartbeat> ReadWorkerStats(const std::string& worker_id) const;

  // The supervisor's copy of a topology's StormBase and Assignment as last
  // read from ZooKeeper. Read: nullopt when missing or unreadable.
  struct TopologyCopy {
    StormBase base;
    Assignment assignment;
  };
  void WriteTopologyCopy(const std::string& topology_id, const TopologyCopy& copy) const;
  std::optional<TopologyCopy> ReadTopologyCopy(const std::string& topology_id) const;
  std::vector<std::string> TopologyCopies() const;  // topology ids
  void RemoveTopologyCopy(const std::string& topology_id) const;

 private:
  std::string local_dir_;
  std::string log_dir_;
};

}  // namespace storm
