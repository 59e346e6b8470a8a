// ZooKeeperStorage: its life cycle, sessions and retries, and the
// operations. The watcher and the dispatch thread are in
// zookeeper_watches.cc, the C client helpers in zookeeper_client.cc, the
// tests' hooks (session id, forced expiry) in zookeeper_test_hooks.cc.
#include "common/state/zookeeper_storage.h"

#include <zookeeper/zookeeper.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/state/zookeeper_client.h"
#include "common/state/zookeeper_session.h"

namespace storm {

using zk::ConnectString;
using zk::CheckPath;
using zk::NormalizeRoot;
using zk::Child;
using zk::IsSessionGone;
using zk::IsConnectionProblem;
using zk::ClientLog;
using zk::SetClientLogLevelOnce;
using zk::MakePath;
using zk::CreateNode;
using zk::ReplaceEphemeral;
using zk::TakeStrings;
using zk::Hex;
using zk::kInitialReadBuffer;
using zk::kMaxRaceRounds;

// ---- Life cycle --------------------------------------------------------------

ZooKeeperStorage::ZooKeeperStorage(const ZooKeeperOptions& options)
    : options_(options),
      connect_string_(ConnectString(options)),
      root_(NormalizeRoot(options.root)),
      dispatcher_([this] { DispatchLoop(); }) {}

std::unique_ptr<ZooKeeperStorage> ZooKeeperStorage::Connect(const ZooKeeperOptions& options) {
  if (options.servers.empty()) {
    throw StateStorageError("cannot reach ZooKeeper: storm.zookeeper.servers is empty");
  }
  SetClientLogLevelOnce();
  std::unique_ptr<ZooKeeperStorage> storage(new ZooKeeperStorage(options));
  std::shared_ptr<Session> session = storage->OpenSession();
  {
    std::lock_guard<std::mutex> lock(storage->mutex_);
    storage->current_ = std::move(session);
  }
  if (!storage->root_.empty()) {
    const std::string& root = storage->root_;
    const int rc = storage->Retry("create root", root,
                                  [&](Session& s) -> int { return MakePath(s.handle, root); });
    if (rc != ZOK) {
      throw StateStorageError(fmt::format("cannot create ZooKeeper root {} at {}: {}", root,
                                          storage->connect_string_, zerror(rc)));
    }
  }
  return storage;
}

std::unique_ptr<ZooKeeperStorage> ZooKeeperStorage::ConnectInBackground(
    const ZooKeeperOptions& options) {
  if (options.servers.empty()) {
    throw StateStorageError("cannot reach ZooKeeper: storm.zookeeper.servers is empty");
  }
  SetClientLogLevelOnce();
  std::unique_ptr<ZooKeeperStorage> storage(new ZooKeeperStorage(options));
  std::shared_ptr<Session> session = storage->OpenSession(/*wait=*/false);
  std::lock_guard<std::mutex> lock(storage->mutex_);
  storage->current_ = std::move(session);
  return storage;
}

bool ZooKeeperStorage::Connected() {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_ && current_->connected && !current_->expired;
}

ZooKeeperStorage::~ZooKeeperStorage() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  dispatcher_.join();
  std::shared_ptr<Session> last;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    last = std::move(current_);
  }
  if (last) {
    const int64_t id = last->id;
    last.reset();  // zookeeper_close: the server drops our ephemeral nodes now
    spdlog::info("closed ZooKeeper session {}", Hex(id));
  }
}

std::shared_ptr<ZooKeeperStorage::Session> ZooKeeperStorage::OpenSession(bool wait) {
  int64_t generation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    generation = next_generation_++;
  }
  auto session = std::make_shared<Session>(this, generation);
  spdlog::info("connecting to ZooKeeper at {} (root {}, session timeout {} ms)", connect_string_,
               root_.empty() ? "/" : root_, options_.session_timeout_ms);
  session->handle = zookeeper_init2(connect_string_.c_str(), &Session::Watcher,
                                    options_.session_timeout_ms, nullptr, session.get(), 0,
                                    &ClientLog);
  if (session->handle == nullptr) {
    throw StateStorageError(
        fmt::format("cannot reach ZooKeeper at {}: {}", connect_string_, std::strerror(errno)));
  }
  if (!wait) return session;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(options_.connection_timeout_ms), [&] {
      return session->connected || session->expired || stopping_ || retrying_stopped_;
    });
    if (!session->connected) {
      const bool stopping = stopping_;
      const bool gave_up = retrying_stopped_;
      lock.unlock();
      if (stopping) throw StateStorageError("ZooKeeper storage is closing");
      if (gave_up) {
        throw StateStorageError(fmt::format(
            "cannot reach ZooKeeper at {}: no session yet (no more retries: stopping)",
            connect_string_));
      }
      throw StateStorageError(fmt::format("cannot reach ZooKeeper at {}: no session within {} ms",
                                          connect_string_, options_.connection_timeout_ms));
    }
  }
  spdlog::info("connected to ZooKeeper at {} (session {}, timeout {} ms)", connect_string_,
               Hex(session->id), zoo_recv_timeout(session->handle));
  return session;
}

// ---- Sessions and retries -------------------------------------------------------

std::shared_ptr<ZooKeeperStorage::Session> ZooKeeperStorage::CurrentSession(uint64_t* connects) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) throw StateStorageError("ZooKeeper storage is closing");
  if (connects != nullptr) *connects = current_->connects;
  return current_;
}

std::chrono::milliseconds ZooKeeperStorage::Backoff(int attempt) const {
  const int64_t ceiling = std::max(options_.retry_ceiling_ms, options_.retry_interval_ms);
  int64_t wait = options_.retry_interval_ms;
  for (int i = 0; i < attempt && wait < ceiling; ++i) wait *= 2;
  return std::chrono::milliseconds(std::min(wait, ceiling));
}

void ZooKeeperStorage::WaitForChange(const std::shared_ptr<Session>& session, uint64_t connects,
                                     std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, timeout, [&] {
    return stopping_ || retrying_stopped_ || current_ != session || session->expired ||
           session->connects != connects;
  });
  if (stopping_) throw StateStorageError("ZooKeeper storage is closing");
}

void ZooKeeperStorage::StopRetrying() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    retrying_stopped_ = true;
  }
  changed_.notify_all();
}

template <typename Op>
int ZooKeeperStorage::Retry(std::string_view what, const std::string& full, Op&& op) {
  for (int attempt = 0;; ++attempt) {
    uint64_t connects = 0;
    std::shared_ptr<Session> session = CurrentSession(&connects);
    const int rc = op(*session);
    if (!IsConnectionProblem(rc)) return rc;
    bool stopped = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopped = retrying_stopped_;
    }
    if (stopped || attempt >= options_.retry_times) {
      throw StateStorageError(fmt::format("ZooKeeper {} {} failed after {} attempts{}: {} ({})",
                                          what, full, attempt + 1,
                                          stopped ? " (no more retries: stopping)" : "",
                                          zerror(rc), connect_string_));
    }
    spdlog::debug("ZooKeeper {} {}: {}; retrying", what, full, zerror(rc));
    if (IsSessionGone(rc)) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        session->expired = true;
      }
      if (RenewSession(session)) continue;
    }
    WaitForChange(session, connects, Backoff(attempt));
  }
}

bool ZooKeeperStorage::RenewSession(const std::shared_ptr<Session>& expired) {
  std::lock_guard<std::mutex> renewing(renew_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || current_ != expired) return true;  // done by another thread
  }
  spdlog::warn("opening a new ZooKeeper session to replace expired session {}", Hex(expired->id));
  std::shared_ptr<Session> fresh;
  try {
    fresh = OpenSession();
  } catch (const StateStorageError& e) {
    spdlog::warn("{}", e.what());
    return false;
  }
  size_t recreated = 0;
  {
    std::lock_guard<std::mutex> ephemeral(ephemeral_mutex_);
    previous_sessions_.insert(expired->id);
    for (const auto& [full, data] : ephemerals_) {
      const int rc = SetOnce(*fresh, full, data, /*ephemeral=*/true);
      if (rc != ZOK) {
        spdlog::warn("cannot re-create ephemeral node {} in the new session: {}", full,
                     zerror(rc));
        previous_sessions_.insert(fresh->id);
        return false;  // `fresh` closes, taking what it re-created with it
      }
      ++recreated;
    }
    std::shared_ptr<Session> old;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      old = std::exchange(current_, fresh);
      missing_children_watches_.clear();
      tasks_.push_back(Task{WatchEvent{WatchEvent::Type::kSessionRestored, ""}});
      // Expired already, before it was current (so its watcher queued nothing).
      if (fresh->expired) tasks_.push_back(Task{WatchEvent{}, fresh->generation});
    }
    changed_.notify_all();
  }  // `old` closes here, outside mutex_
  spdlog::info("new ZooKeeper session {} replaces {}; re-created {} ephemeral node(s)",
               Hex(fresh->id), Hex(expired->id), recreated);
  return true;
}

// ---- Paths ---------------------------------------------------------------------

std::string ZooKeeperStorage::FullPath(const std::string& path) const {
  CheckPath(path);
  if (root_.empty()) return path;
  return path == "/" ? root_ : root_ + path;
}

std::string ZooKeeperStorage::StripRoot(std::string_view full) const {
  if (root_.empty()) return std::string(full);
  if (full == root_) return "/";
  if (full.size() > root_.size() && full.substr(0, root_.size()) == root_ &&
      full[root_.size()] == '/') {
    return std::string(full.substr(root_.size()));
  }
  return std::string(full);
}

// ---- Operations ----------------------------------------------------------------

int ZooKeeperStorage::SetOnce(Session& session, const std::string& full, const std::string& data,
                              bool ephemeral) {
  zhandle_t* zh = session.handle;
  const int size = static_cast<int>(data.size());
  // A node left by our expired session goes when the server finishes closing
  // that session; wait for that rather than write into a dying node.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(options_.session_timeout_ms);
  int rc = ZOK;
  for (int round = 0; round < kMaxRaceRounds; ++round) {
    if (ephemeral) {
      Stat stat{};
      rc = zoo_exists(zh, full.c_str(), 0, &stat);
      if (rc == ZOK && previous_sessions_.count(stat.ephemeralOwner) != 0) {
        if (std::chrono::steady_clock::now() > deadline) return ZNODEEXISTS;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        --round;
        continue;
      }
      if (rc != ZOK && rc != ZNONODE) return rc;
      if (rc == ZOK && stat.ephemeralOwner != zoo_client_id(zh)->client_id) {
        // Another session's node: typically our own process before a crash,
        // whose session the server has not expired yet. Writing its data
        // would leave us without a node once that session goes, so a
        // restarted daemon takes the node over: delete it and create ours in
        // one transaction, so that watchers (Nimbus watching /supervisors)
        // never see the path missing in between.
        const int replaced = ReplaceEphemeral(zh, full, data, stat.version);
        if (replaced == ZOK) return ZOK;
        if (replaced != ZNONODE && replaced != ZBADVERSION && replaced != ZNODEEXISTS) {
          return replaced;
        }
        continue;
      }
      if (rc == ZOK) rc = zoo_set(zh, full.c_str(), data.data(), size, -1);
    } else {
      rc = zoo_set(zh, full.c_str(), data.data(), size, -1);
    }
    if (rc != ZNONODE) return rc;
    // Missing: create it. ZNODEEXISTS when a retried create of ours, or
    // another client, made it meanwhile: set its data in the next round.
    rc = CreateNode(zh, full, data, ephemeral ? ZOO_EPHEMERAL : 0, nullptr);
    if (rc != ZNODEEXISTS) return rc;
  }
  return rc;
}

void ZooKeeperStorage::Set(const std::string& path, const std::string& data, NodeMode mode) {
  const std::string full = FullPath(path);
  int rc;
  if (mode == NodeMode::kEphemeral) {
    rc = Retry("set ephemeral", full, [&](Session& s) -> int {
      std::lock_guard<std::mutex> ephemeral(ephemeral_mutex_);
      ephemerals_[full] = data;  // wanted even if this attempt fails
      return SetOnce(s, full, data, /*ephemeral=*/true);
    });
  } else {
    rc = Retry("set", full, [&](Session& s) -> int { return SetOnce(s, full, data, false); });
  }
  if (rc != ZOK) {
    throw StateStorageError(fmt::format("ZooKeeper set {} failed: {}", full, zerror(rc)));
  }
}

std::string ZooKeeperStorage::CreateSequential(const std::string& prefix,
                                               const std::string& data) {
  return CreateSequentialNode(prefix, data, ZOO_PERSISTENT_SEQUENTIAL);
}

std::string ZooKeeperStorage::CreateEphemeralSequential(const std::string& prefix,
                                                        const std::string& data) {
  return CreateSequentialNode(prefix, data, ZOO_EPHEMERAL_SEQUENTIAL);
}

std::string ZooKeeperStorage::CreateSequentialNode(const std::string& prefix,
                                                   const std::string& data, int flags) {
  const std::string full = FullPath(prefix);
  // Wait for a connected session before sending, since a create lost on the
  // way is not repeated: it may have made a node.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(options_.connection_timeout_ms);
  for (int attempt = 0;; ++attempt) {
    uint64_t connects = 0;
    std::shared_ptr<Session> session = CurrentSession(&connects);
    bool usable;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      usable = session->connected && !session->expired;
    }
    if (usable) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      throw StateStorageError(fmt::format("ZooKeeper create-sequential {}: not connected to {}",
                                          full, connect_string_));
    }
    if (!session->expired || !RenewSession(session)) {
      WaitForChange(session, connects, Backoff(attempt));
    }
  }
  std::string created;
  const int rc = CreateNode(CurrentSession()->handle, full, data, flags, &created);
  if (rc == ZOK) return StripRoot(created);
  if (IsConnectionProblem(rc)) {
    throw StateStorageError(fmt::format(
        "ZooKeeper create-sequential {} failed: {} (not retried: the node may have been created)",
        full, zerror(rc)));
  }
  throw StateStorageError(
      fmt::format("ZooKeeper create-sequential {} failed: {}", full, zerror(rc)));
}

void ZooKeeperStorage::SetGuarded(const std::string& guard, const std::string& path,
                                  const std::string& data) {
  const std::string full_guard = FullPath(guard);
  const std::string full = FullPath(path);
  const int size = static_cast<int>(data.size());
  bool guard_lost = false;
  const int rc = Retry("guarded set", full, [&](Session& s) -> int {
    for (int round = 0; round < kMaxRaceRounds; ++round) {
      zoo_op_t ops[2];
      zoo_op_result_t results[2];
      zoo_check_op_init(&ops[0], full_guard.c_str(), -1);
      zoo_set_op_init(&ops[1], full.c_str(), data.data(), size, -1, nullptr);
      int code = zoo_multi(s.handle, 2, ops, results);
      if (code == ZOK || IsConnectionProblem(code)) return code;
      if (results[0].err != ZOK) {
        guard_lost = true;
        return code;
      }
      if (code != ZNONODE) return code;
      // Missing: create it (its parent first, unguarded: an empty parent
      // node is no write of the guard's holder).
      code = MakePath(s.handle, zk::Parent(full));
      if (code != ZOK) return code;
      zoo_check_op_init(&ops[0], full_guard.c_str(), -1);
      zoo_create_op_init(&ops[1], full.c_str(), data.data(), size, &ZOO_OPEN_ACL_UNSAFE, 0,
                         nullptr, 0);
      code = zoo_multi(s.handle, 2, ops, results);
      if (code == ZOK || IsConnectionProblem(code)) return code;
      if (results[0].err != ZOK) {
        guard_lost = true;
        return code;
      }
      if (code != ZNODEEXISTS) return code;  // made meanwhile: set it next round
    }
    return ZNODEEXISTS;
  });
  if (guard_lost) {
    throw GuardLostError(fmt::format("ZooKeeper set {} refused: guard {} is gone", full, full_guard));
  }
  if (rc != ZOK) {
    throw StateStorageError(fmt::format("ZooKeeper guarded set {} failed: {}", full, zerror(rc)));
  }
}

void ZooKeeperStorage::DeleteGuarded(const std::string& guard, const std::string& path) {
  const std::string full_guard = FullPath(guard);
  const std::string full = FullPath(path);
  bool guard_lost = false;
  const int rc = Retry("guarded delete", full, [&](Session& s) -> int {
    zoo_op_t ops[2];
    zoo_op_result_t results[2];
    zoo_check_op_init(&ops[0], full_guard.c_str(), -1);
    zoo_delete_op_init(&ops[1], full.c_str(), -1);
    const int code = zoo_multi(s.handle, 2, ops, results);
    if (code != ZOK && !IsConnectionProblem(code) && results[0].err != ZOK) guard_lost = true;
    return code;
  });
  if (guard_lost) {
    throw GuardLostError(
        fmt::format("ZooKeeper delete {} refused: guard {} is gone", full, full_guard));
  }
  if (rc != ZOK && rc != ZNONODE) {
    throw StateStorageError(fmt::format("ZooKeeper guarded delete {} failed: {}", full, zerror(rc)));
  }
}

std::optional<std::string> ZooKeeperStorage::Get(const std::string& path, bool watch) {
  const std::string full = FullPath(path);
  std::optional<std::string> result;
  const int rc = Retry("get", full, [&](Session& s) -> int {
    std::vector<char> buffer(kInitialReadBuffer);
    for (int round = 0; round < kMaxRaceRounds; ++round) {
      Stat stat{};
      int length = static_cast<int>(buffer.size());
      int code = zoo_get(s.handle, full.c_str(), watch ? 1 : 0, buffer.data(), &length, &stat);
      if (code == ZNONODE && watch) {
        // ZooKeeper keeps no data watch on a missing node: watch for its
        // creation instead, and read it if it appeared meanwhile.
        code = zoo_exists(s.handle, full.c_str(), 1, &stat);
        if (code == ZOK) continue;
        return code;  // ZNONODE: missing, and watched
      }
      if (code != ZOK) return code;
      if (stat.dataLength > length) {  // larger than the buffer: read again
        buffer.resize(static_cast<size_t>(stat.dataLength));
        continue;
      }
      result.emplace(buffer.data(), static_cast<size_t>(std::max(length, 0)));
      return ZOK;
    }
    return ZNONODE;  // created and deleted under us all along: call it gone
  });
  if (rc == ZNONODE) return std::nullopt;
  if (rc != ZOK) throw StateStorageError(fmt::format("ZooKeeper get {} failed: {}", full, zerror(rc)));
  return result;
}

bool ZooKeeperStorage::Exists(const std::string& path, bool watch) {
  const std::string full = FullPath(path);
  const int rc = Retry("exists", full, [&](Session& s) -> int {
    Stat stat{};
    return zoo_exists(s.handle, full.c_str(), watch ? 1 : 0, &stat);
  });
  if (rc == ZOK) return true;
  if (rc == ZNONODE) return false;
  throw StateStorageError(fmt::format("ZooKeeper exists {} failed: {}", full, zerror(rc)));
}

std::vector<std::string> ZooKeeperStorage::Children(const std::string& path, bool watch) {
  const std::string full = FullPath(path);
  const std::string relative = StripRoot(full);
  std::vector<std::string> children;
  const int rc = Retry("children", full, [&](Session& s) -> int {
    for (int round = 0; round < kMaxRaceRounds; ++round) {
      String_vector strings{};
      int code = zoo_get_children(s.handle, full.c_str(), watch ? 1 : 0, &strings);
      if (code == ZOK) {
        children = TakeStrings(strings);
        return ZOK;
      }
      if (code != ZNONODE || !watch) return code;
      // No child watch on a missing node: watch for its creation instead.
      {
        std::lock_guard<std::mutex> lock(mutex_);
        missing_children_watches_.insert(relative);
      }
      Stat stat{};
      code = zoo_exists(s.handle, full.c_str(), 1, &stat);
      if (code != ZOK) return code;  // ZNONODE: nothing to list
      // Created meanwhile: list it (its creation will not be reported).
      std::lock_guard<std::mutex> lock(mutex_);
      missing_children_watches_.erase(relative);
    }
    return ZNONODE;
  });
  if (rc == ZNONODE) return {};
  if (rc != ZOK) {
    throw StateStorageError(fmt::format("ZooKeeper children {} failed: {}", full, zerror(rc)));
  }
  std::sort(children.begin(), children.end());
  return children;
}

void ZooKeeperStorage::DeleteRecursive(const std::string& path) {
  const std::string full = FullPath(path);
  {
    // Deleted nodes are no longer wanted after a session expiry.
    std::lock_guard<std::mutex> ephemeral(ephemeral_mutex_);
    const std::string below = full == "/" ? "/" : full + "/";
    for (auto it = ephemerals_.begin(); it != ephemerals_.end();) {
      const bool under = it->first == full || it->first.compare(0, below.size(), below) == 0;
      it = under ? ephemerals_.erase(it) : std::next(it);
    }
  }
  DeleteTree(full);
}

void ZooKeeperStorage::DeleteTree(const std::string& full) {
  for (int round = 0; round < kMaxRaceRounds; ++round) {
    std::vector<std::string> children;
    int rc = Retry("children", full, [&](Session& s) -> int {
      String_vector strings{};
      const int code = zoo_get_children(s.handle, full.c_str(), 0, &strings);
      if (code == ZOK) children = TakeStrings(strings);
      return code;
    });
    if (rc == ZNONODE) return;
    if (rc != ZOK) {
      throw StateStorageError(fmt::format("ZooKeeper delete {} failed: {}", full, zerror(rc)));
    }
    for (const std::string& child : children) {
      if (full == "/" && child == "zookeeper") continue;  // the server's own
      DeleteTree(Child(full, child));
    }
    if (full == "/") return;
    rc = Retry("delete", full, [&](Session& s) -> int { return zoo_delete(s.handle, full.c_str(), -1); });
    if (rc == ZOK || rc == ZNONODE) return;
    if (rc != ZNOTEMPTY) {
      throw StateStorageError(fmt::format("ZooKeeper delete {} failed: {}", full, zerror(rc)));
    }
    // A child appeared meanwhile: delete again.
  }
  throw StateStorageError(fmt::format("ZooKeeper delete {} failed: children keep appearing", full));
}

}  // namespace storm
