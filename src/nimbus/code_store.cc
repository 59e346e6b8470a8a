#include "nimbus/code_store.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <sstream>

#include "common/util/files.h"
#include "common/util/random_id.h"
#include "storm/errors.h"

namespace fs = std::filesystem;

namespace storm {

namespace {

// A topology id names one directory: nothing that could climb out of it.
void CheckId(const std::string& id) {
  if (id.empty() || id.find('/') != std::string::npos || id == "." || id == "..") {
    throw StormError("invalid topology id '" + id + "'");
  }
}

}  // namespace

CodeStore::CodeStore(std::string nimbus_dir, int64_t max_upload_bytes, int64_t expiry_secs,
                     Clock* clock)
    : inbox_dir_((fs::path(nimbus_dir) / "inbox").string()),
      stormdist_dir_((fs::path(nimbus_dir) / "stormdist").string()),
      max_upload_bytes_(max_upload_bytes),
      expiry_nanos_(expiry_secs * 1'000'000'000),
      clock_(clock) {
  std::error_code ec;
  fs::remove_all(inbox_dir_, ec);  // uploads of an earlier run can never finish
  fs::create_directories(inbox_dir_);
  fs::create_directories(stormdist_dir_);
  // Half-installed topologies of a crashed run.
  for (const auto& entry : fs::directory_iterator(stormdist_dir_)) {
    if (entry.path().extension() == ".tmp") fs::remove_all(entry.path(), ec);
  }
}

CodeStore::~CodeStore() = default;

std::string CodeStore::BeginUpload() {
  const std::string location = (fs::path(inbox_dir_) / ("stormjar-" + RandomHex() + ".so")).string();
  auto upload = std::make_unique<Upload>();
  upload->out.open(location, std::ios::binary | std::ios::trunc);
  if (!upload->out) throw StormError("cannot create upload file " + location);
  upload->last_active_nanos = clock_->NowNanos();
  std::lock_guard<std::mutex> lock(mutex_);
  uploads_[location] = std::move(upload);
  return location;
}

void CodeStore::UploadChunk(const std::string& location, const std::string& bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = uploads_.find(location);
  if (it == uploads_.end() || it->second->finished) {
    throw StormError("no upload in progress at '" + location + "' (never begun, finished, or expired)");
  }
  Upload& upload = *it->second;
  if (upload.bytes + static_cast<int64_t>(bytes.size()) > max_upload_bytes_) {
    upload.out.close();
    std::error_code ec;
    fs::remove(location, ec);
    uploads_.erase(it);
    throw StormError("upload refused: the topology library is larger than nimbus.max.upload.bytes (" +
                     std::to_string(max_upload_bytes_) + " bytes)");
  }
  upload.out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!upload.out) throw StormError("cannot write upload " + location);
  upload.bytes += static_cast<int64_t>(bytes.size());
  upload.last_active_nanos = clock_->NowNanos();
}

void CodeStore::FinishUpload(const std::string& location) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = uploads_.find(location);
  if (it == uploads_.end() || it->second->finished) {
    throw StormError("no upload in progress at '" + location + "'");
  }
  it->second->out.close();
  if (!it->second->out) throw StormError("cannot write upload " + location);
  it->second->finished = true;
  it->second->last_active_nanos = clock_->NowNanos();
  spdlog::info("nimbus: upload {} finished ({} bytes)", location, it->second->bytes);
}

void CodeStore::DiscardUpload(const std::string& location) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = uploads_.find(location);
  if (it == uploads_.end()) return;
  it->second->out.close();
  std::error_code ec;
  fs::remove(location, ec);
  uploads_.erase(it);
}

bool CodeStore::IsFinishedUpload(const std::string& location) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = uploads_.find(location);
  return it != uploads_.end() && it->second->finished;
}

void CodeStore::ExpireIdle() {
  const int64_t now = clock_->NowNanos();
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = uploads_.begin(); it != uploads_.end();) {
    if (now - it->second->last_active_nanos > expiry_nanos_) {
      spdlog::info("nimbus: deleting upload {}, idle for longer than {} s", it->first,
                   expiry_nanos_ / 1'000'000'000);
      it->second->out.close();
      std::error_code ec;
      fs::remove(it->first, ec);
      it = uploads_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = downloads_.begin(); it != downloads_.end();) {
    it = now - it->second->last_active_nanos > expiry_nanos_ ? downloads_.erase(it) : std::next(it);
  }
}

void CodeStore::Install(const std::string& id, const std::string& library_location,
                        const std::string& topology_bytes, const std::string& conf_json) {
  CheckId(id);
  const fs::path tmp = fs::path(stormdist_dir_) / (id + ".tmp");
  const fs::path dir = fs::path(stormdist_dir_) / id;
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp);
  if (!library_location.empty()) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = uploads_.find(library_location);
      if (it == uploads_.end() || !it->second->finished) {
        fs::remove_all(tmp, ec);
        throw StormError("'" + library_location + "' is not a finished upload");
      }
      uploads_.erase(it);
    }
    fs::rename(library_location, tmp / kLibraryFile);
  }
  WriteFile(tmp / kTopologyFile, topology_bytes);
  WriteFile(tmp / kConfFile, conf_json);
  fs::remove_all(dir, ec);
  fs::rename(tmp, dir);
}

std::string CodeStore::BeginCopy(const std::string& id) {
  CheckId(id);
  const fs::path tmp = fs::path(stormdist_dir_) / (id + ".tmp");
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp);
  return tmp.string();
}

void CodeStore::FinishCopy(const std::string& id) {
  CheckId(id);
  const fs::path tmp = fs::path(stormdist_dir_) / (id + ".tmp");
  const fs::path dir = fs::path(stormdist_dir_) / id;
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::rename(tmp, dir);
}

bool CodeStore::Has(const std::string& id) const {
  std::error_code ec;
  return !id.empty() && fs::is_directory(fs::path(stormdist_dir_) / id, ec);
}

std::string CodeStore::TopologyDir(const std::string& id) const {
  CheckId(id);
  return (fs::path(stormdist_dir_) / id).string();
}

std::string CodeStore::ReadTopology(const std::string& id) const {
  return ReadFile(fs::path(TopologyDir(id)) / kTopologyFile, "topology " + id);
}

std::string CodeStore::ReadConf(const std::string& id) const {
  return ReadFile(fs::path(TopologyDir(id)) / kConfFile, "topology " + id);
}

std::vector<std::string> CodeStore::InstalledIds() const {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(stormdist_dir_)) {
    if (entry.is_directory() && entry.path().extension() != ".tmp") {
      out.push_back(entry.path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void CodeStore::Remove(const std::string& id) {
  CheckId(id);
  std::error_code ec;
  fs::remove_all(fs::path(stormdist_dir_) / id, ec);
}

std::string CodeStore::ResolveDownload(const std::string& file) const {
  // Only regular files inside stormdist/<id>/, whatever the spelling.
  fs::path path = fs::path(file).is_absolute() ? fs::path(file) : fs::path(stormdist_dir_) / file;
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(path, ec);
  const fs::path root = fs::weakly_canonical(stormdist_dir_, ec);
  const fs::path rel = canonical.lexically_relative(root);
  if (ec || rel.empty() || *rel.begin() == ".." || std::distance(rel.begin(), rel.end()) != 2 ||
      !fs::is_regular_file(canonical, ec)) {
    throw StormError("no such file to download: '" + file + "'");
  }
  return canonical.string();
}

std::string CodeStore::BeginDownload(const std::string& file) {
  const std::string path = ResolveDownload(file);
  auto download = std::make_unique<Download>();
  download->in.open(path, std::ios::binary);
  if (!download->in) throw StormError("cannot read " + path);
  download->last_active_nanos = clock_->NowNanos();
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string session = "download-" + std::to_string(next_download_++) + "-" + RandomHex();
  downloads_[session] = std::move(download);
  return session;
}

std::string CodeStore::DownloadChunk(const std::string& session) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = downloads_.find(session);
  if (it == downloads_.end()) {
    throw StormError("no download session '" + session + "' (never begun, finished, or expired)");
  }
  std::string chunk(kDownloadChunkBytes, '\0');
  it->second->in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  chunk.resize(static_cast<size_t>(it->second->in.gcount()));
  it->second->last_active_nanos = clock_->NowNanos();
  if (chunk.empty()) downloads_.erase(it);
  return chunk;
}

}  // namespace storm
