#include "supervisor/supervisor_daemon.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include "common/command_line.h"
#include "common/logging.h"
#include "common/zookeeper_storage.h"
#include "supervisor/supervisor.h"

namespace storm {

int RunSupervisorDaemon(const std::vector<std::string>& args) {
  try {
    CommandLine cl = ParseCommandLine(args);
    if (!cl.positional.empty()) throw ConfigError("unexpected argument '" + cl.positional[0] + "'");
    InitLogging("supervisor", cl.log_level);
    Config conf = LoadConfig(cl.sources);
    for (const auto& key : UnknownReservedKeys(conf)) {
      spdlog::warn("supervisor: unknown config key '{}' (a typo?)", key);
    }
    // storm.local.dir is handed to workers: make it absolute first.
    conf.put(Config::kStormLocalDir,
             std::filesystem::absolute(conf.getString(Config::kStormLocalDir)).string());
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    signal(SIGPIPE, SIG_IGN);

    std::string hostname = conf.getString(Config::kStormLocalHostname, "");
    if (hostname.empty()) {
      char name[256] = {};
      hostname = gethostname(name, sizeof name - 1) == 0 ? name : "localhost";
    }
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::string worker_binary = (self.parent_path() / "storm-worker").string();
    if (!std::filesystem::exists(worker_binary)) {
      throw StormError("the worker binary " + worker_binary + " is missing");
    }

    ZooKeeperOptions zk = ZooKeeperOptionsFromConfig(conf);
    spdlog::info("supervisor: connecting to ZooKeeper ({} servers, root {})", zk.servers.size(),
                 zk.root);
    SupervisorOptions options;
    options.conf = conf;
    options.state = std::make_shared<ClusterState>(ZooKeeperStorage::Connect(zk));
    options.launcher = std::make_shared<ProcessWorkerLauncher>(worker_binary);
    options.download = NimbusCodeDownloader(conf);
    options.hostname = hostname;
    Supervisor supervisor(options);
    supervisor.Start();

    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("supervisor: {} received, shutting down (workers keep running)", strsignal(sig));
    options.state->storage().StopRetrying();  // not held up by a lost ZooKeeper
    supervisor.Stop();
    return 0;
  } catch (const std::exception& e) {
    spdlog::error("supervisor: {}", e.what());
    return 1;
  }
}

}  // namespace storm
