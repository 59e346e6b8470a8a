#include "nimbus/nimbus_daemon.h"

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "common/client/code_download.h"
#include "common/config/daemon.h"
#include "common/util/logging.h"
#include "common/state/zookeeper_storage.h"
#include "common/http/metrics_endpoint.h"
#include "nimbus/library_check.h"
#include "nimbus/nimbus_metrics.h"
#include "nimbus/nimbus_server.h"

namespace storm {

int RunNimbusDaemon(const GlobalOptions& command_line) {
  try {
    Config conf = StartDaemon("nimbus", command_line);
    const sigset_t signals = BlockStopSignals();  // taken by sigwait below

    ZooKeeperOptions zk = ZooKeeperOptionsFromConfig(conf);
    spdlog::info("nimbus: connecting to ZooKeeper ({} servers, root {})", zk.servers.size(),
                 zk.root);
    auto state = std::make_shared<ClusterState>(ZooKeeperStorage::Connect(zk));

    NimbusOptions options;
    options.conf = conf;
    options.state = state;
    options.host = LocalHostName(conf);
    std::error_code ec;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    options.check_library = MakeSubprocessLibraryChecker(self, 60);
    options.fetch_code = [conf](const std::string& host_port, const std::string& topology_id,
                                const std::string& dest_dir) {
      DownloadTopologyCodeFrom(conf, host_port, topology_id, dest_dir);
    };
    spdlog::info("nimbus: local dir {}", std::filesystem::absolute(conf.getString(Config::kStormLocalDir)).string());
    Nimbus nimbus(options);
    NimbusServer server(nimbus, conf, "0.0.0.0", static_cast<int>(conf.getInt(Config::kNimbusThriftPort)));
    server.Start([&nimbus](int port) { nimbus.Start(port); });
    spdlog::info("nimbus: started on {}:{}, {} topologies in the cluster state", options.host,
                 server.port(), state->ActiveStorms().size());
    const int thrift_port = server.port();
    auto metrics = http::StartMetricsServer(
        "nimbus", Config::kNimbusMetricsPort, static_cast<int>(conf.getInt(Config::kNimbusMetricsPort)),
        [&nimbus, host = options.host, thrift_port, started = std::chrono::steady_clock::now()] {
          metrics::MetricSet set = NimbusMetrics(nimbus, host, thrift_port);
          http::AddDaemonUptime(set, "nimbus", started);
          return set;
        });

    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("nimbus: {} received, shutting down", strsignal(sig));
    state->storage().StopRetrying();  // not held up by a lost ZooKeeper
    // The election first: a follower takes the lead at once, while the
    // Thrift server waits for its clients' connections to end (a follower
    // now, this Nimbus refuses writes meanwhile).
    nimbus.Stop();
    if (metrics) metrics->Stop();
    server.Stop();
    spdlog::info("nimbus: stopped");
    return 0;
  } catch (const std::exception& e) {
    spdlog::error("nimbus: {}", e.what());
    return 1;
  }
}

void AddCheckLibraryCommand(CLI::App& app, std::function<int()>& run) {
  CLI::App* check = app.add_subcommand("check-library", "")->group("");  // "": hidden
  auto args = std::make_shared<std::vector<std::string>>();
  // Every word after `check-library` is the check's, verbatim.
  check->prefix_command();
  check->set_help_flag();
  check->callback([check, args, &run] {
    *args = check->remaining();
    run = [args] { return RunLibraryCheckCommand(*args); };
  });
}

}  // namespace storm
