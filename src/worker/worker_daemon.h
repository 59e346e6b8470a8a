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
// problem (bad command line or config, ZooKeeper unreachable at start, code
// missing or not loading, a port that cannot be bound), logged with the
// reason; the supervisor then starts the worker again.
#pragma once

#include <string>
#include <vector>

namespace storm {

int RunWorkerDaemon(const std::vector<std::string>& args);

}  // namespace storm
