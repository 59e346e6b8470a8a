// CodeStore: Nimbus's local disk, as Storm 1.x laid it out under
// storm.local.dir/nimbus/:
//   inbox/stormjar-<uuid>.so   uploads in progress or finished, not yet submitted
//   stormdist/<topology-id>/   the topology's code dir (common/topology/code_dir.h)
// Uploads are bounded in size; an upload idle for longer than its expiry is
// deleted, and so is everything in the inbox when Nimbus starts (nobody can
// finish or submit those uploads any more). A topology is installed into a
// temporary directory and renamed into place, so a crash never leaves half a
// topology in stormdist. Supervisors download files of stormdist in chunks.
//
// Errors: StormError naming the upload, the file or the topology.
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/topology/code_dir.h"
#include "common/util/clock.h"

namespace storm {

class CodeStore {
 public:
  static constexpr const char* kLibraryFile = CodeDir::kLibraryFile;
  static constexpr const char* kTopologyFile = CodeDir::kTopologyFile;
  static constexpr const char* kConfFile = CodeDir::kConfFile;
  static constexpr size_t kDownloadChunkBytes = 256 * 1024;

  // `nimbus_dir` is storm.local.dir/nimbus. Creates the directories and
  // empties the inbox.
  CodeStore(std::string nimbus_dir, int64_t max_upload_bytes, int64_t expiry_secs, Clock* clock);
  ~CodeStore();

  // ---- Uploads: a location is the upload's path in the inbox.
  std::string BeginUpload();
  // Throws when the location is not an upload in progress, or when the
  // upload would pass max_upload_bytes (the upload is then deleted).
  void UploadChunk(const std::string& location, const std::string& bytes);
  void FinishUpload(const std::string& location);
  // Deletes an upload (finished or not) that will never be installed; no
  // error when there is none at `location`.
  void DiscardUpload(const std::string& location);
  // Whether `location` is an upload that was finished and not yet installed.
  bool IsFinishedUpload(const std::string& location) const;
  // Deletes uploads and downloads idle for longer than the expiry.
  void ExpireIdle();

  // ---- Installed topologies.
  // Moves the finished upload at `library_location` (empty: none, as in local
  // mode) and writes the topology and config into stormdist/<id>/.
  void Install(const std::string& topology_id, const std::string& library_location,
               const std::string& topology_bytes, const std::string& conf_json);
  // Code copied from another Nimbus: BeginCopy gives an empty directory
  // (stormdist/<id>.tmp) to write the files into, FinishCopy renames it into
  // place, so a crash never leaves half a topology in stormdist.
  std::string BeginCopy(const std::string& topology_id);
  void FinishCopy(const std::string& topology_id);
  bool Has(const std::string& topology_id) const;
  std::string TopologyDir(const std::string& topology_id) const;
  std::string ReadTopology(const std::string& topology_id) const;
  std::string ReadConf(const std::string& topology_id) const;
  std::vector<std::string> InstalledIds() const;
  void Remove(const std::string& topology_id);

  // ---- Downloads of files under stormdist/ (a path as TopologyDir gives, or
  // "<topology-id>/<file>"). Returns a session id; DownloadChunk returns
  // up to kDownloadChunkBytes, and an empty string at the end (which closes
  // the session).
  std::string BeginDownload(const std::string& file);
  std::string DownloadChunk(const std::string& session);

  const std::string& inbox_dir() const { return inbox_dir_; }
  const std::string& stormdist_dir() const { return stormdist_dir_; }

 private:
  struct Upload {
    std::ofstream out;
    int64_t bytes = 0;
    int64_t last_active_nanos = 0;
    bool finished = false;
  };
  struct Download {
    std::ifstream in;
    int64_t last_active_nanos = 0;
  };

  std::string ResolveDownload(const std::string& file) const;

  const std::string inbox_dir_;
  const std::string stormdist_dir_;
  const int64_t max_upload_bytes_;
  const int64_t expiry_nanos_;
  Clock* const clock_;

  mutable std::mutex mutex_;  // guards the maps
  std::map<std::string, std::unique_ptr<Upload>> uploads_;
  std::map<std::string, std::unique_ptr<Download>> downloads_;
  uint64_t next_download_ = 1;
};

}  // namespace storm
