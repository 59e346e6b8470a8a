// Which files the logviewer serves, and the refusal of everything else.
//
// A worker log is named relative to <storm.log.dir>/workers-artifacts, as in
// Storm's URLs: "<topology-id>/<port>/worker.log". A daemon log is a plain
// file name in <storm.log.dir>: "nimbus.log". A name that is empty,
// absolute, or has a ".." part is refused (400); one that resolves outside
// its root, through a symlink, is refused (403); one that does not exist,
// or is not a regular file, is not found (404).
//
// Thread safety: the class is immutable after construction; its functions
// only read the file system.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace storm {

// Where a request for a file ends: a path to read, or an HTTP status and
// a message naming the problem.
struct ResolvedFile {
  std::string path;  // absolute, when status == 200
  int status = 200;
  std::string error;
  bool ok() const { return status == 200; }
};

class LogFiles {
 public:
  // `log_dir` is storm.log.dir (LogDir(conf)).
  explicit LogFiles(std::string log_dir);

  const std::string& log_dir() const { return log_dir_; }
  std::string WorkersArtifactsRoot() const;

  ResolvedFile ResolveWorkerLog(const std::string& file) const;
  ResolvedFile ResolveDaemonLog(const std::string& file) const;

  // Worker log files ("<topology-id>/<port>/<name>"), sorted; only those of
  // `topology_id` and `port` when given. Storm's /api/v1/listLogs.
  std::vector<std::string> ListWorkerLogs(const std::optional<std::string>& topology_id,
                                          const std::optional<int>& port) const;
  // The daemon logs (*.log and rotated ones) in the log dir, sorted.
  std::vector<std::string> ListDaemonLogs() const;

 private:
  ResolvedFile Resolve(const std::string& root, const std::string& file) const;

  std::string log_dir_;
};

}  // namespace storm
