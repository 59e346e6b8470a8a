#include "worker/worker_daemon.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/config/daemon.h"
#include "common/state/local_state.h"
#include "common/util/logging.h"
#include "common/state/zookeeper_storage.h"
#include "storm/errors.h"
#include "worker/tcp_transport.h"
#include "worker/worker_process.h"

namespace storm {

namespace {

namespace fs = std::filesystem;

WorkerProcessOptions MakeOptions(const WorkerCommandLine& command_line) {
  WorkerProcessOptions options;
  options.topology_id = command_line.topology_id;
  options.supervisor_id = command_line.supervisor_id;
  options.port = command_line.port;
  options.worker_id = command_line.worker_id;
  options.make_transport = MakeTcpTransport;
  options.conf = LoadConfig(command_line.global.sources);
  const int64_t beat_secs = options.conf.getInt(Config::kWorkerHeartbeatFrequencySecs, 1);
  options.heartbeat_interval = std::chrono::seconds(std::max<int64_t>(beat_secs, 1));
  return options;
}

// Not through WriteFileAtomically's "<path>.tmp": the supervisor writes the
// same file when it has started us, maybe at this very moment.
void WritePidFile(const std::string& path) {
  const std::string tmp = path + "." + std::to_string(getpid()) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << getpid() << "\n";
    if (!out.flush()) throw StormError("cannot write " + tmp);
  }
  fs::rename(tmp, path);
}

}  // namespace

void AddWorkerOptions(CLI::App& app, WorkerCommandLine& out) {
  AddGlobalOptions(app, out.global);
  app.add_option("--topology-id", out.topology_id, "the topology whose worker this is")
      ->type_name("ID")
      ->required();
  app.add_option("--supervisor-id", out.supervisor_id, "the supervisor that started it")
      ->type_name("ID")
      ->required();
  app.add_option("--port", out.port, "the slot's port, which the worker listens on")
      ->type_name("PORT")
      ->check(WholeNumber(1, 65535))
      ->required();
  app.add_option("--worker-id", out.worker_id, "its id on the supervisor's host")
      ->type_name("ID")
      ->required();
}

int RunWorkerDaemon(const WorkerCommandLine& command_line) {
  WorkerProcessOptions options;
  const std::string log_level = command_line.global.LogLevelOr("info");
  try {
    options = MakeOptions(command_line);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "storm-worker: %s\n", e.what());
    return 1;
  }
  // SIGTERM/SIGINT are taken by the signal thread below; block them before
  // any thread starts (the log flusher's, ZooKeeper's, the executors').
  const sigset_t signals = BlockStopSignals();

  const LocalState local = LocalState::FromConfig(options.conf);
  // worker.log, rotated; not stderr too, which the supervisor sends to
  // worker.log.err (every line would be there twice).
  LogFileOptions log_file;
  log_file.path = local.WorkerLogFile(options.topology_id, options.port);
  log_file.max_bytes =
      static_cast<size_t>(options.conf.getInt(Config::kWorkerLogRotationSizeMb)) << 20;
  log_file.max_files = static_cast<size_t>(options.conf.getInt(Config::kWorkerLogRotationFiles));
  try {
    InitLogging("worker", log_level, log_file);
  } catch (const std::exception& e) {
    InitLogging("worker", log_level);
    spdlog::warn("worker: cannot log to {} ({}); logging to stderr", log_file.path, e.what());
  }
  spdlog::flush_every(std::chrono::seconds(1));
  int status = 0;
  try {
    spdlog::info("worker: {} of {} on port {} (supervisor {}, pid {})", options.worker_id,
                 options.topology_id, options.port, options.supervisor_id, getpid());
    try {
      WritePidFile(local.WorkerPidFile(options.worker_id));
    } catch (const std::exception& e) {
      spdlog::warn("worker: cannot write its pid file: {}", e.what());
    }
    ZooKeeperOptions zk = ZooKeeperOptionsFromConfig(options.conf);
    spdlog::info("worker: connecting to ZooKeeper ({} servers, root {})", zk.servers.size(),
                 zk.root);
    // In the background: a worker restarted while ZooKeeper is away starts
    // from its supervisor's copy of the assignment and runs without it.
    options.state = std::make_shared<ClusterState>(ZooKeeperStorage::ConnectInBackground(zk));

    WorkerProcess process(options);
    if (process.Start()) {
      std::atomic<bool> done{false};
      std::thread signal_thread([&] {
        const timespec tick{0, 200'000'000};
        while (!done.load()) {
          const int sig = sigtimedwait(&signals, nullptr, &tick);
          if (sig > 0) {
            spdlog::info("worker: {} received", strsignal(sig));
            process.RequestStop();
            return;
          }
        }
      });
      process.Run();
      done.store(true);
      signal_thread.join();
    }
    spdlog::info("worker: exiting");
  } catch (const std::exception& e) {
    spdlog::error("worker: {}", e.what());
    status = 1;
  }
  spdlog::default_logger()->flush();
  return status;
}

}  // namespace storm
