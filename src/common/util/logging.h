// One log format for every daemon and the CLI (spdlog):
//   2026-11-23 19:30:01.123 INFO  [worker] message
//
// Log files rotate by size (spdlog's rotating file sink: worker.log, then
// worker.1.log, worker.2.log, ... oldest last).
//
// Thread safety: InitLogging and AddLogFile replace the process's default
// logger; call them while one thread runs (at start). The level functions
// may be called from any thread.
#pragma once

#include <spdlog/spdlog.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace storm {

// A size-rotated log file.
struct LogFileOptions {
  std::string path;                      // created with its directories
  size_t max_bytes = 100 * 1024 * 1024;  // rotate when the file reaches this
  size_t max_files = 9;                  // rotated files kept besides `path`
  bool also_stderr = false;              // daemons: stderr too (docker logs, tests)
};

// Sets the default logger's name, pattern and level ("info", "debug", ...),
// logging to stderr.
void InitLogging(const std::string& process_name, const std::string& level = "info");

// Same, logging to `file` (and stderr when file.also_stderr). Throws
// spdlog::spdlog_ex when the file cannot be opened.
void InitLogging(const std::string& process_name, const std::string& level,
                 const LogFileOptions& file);

// Storm's (log4j's) level names, any case: TRACE, DEBUG, INFO, WARN, ERROR,
// FATAL (spdlog's critical), OFF, ALL (trace). nullopt for anything else.
std::optional<spdlog::level::level_enum> LevelFromStormName(std::string_view name);
// The Storm name of an spdlog level ("critical" is FATAL).
std::string StormLevelName(spdlog::level::level_enum level);

}  // namespace storm
