#include "common/config/daemon.h"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "common/config/command_line.h"
#include "common/config/config_loader.h"
#include "common/util/host_name.h"
#include "common/util/logging.h"

namespace storm {

Config StartDaemon(const std::string& name, const GlobalOptions& options) {
  const std::string level = options.LogLevelOr("info");
  InitLogging(name, level);  // stderr only until the config says where the file is
  Config conf = LoadConfig(options.sources);
  LogFileOptions file;
  file.path = (std::filesystem::path(LogDir(conf)) / (name + ".log")).string();
  file.max_bytes = static_cast<size_t>(conf.getInt(Config::kStormDaemonLogRotationSizeMb)) << 20;
  file.max_files = static_cast<size_t>(conf.getInt(Config::kStormDaemonLogRotationFiles));
  file.also_stderr = true;
  try {
    InitLogging(name, level, file);
    spdlog::info("{}: logging to {} and stderr", name, file.path);
  } catch (const std::exception& e) {
    spdlog::warn("{}: cannot log to {} ({}); logging to stderr only", name, file.path, e.what());
  }
  for (const auto& key : UnknownReservedKeys(conf)) {
    spdlog::warn("{}: unknown config key '{}' (a typo?)", name, key);
  }
  return conf;
}

std::string LogDir(const Config& conf) {
  namespace fs = std::filesystem;
  const std::string configured = conf.getString(Config::kStormLogDir, "");
  const fs::path dir = configured.empty()
                           ? fs::path(conf.getString(Config::kStormLocalDir)) / "logs"
                           : fs::path(configured);
  fs::path normal = fs::absolute(dir).lexically_normal();
  if (!normal.has_filename() && normal.has_parent_path()) normal = normal.parent_path();  // "a/"
  return normal.string();
}

std::string LocalHostName(const Config& conf) {
  std::string configured = conf.getString(Config::kStormLocalHostname, "");
  if (!configured.empty()) return configured;
  return MachineHostName();
}

}  // namespace storm
