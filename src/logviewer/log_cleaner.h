// LogCleaner: keeps <storm.log.dir>/workers-artifacts from filling the disk,
// as Storm's logviewer does every logviewer.cleanup.interval.secs:
//  1. a <topology-id>/<port> directory of a worker not running on this host,
//     whose newest file is older than logviewer.cleanup.age.mins, is deleted;
//  2. while all worker logs together take more than
//     logviewer.max.sum.worker.logs.size.mb, the oldest files of workers not
//     running are deleted, oldest first (a running worker's files are never
//     touched: it is writing them).
// Directories of running workers are named by the caller (AliveWorkerDirs
// reads them from the supervisor's local state).
//
// Time is an argument, so tests set file times and need no clock.
// Thread safety: one caller at a time (the logviewer's cleanup thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <utility>

#include "common/state/local_state.h"

namespace storm {

// (topology id, port) of a worker.
using WorkerDirKey = std::pair<std::string, int>;

struct LogCleanerOptions {
  std::string workers_artifacts;  // LocalState::WorkersArtifactsRoot
  std::chrono::minutes max_age{10080};
  uintmax_t max_total_bytes = uintmax_t{4096} << 20;
};

struct CleanupReport {
  int dirs_deleted = 0;
  int files_deleted = 0;
  uintmax_t bytes_deleted = 0;
  uintmax_t bytes_left = 0;
};

class LogCleaner {
 public:
  explicit LogCleaner(LogCleanerOptions options) : options_(std::move(options)) {}

  CleanupReport Run(std::filesystem::file_time_type now, const std::set<WorkerDirKey>& alive);

 private:
  void DeleteOldDirs(std::filesystem::file_time_type now, const std::set<WorkerDirKey>& alive,
                     CleanupReport& report);
  void DeleteOldestFiles(const std::set<WorkerDirKey>& alive, CleanupReport& report);

  LogCleanerOptions options_;
};

// The workers that heartbeat on this host (a heartbeat file in the
// supervisor's local state no older than `timeout_secs` at `now_secs`).
std::set<WorkerDirKey> AliveWorkerDirs(const LocalState& local, int64_t now_secs,
                                       int64_t timeout_secs);

}  // namespace storm
