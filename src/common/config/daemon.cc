#include "common/config/daemon.h"

#include <spdlog/spdlog.h>

#include "common/config/command_line.h"
#include "common/config/config_loader.h"
#include "common/util/host_name.h"
#include "common/util/logging.h"
#include "storm/errors.h"

namespace storm {

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
  return MachineHostName();
}

}  // namespace storm
