// LogLevels: applies a topology's LogConfig (Storm's, set by
// `storm set_log_level` and kept at /logconfigs/<topology-id>) to this
// worker process's spdlog loggers.
//
// - "ROOT" is every logger (spdlog::set_level); other names are loggers of
//   that name (spdlog::get), applied after ROOT so that they win.
// - An entry whose reset_timeout_epoch_secs has passed gets its reset_level
//   (Storm's worker does the same when the timer fires).
// - A logger whose entry is removed goes back to the level it had before
//   the first change.
// - Level names are Storm's (TRACE ... FATAL, OFF); an unknown one is logged
//   and skipped. A named logger that does not exist yet is tried again on
//   the next Apply.
//
// Time is an argument (unix seconds), so tests need no clock.
// Thread safety: not thread-safe; one owner calls Apply (the worker's
// heartbeat loop). It changes the process-wide spdlog registry.
#pragma once

#include <spdlog/spdlog.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/state/cluster_types.h"

namespace storm {

class LogLevels {
 public:
  static constexpr const char* kRootLogger = "ROOT";

  // Applies `config` (nullopt: no /logconfigs node, as if every entry was
  // removed) as of `now_epoch_secs`. Changes only what differs from the
  // previous call.
  void Apply(const std::optional<LogConfig>& config, int64_t now_epoch_secs);

  // The level last applied per logger name (for tests and logs).
  const std::map<std::string, spdlog::level::level_enum>& applied() const { return applied_; }

 private:
  // The level `entry` asks for at `now`; nullopt for an unknown name.
  static std::optional<spdlog::level::level_enum> Wanted(const std::string& logger,
                                                         const LoggerLevel& entry,
                                                         int64_t now_epoch_secs);
  // Sets the level; false when a named logger does not exist (yet).
  bool Set(const std::string& logger, spdlog::level::level_enum level);
  std::optional<spdlog::level::level_enum> Current(const std::string& logger) const;

  std::map<std::string, spdlog::level::level_enum> applied_;   // what we set
  std::map<std::string, spdlog::level::level_enum> original_;  // before we did
  std::map<std::string, std::string> warned_;                  // logger -> bad level name
};

}  // namespace storm
