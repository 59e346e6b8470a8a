#include "common/daemon.h"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/command_line.h"
#include "common/config_loader.h"
#include "common/logging.h"
#include "storm/errors.h"

namespace storm {

sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return signals;
}

Config StartDaemon(const std::string& name, const std::vector<std::string>& args) {
  CommandLine cl;
  try {
    cl = ParseCommandLine(args);
    if (!cl.positional.empty()) {
      throw ConfigError("unexpected argument '" + cl.positional[0] + "'");
    }
  } catch (const ConfigError&) {
    InitLogging(name);  // so that the caller's error line has the one format
    throw;
  }
  InitLogging(name, cl.log_level);
  Config conf = LoadConfig(cl.sources);
  for (const auto& key : UnknownReservedKeys(conf)) {
    spdlog::warn("{}: unknown config key '{}' (a typo?)", name, key);
  }
  return conf;
}

std::string LocalHostName(const Config& conf) {
  std::string configured = conf.getString(Config::kStormLocalHostname, "");
  if (!configured.empty()) return configured;
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

}  // namespace storm
