// The worker daemon: what `storm-worker` runs, started by a supervisor as
//   storm-worker --topology-id T --supervisor-id S --port P --worker-id W
//                --config <storm.local.dir>/workers/W/worker.yaml
// (common/local_state.h). Writes its pid to LocalState::WorkerPidFile(W),
// logs to LocalState::WorkerLogFile(T, P), connects to ZooKeeper and runs a
// WorkerProcess (worker/worker_process.h) until SIGTERM/SIGINT or until its
// slot changes.
//
// Exit status: 0 after a clean stop (a signal, the topology gone, the slot
// unassigned or reassigned, or nothing assigned at start); 1 for a fatal
// problem (a bad config, ZooKeeper unreachable at start, code missing or not
// loading, a port that cannot be bound), logged with the reason; 2 for a bad
// command line (one line on stderr). The supervisor then starts the worker
// again.
#pragma once

#include <string>

#include "common/config/command_line.h"

namespace storm {

inline constexpr const char* kWorkerDescription =
    "One worker process of a topology, started by a supervisor for one of its slots: runs the "
    "executors Nimbus assigned to the slot until SIGTERM or SIGINT, or until the slot changes.";

// storm-worker's command line: all four options are required.
struct WorkerCommandLine {
  GlobalOptions global;  // --config is the worker's worker.yaml
  std::string topology_id;
  std::string supervisor_id;
  int port = 0;  // the slot's port, which the worker listens on
  std::string worker_id;
};

void AddWorkerOptions(CLI::App& app, WorkerCommandLine& out);

int RunWorkerDaemon(const WorkerCommandLine& command_line);

}  // namespace storm
