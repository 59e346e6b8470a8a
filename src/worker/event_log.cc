#include "worker/event_log.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace storm {

EventLog::EventLog(std::string path, size_t max_bytes, size_t max_files)
    : path_(std::move(path)), max_bytes_(max_bytes), max_files_(max_files) {}

EventLog::~EventLog() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (logger_) logger_->flush();
}

void EventLog::Log(int64_t epoch_millis, const std::string& component, int task,
                   const std::string& stream, const std::string& message_id,
                   const std::string& values) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!logger_) {
    if (failed_) return;
    try {
      auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path_, max_bytes_,
                                                                         max_files_);
      logger_ = std::make_shared<spdlog::logger>("events", std::move(sink));
      logger_->set_pattern("%Y-%m-%d %H:%M:%S.%e %v");
      logger_->set_level(spdlog::level::info);
      logger_->flush_on(spdlog::level::info);
      spdlog::info("worker: logging the tuples sampled for debug to {}", path_);
    } catch (const std::exception& e) {
      failed_ = true;
      spdlog::error("worker: cannot open the event log {}: {}; sampled tuples are dropped", path_,
                    e.what());
      return;
    }
  }
  logger_->info("ts={}, component={}, task={}, stream={}, messageId={}, values={}", epoch_millis,
                component, task, stream, message_id, values);
}

}  // namespace storm
