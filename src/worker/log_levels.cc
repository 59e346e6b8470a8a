#include "worker/log_levels.h"

#include <vector>

#include "common/util/logging.h"

namespace storm {

std::optional<spdlog::level::level_enum> LogLevels::Wanted(const std::string& logger,
                                                           const LoggerLevel& entry,
                                                           int64_t now_epoch_secs) {
  const bool expired =
      entry.reset_timeout_epoch_secs > 0 && now_epoch_secs >= entry.reset_timeout_epoch_secs;
  const std::string& name = expired ? entry.reset_level : entry.target_level;
  auto level = LevelFromStormName(name);
  if (!level) {
    spdlog::warn(
        "worker: log level '{}' for logger {} is not one of TRACE, DEBUG, INFO, WARN, "
        "ERROR, FATAL, OFF; ignored",
        name, logger);
  }
  return level;
}

std::optional<spdlog::level::level_enum> LogLevels::Current(const std::string& logger) const {
  if (logger == kRootLogger) return spdlog::default_logger()->level();
  auto found = spdlog::get(logger);
  if (!found) return std::nullopt;
  return found->level();
}

bool LogLevels::Set(const std::string& logger, spdlog::level::level_enum level) {
  if (logger == kRootLogger) {
    spdlog::set_level(level);  // every registered logger, and the default for new ones
    return true;
  }
  auto found = spdlog::get(logger);
  if (!found) return false;
  found->set_level(level);
  return true;
}

void LogLevels::Apply(const std::optional<LogConfig>& config, int64_t now_epoch_secs) {
  std::map<std::string, spdlog::level::level_enum> wanted;
  if (config) {
    for (const auto& [logger, entry] : config->loggers) {
      // Warn once per bad name, not on every heartbeat.
      const std::string& name = entry.target_level;
      if (auto it = warned_.find(logger); it != warned_.end() && it->second == name) continue;
      if (auto level = Wanted(logger, entry, now_epoch_secs)) {
        wanted[logger] = *level;
        warned_.erase(logger);
      } else {
        warned_[logger] = name;
      }
    }
  }
  // Removed entries go back to where they were, wanted ones to their level;
  // ROOT first, since spdlog::set_level resets every named logger too.
  std::map<std::string, spdlog::level::level_enum> targets;
  for (const auto& [logger, level] : applied_) {
    if (!wanted.count(logger) && original_.count(logger)) targets[logger] = original_[logger];
  }
  for (const auto& [logger, level] : wanted) targets[logger] = level;
  bool root_changed = false;
  std::vector<std::string> order;
  if (targets.count(kRootLogger)) order.push_back(kRootLogger);
  for (const auto& [logger, level] : targets) {
    if (logger != kRootLogger) order.push_back(logger);
  }
  // The levels before any change of ours, read before ROOT changes them.
  for (const std::string& logger : order) {
    if (original_.count(logger)) continue;
    if (auto current = Current(logger)) original_[logger] = *current;
  }
  for (const std::string& logger : order) {
    if (!original_.count(logger)) continue;  // not created yet: next time
    const spdlog::level::level_enum level = targets[logger];
    auto previous = applied_.find(logger);
    // After a ROOT change every named logger must be set again.
    if (previous != applied_.end() && previous->second == level && !root_changed) continue;
    if (!Set(logger, level)) continue;
    if (logger == kRootLogger) root_changed = true;
    spdlog::info("worker: log level of {} is now {}", logger, StormLevelName(level));
    if (wanted.count(logger)) {
      applied_[logger] = level;
    } else {
      applied_.erase(logger);
      original_.erase(logger);
    }
  }
}

}  // namespace storm
