#include "logviewer/log_cleaner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;

namespace storm {

namespace {

struct WorkerDir {
  WorkerDirKey key;
  fs::path path;
};

std::optional<int> ParsePort(const std::string& name) {
  int port = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), port);
  if (ec != std::errc() || end != name.data() + name.size()) return std::nullopt;
  return port;
}

// Every <topology-id>/<port> directory under the root.
std::vector<WorkerDir> WorkerDirs(const fs::path& root) {
  std::vector<WorkerDir> out;
  std::error_code ec;
  for (const auto& topology : fs::directory_iterator(root, ec)) {
    if (!topology.is_directory(ec)) continue;
    std::error_code ec2;
    for (const auto& port_dir : fs::directory_iterator(topology.path(), ec2)) {
      auto port = ParsePort(port_dir.path().filename().string());
      if (!port || !port_dir.is_directory(ec2)) continue;
      out.push_back({{topology.path().filename().string(), *port}, port_dir.path()});
    }
  }
  return out;
}

// The newest modification time of the directory and the files in it.
fs::file_time_type Newest(const fs::path& dir) {
  std::error_code ec;
  fs::file_time_type newest = fs::last_write_time(dir, ec);
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    std::error_code ec2;
    const auto t = entry.last_write_time(ec2);
    if (!ec2) newest = std::max(newest, t);
  }
  return newest;
}

uintmax_t SizeOfFiles(const fs::path& root) {
  uintmax_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    std::error_code ec2;
    if (entry.is_regular_file(ec2)) total += entry.file_size(ec2);
  }
  return total;
}

}  // namespace

CleanupReport LogCleaner::Run(fs::file_time_type now, const std::set<WorkerDirKey>& alive) {
  CleanupReport report;
  DeleteOldDirs(now, alive, report);
  DeleteOldestFiles(alive, report);
  return report;
}

void LogCleaner::DeleteOldDirs(fs::file_time_type now, const std::set<WorkerDirKey>& alive,
                               CleanupReport& report) {
  const auto cutoff = now - options_.max_age;
  for (const WorkerDir& dir : WorkerDirs(options_.workers_artifacts)) {
    if (alive.count(dir.key) || Newest(dir.path) >= cutoff) continue;
    std::error_code ec;
    const uintmax_t bytes = SizeOfFiles(dir.path);
    const auto removed = fs::remove_all(dir.path, ec);
    if (ec) {
      spdlog::warn("logviewer: cannot delete {}: {}", dir.path.string(), ec.message());
      continue;
    }
    spdlog::info("logviewer: deleted the old logs of {} port {}", dir.key.first, dir.key.second);
    ++report.dirs_deleted;
    report.files_deleted += static_cast<int>(removed > 0 ? removed - 1 : 0);
    report.bytes_deleted += bytes;
    // A topology directory left empty goes too.
    fs::remove(dir.path.parent_path(), ec);  // fails, harmlessly, when not empty
  }
}

void LogCleaner::DeleteOldestFiles(const std::set<WorkerDirKey>& alive, CleanupReport& report) {
  uintmax_t total = SizeOfFiles(options_.workers_artifacts);
  if (total > options_.max_total_bytes) {
    struct File {
      fs::file_time_type time;
      fs::path path;
      uintmax_t size;
    };
    std::vector<File> files;
    for (const WorkerDir& dir : WorkerDirs(options_.workers_artifacts)) {
      if (alive.count(dir.key)) continue;
      std::error_code ec;
      for (const auto& entry : fs::recursive_directory_iterator(dir.path, ec)) {
        std::error_code ec2;
        if (!entry.is_regular_file(ec2)) continue;
        files.push_back({entry.last_write_time(ec2), entry.path(), entry.file_size(ec2)});
      }
    }
    std::sort(files.begin(), files.end(),
              [](const File& a, const File& b) { return a.time < b.time; });
    for (const File& f : files) {
      if (total <= options_.max_total_bytes) break;
      std::error_code ec;
      if (!fs::remove(f.path, ec)) continue;
      total -= std::min(total, f.size);
      ++report.files_deleted;
      report.bytes_deleted += f.size;
    }
    if (total > options_.max_total_bytes) {
      spdlog::warn(
          "logviewer: worker logs take {} bytes, over the {} allowed, and every file "
          "left belongs to a running worker",
          total, options_.max_total_bytes);
    }
  }
  report.bytes_left = total;
}

std::set<WorkerDirKey> AliveWorkerDirs(const LocalState& local, int64_t now_secs,
                                       int64_t timeout_secs) {
  std::set<WorkerDirKey> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(local.WorkersRoot(), ec)) {
    auto beat = local.ReadHeartbeat(entry.path().filename().string());
    if (beat && now_secs - beat->time_secs <= timeout_secs) {
      out.insert({beat->topology_id, beat->port});
    }
  }
  return out;
}

}  // namespace storm
