#include "logviewer/log_files.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace storm {

namespace {

ResolvedFile Refused(int status, std::string error) {
  ResolvedFile r;
  r.status = status;
  r.error = std::move(error);
  return r;
}

// Whether `path` is `root` or under it (both canonical).
bool IsUnder(const fs::path& path, const fs::path& root) {
  auto [root_end, path_it] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

}  // namespace

LogFiles::LogFiles(std::string log_dir) : log_dir_(std::move(log_dir)) {}

std::string LogFiles::WorkersArtifactsRoot() const {
  return (fs::path(log_dir_) / "workers-artifacts").string();
}

ResolvedFile LogFiles::ResolveWorkerLog(const std::string& file) const {
  return Resolve(WorkersArtifactsRoot(), file);
}

ResolvedFile LogFiles::ResolveDaemonLog(const std::string& file) const {
  if (file.find('/') != std::string::npos) {
    return Refused(400, "'" + file + "' is not a daemon log: give a file name, such as nimbus.log");
  }
  return Resolve(log_dir_, file);
}

ResolvedFile LogFiles::Resolve(const std::string& root, const std::string& file) const {
  if (file.empty()) return Refused(400, "the parameter 'file' is missing");
  if (file.find('\0') != std::string::npos) return Refused(400, "'file' holds a NUL byte");
  const fs::path relative(file);
  if (relative.is_absolute()) {
    return Refused(400, "'" + file + "' is absolute: name a log relative to the log directory");
  }
  for (const fs::path& part : relative) {
    if (part == "..") return Refused(400, "'" + file + "' leaves the log directory ('..')");
  }
  std::error_code ec;
  const fs::path canonical_root = fs::weakly_canonical(root, ec);
  if (ec) return Refused(404, "no log directory " + root);
  const fs::path target = fs::path(root) / relative;
  if (!fs::exists(target, ec)) return Refused(404, "no log file '" + file + "'");
  // Symlinks are followed, and what they lead to must still be inside.
  const fs::path canonical = fs::canonical(target, ec);
  if (ec) return Refused(404, "no log file '" + file + "'");
  if (!IsUnder(canonical, canonical_root)) {
    return Refused(403, "'" + file + "' leads outside the log directory");
  }
  if (!fs::is_regular_file(canonical, ec)) {
    return Refused(404, "'" + file + "' is not a log file");
  }
  ResolvedFile r;
  r.path = canonical.string();
  return r;
}

std::vector<std::string> LogFiles::ListWorkerLogs(const std::optional<std::string>& topology_id,
                                                  const std::optional<int>& port) const {
  std::vector<std::string> out;
  const fs::path root = WorkersArtifactsRoot();
  std::error_code ec;
  for (const auto& topology : fs::directory_iterator(root, ec)) {
    const std::string topology_name = topology.path().filename().string();
    if (topology_id && *topology_id != topology_name) continue;
    if (!topology.is_directory(ec)) continue;
    std::error_code ec2;
    for (const auto& port_dir : fs::directory_iterator(topology.path(), ec2)) {
      const std::string port_name = port_dir.path().filename().string();
      if (port && std::to_string(*port) != port_name) continue;
      if (!port_dir.is_directory(ec2)) continue;
      std::error_code ec3;
      for (const auto& file : fs::directory_iterator(port_dir.path(), ec3)) {
        if (!file.is_regular_file(ec3)) continue;
        out.push_back(topology_name + "/" + port_name + "/" + file.path().filename().string());
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> LogFiles::ListDaemonLogs() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& file : fs::directory_iterator(log_dir_, ec)) {
    if (!file.is_regular_file(ec)) continue;
    const std::string name = file.path().filename().string();
    if (name.find(".log") != std::string::npos) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace storm
