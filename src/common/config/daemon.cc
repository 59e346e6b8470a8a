#include "common/config/daemon.h"

#include <spdlog/spdlog.h>

#include "common/config/command_line.h"
#include "common/config/config_loader.h"
#include "common/util/host_name.h"
#include "common/util/logging.h"

namespace storm {

Config StartDaemon(const std::string& name, const GlobalOptions& options) {
  InitLogging(name, options.LogLevelOr("info"));
  Config conf = LoadConfig(options.sources);
  for (const auto& key : UnknownReservedKeys(conf)) {
    spdlog::warn("{}: unknown config key '{}' (a typo?)", name, key);
  }
  return conf;
}

std::string LocalHostName(const Config& conf) {
  std::string configured = conf.getString(Config::kStormLocalHostname, "");
  if (!configured.empty()) return configured;
  return MachineHostName();
}

}  // namespace storm
