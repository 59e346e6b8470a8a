// EventLog: where the tuples sampled by Nimbus's debug switch go (Nimbus's
// `debug`, the UI's Debug button: Storm's event logger). One file per
// worker, events.log beside its worker.log
// (<storm.log.dir>/workers-artifacts/<topology-id>/<port>/events.log), so
// that the logviewer pages and searches it; rotated by size as worker.log.
// One line per sampled emit:
//   2026-12-08 00:10:00.123 ts=1796688600123, component=split, task=3,
//   stream=default, messageId=, values=[the, cow]
// Thread safe (executors log from their user logic threads). The file is
// opened at the first event: a worker nobody debugs has none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace spdlog {
class logger;
}

namespace storm {

class EventLog {
 public:
  EventLog(std::string path, size_t max_bytes, size_t max_files);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  void Log(int64_t epoch_millis, const std::string& component, int task,
           const std::string& stream, const std::string& message_id, const std::string& values);
  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  const size_t max_bytes_;
  const size_t max_files_;
  std::mutex mutex_;
  std::shared_ptr<spdlog::logger> logger_;  // null until the first event
  bool failed_ = false;                     // the file could not be opened: said once
};

}  // namespace storm
