// One log format for every daemon and the CLI (spdlog):
//   2026-11-23 19:30:01.123 INFO  [worker] message
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace storm {

// Sets the default logger's name, pattern and level ("info", "debug", ...).
// With a non-empty file, logs go there instead of stderr.
void InitLogging(const std::string& process_name, const std::string& level = "info",
                 const std::string& file = "");

}  // namespace storm
