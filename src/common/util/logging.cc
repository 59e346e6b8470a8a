#include "common/util/logging.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <vector>

namespace storm {

namespace {

constexpr const char* kPattern = "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v";

void InstallDefault(const std::string& process_name, const std::string& level,
                    std::vector<spdlog::sink_ptr> sinks) {
  auto logger = std::make_shared<spdlog::logger>(process_name, sinks.begin(), sinks.end());
  logger->set_pattern(kPattern);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  // Replaces a logger of the same name (a daemon's stderr-only logger,
  // installed before its config was read, becomes the one with a file).
  spdlog::drop(process_name);
  spdlog::register_logger(logger);
  spdlog::set_default_logger(logger);
}

}  // namespace

void InitLogging(const std::string& process_name, const std::string& level) {
  InstallDefault(process_name, level, {std::make_shared<spdlog::sinks::stderr_color_sink_mt>()});
}

void InitLogging(const std::string& process_name, const std::string& level,
                 const LogFileOptions& file) {
  std::vector<spdlog::sink_ptr> sinks;
  // rotating_file_sink creates the directories, but name them in the error.
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(file.path).parent_path(), ec);
  sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
      file.path, std::max<size_t>(file.max_bytes, 1), file.max_files));
  if (file.also_stderr) sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  InstallDefault(process_name, level, std::move(sinks));
}

std::optional<spdlog::level::level_enum> LevelFromStormName(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper == "TRACE" || upper == "ALL") return spdlog::level::trace;
  if (upper == "DEBUG") return spdlog::level::debug;
  if (upper == "INFO") return spdlog::level::info;
  if (upper == "WARN" || upper == "WARNING") return spdlog::level::warn;
  if (upper == "ERROR") return spdlog::level::err;
  if (upper == "FATAL" || upper == "CRITICAL") return spdlog::level::critical;
  if (upper == "OFF") return spdlog::level::off;
  return std::nullopt;
}

std::string StormLevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return "TRACE";
    case spdlog::level::debug: return "DEBUG";
    case spdlog::level::info: return "INFO";
    case spdlog::level::warn: return "WARN";
    case spdlog::level::err: return "ERROR";
    case spdlog::level::critical: return "FATAL";
    default: return "OFF";
  }
}

}  // namespace storm
