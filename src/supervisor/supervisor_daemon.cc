#include "supervisor/supervisor_daemon.h"

#include <signal.h>

#include <chrono>
#include <filesystem>

#include "common/config/daemon.h"
#include "common/http/metrics_endpoint.h"
#include "common/util/logging.h"
#include "common/state/zookeeper_storage.h"
#include "supervisor/supervisor.h"
#include "supervisor/supervisor_metrics.h"

namespace storm {

int RunSupervisorDaemon(const GlobalOptions& command_line) {
  try {
    Config conf = StartDaemon("supervisor", command_line);
    // storm.local.dir and storm.log.dir are handed to workers: make them
    // absolute first.
    conf.put(Config::kStormLocalDir,
             std::filesystem::absolute(conf.getString(Config::kStormLocalDir)).string());
    conf.put(Config::kStormLogDir, LogDir(conf));  // absolute, for the workers too
    const sigset_t signals = BlockStopSignals();  // taken by sigwait below
    const std::string hostname = LocalHostName(conf);
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::string worker_binary = (self.parent_path() / "storm-worker").string();
    if (!std::filesystem::exists(worker_binary)) {
      throw StormError("the worker binary " + worker_binary + " is missing");
    }

    ZooKeeperOptions zk = ZooKeeperOptionsFromConfig(conf);
    // No retries: the supervisor's loop reads ZooKeeper again every
    // supervisor.monitor.frequency.secs and runs its workers from its local
    // copy of the assignments meanwhile. A call that waited out the retries
    // for a lost ZooKeeper (~30 s) would hold up the restart of dead workers.
    zk.retry_times = 0;
    spdlog::info("supervisor: connecting to ZooKeeper ({} servers, root {})", zk.servers.size(),
                 zk.root);
    SupervisorOptions options;
    options.conf = conf;
    options.state = std::make_shared<ClusterState>(ZooKeeperStorage::Connect(zk));
    options.launcher = std::make_shared<ProcessWorkerLauncher>(worker_binary);
    options.download = NimbusCodeDownloader(conf, options.state);
    options.hostname = hostname;
    Supervisor supervisor(options);
    supervisor.Start();
    SupervisorMetrics collector(supervisor, LocalState(conf.getString(Config::kStormLocalDir)),
                                hostname);
    auto metrics = http::StartMetricsServer(
        "supervisor", Config::kSupervisorMetricsPort,
        static_cast<int>(conf.getInt(Config::kSupervisorMetricsPort)),
        [&collector, started = std::chrono::steady_clock::now()] {
          metrics::MetricSet set = collector.Collect();
          http::AddDaemonUptime(set, "supervisor", started);
          return set;
        });

    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("supervisor: {} received, shutting down (workers keep running)", strsignal(sig));
    options.state->storage().StopRetrying();  // not held up by a lost ZooKeeper
    if (metrics) metrics->Stop();
    supervisor.Stop();
    return 0;
  } catch (const std::exception& e) {
    spdlog::error("supervisor: {}", e.what());
    return 1;
  }
}

}  // namespace storm
