// One file although it is long: the session, retry and dispatch machinery
// and the operations share the private Session type and the Retry template,
// which split files would have to expose in an internal header.
#include "common/state/zookeeper_storage.h"

#include <zookeeper/zookeeper.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/config/config_loader.h"

namespace storm {

namespace {

// First guess of a node's size; Get grows the buffer when a node is larger.
constexpr int kInitialReadBuffer = 16 * 1024;
// Bounds loops that race with other clients creating and deleting the node.
constexpr int kMaxRaceRounds = 100;

std::string ConnectString(const ZooKeeperOptions& options) {
  std::string hosts;
  for (const std::string& server : options.servers) {
    if (!hosts.empty()) hosts += ',';
    hosts += server.find(':') == std::string::npos
                 ? server + ":" + std::to_string(options.port)
                 : server;
  }
  return hosts;
}

void CheckPath(const std::string& path) {
  if (path.empty() || path[0] != '/' || (path.size() > 1 && path.back() == '/') ||
      path.find("//") != std::string::npos) {
    throw StateStorageError("invalid node path '" + path + "'");
  }
}

std::string NormalizeRoot(std::string root) {
  while (!root.empty() && root.back() == '/') root.pop_back();
  if (root.empty()) return root;
  if (root[0] != '/') root.insert(root.begin(), '/');
  CheckPath(root);
  return root;
}

std::string Parent(const std::string& full) {
  const size_t slash = full.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : full.substr(0, slash);
}

std::string Child(const std::string& full, const std::string& name) {
  return full == "/" ? "/" + name : full + "/" + name;
}

// The handle's session is over (ZINVALIDSTATE: the call was refused because
// the handle already knows).
bool IsSessionGone(int rc) { return rc == ZSESSIONEXPIRED || rc == ZINVALIDSTATE; }

bool IsConnectionProblem(int rc) {
  return rc == ZCONNECTIONLOSS || rc == ZOPERATIONTIMEOUT || IsSessionGone(rc);
}

// The C client's own log lines (connection refused during an outage, ...):
// our own log says what matters, so theirs are debug detail.
void ClientLog(const char* message) {
  std::string_view text(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  spdlog::debug("zookeeper client: {}", text);
}

// The client's log level is global, set once by the first Connect: its
// errors when our log shows debug lines, else nothing at all. Off is better
// than filtered: the client formats the server's address for an error line
// into one static buffer, which two handles' I/O threads then race on
// (ThreadSanitizer sees it when two storages lose ZooKeeper at once).
void SetClientLogLevelOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    zoo_set_debug_level(spdlog::should_log(spdlog::level::debug) ? ZOO_LOG_LEVEL_ERROR
                                                                  : static_cast<ZooLogLevel>(0));
  });
}

void IgnoreEvents(zhandle_t*, int, int, const char*, void*) {}

// Creates `full` and its missing ancestors as empty persistent nodes.
int MakePath(zhandle_t* zh, const std::string& full) {
  if (full == "/") return ZOK;
  int rc = zoo_create(zh, full.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
  if (rc == ZNONODE) {
    rc = MakePath(zh, Parent(full));
    if (rc == ZOK) rc = zoo_create(zh, full.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
  }
  return rc == ZNODEEXISTS ? ZOK : rc;
}

// One create, making missing parents first when needed. `created` (may be
// null) receives the created path, which differs for sequential nodes.
int CreateNode(zhandle_t* zh, const std::string& full, const std::string& data, int flags,
               std::string* created) {
  std::vector<char> name(full.size() + 32);
  const auto create = [&] {
    return zoo_create(zh, full.c_str(), data.data(), static_cast<int>(data.size()),
                      &ZOO_OPEN_ACL_UNSAFE, flags, name.data(), static_cast<int>(name.size()));
  };
  int rc = create();
  if (rc == ZNONODE) {
    rc = MakePath(zh, Parent(full));
    if (rc == ZOK) rc = create();
  }
  if (rc == ZOK && created != nullptr) *created = name.data();
  return rc;
}

std::vector<std::string> TakeStrings(String_vector& strings) {
  std::vector<std::string> out(strings.data, strings.data + strings.count);
  deallocate_String_vector(&strings);
  return out;
}

std::string Hex(int64_t id) { return fmt::format("0x{:x}", static_cast<uint64_t>(id)); }

}  // namespace

// One ZooKeeper handle. Its watcher gets a pointer to this object, which
// stays valid while the handle lives: the destructor closes the handle (and
// with it the C client's threads) before anything else goes.
class ZooKeeperStorage::Session {
 public:
  Session(ZooKeeperStorage* owner, int64_t generation) : owner(owner), generation(generation) {}
  ~Session() {
    if (handle != nullptr) zookeeper_close(handle);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  static void Watcher(zhandle_t* zh, int type, int state, const char* path, void* context) {
    auto* session = static_cast<Session*>(context);
    // From `zh`, not `handle`: this may run before zookeeper_init returns.
    if (type == ZOO_SESSION_EVENT && state == ZOO_CONNECTED_STATE) {
      session->id = zoo_client_id(zh)->client_id;
    }
    session->owner->OnWatcherEvent(*session, type, state, path);
  }

  ZooKeeperStorage* const owner;
  const int64_t generation;  // 1, 2, ...: which session of the storage
  zhandle_t* handle = nullptr;  // set once, before the session is shared
  std::atomic<int64_t> id{0};  // ZooKeeper's session id, once connected

  // Guarded by owner->mutex_.
  bool connected = false;
  bool expired = false;         // by the watcher, or a call that met the expiry
  bool expiry_reported = false;  // by the watcher (it queued the replacement)
  uint64_t connects = 0;         // CONNECTED events seen (a reconnect adds one)
};

ZooKeeperOptions ZooKeeperOptionsFromConfig(const Config& conf) {
  Config full = DefaultConfig();
  full.merge(conf);
  ZooKeeperOptions options;
  options.servers = full.getStringList(Config::kStormZookeeperServers);
  options.port = static_cast<int>(full.getInt(Config::kStormZookeeperPort));
  options.root = full.getString(Config::kStormZookeeperRoot);
  options.session_timeout_ms = static_cast<int>(full.getInt(Config::kStormZookeeperSessionTimeout));
  options.connection_timeout_ms =
      static_cast<int>(full.getInt(Config::kStormZookeeperConnectionTimeout));
  options.retry_times = static_cast<int>(full.getInt(Config::kStormZookeeperRetryTimes));
  options.retry_interval_ms = static_cast<int>(full.getInt(Config::kStormZookeeperRetryInterval));
  options.retry_ceiling_ms =
      static_cast<int>(full.getInt(Config::kStormZookeeperRetryIntervalCeilingMillis));
  return options;
}

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

std::shared_ptr<ZooKeeperStorage::Session> ZooKeeperStorage::OpenSession() {
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

// ---- Watcher (the C client's completion thread) --------------------------------

void ZooKeeperStorage::OnWatcherEvent(Session& session, int type, int state, const char* path) {
  if (type == ZOO_SESSION_EVENT) {
    OnSessionEvent(session, state);
    return;
  }
  WatchEvent::Type event_type;
  if (type == ZOO_CHANGED_EVENT || type == ZOO_CREATED_EVENT) {
    event_type = WatchEvent::Type::kDataChanged;
  } else if (type == ZOO_CHILD_EVENT) {
    event_type = WatchEvent::Type::kChildrenChanged;
  } else if (type == ZOO_DELETED_EVENT) {
    event_type = WatchEvent::Type::kNodeDeleted;
  } else {
    return;  // ZOO_NOTWATCHING_EVENT: a watch we never remove
  }
  std::string relative = StripRoot(path == nullptr ? "" : path);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    if (type == ZOO_CREATED_EVENT && missing_children_watches_.erase(relative) != 0) {
      tasks_.push_back(Task{WatchEvent{WatchEvent::Type::kChildrenChanged, relative}});
    }
    tasks_.push_back(Task{WatchEvent{event_type, std::move(relative)}});
  }
  changed_.notify_all();
}

void ZooKeeperStorage::OnSessionEvent(Session& session, int state) {
  if (state == ZOO_CONNECTED_STATE) {
    const int64_t id = session.id;
    bool reconnected;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      session.connected = true;
      reconnected = session.connects++ > 0;
    }
    changed_.notify_all();
    if (reconnected) spdlog::info("reconnected to ZooKeeper (session {})", Hex(id));
  } else if (state == ZOO_CONNECTING_STATE || state == ZOO_ASSOCIATING_STATE) {
    bool was_connected;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      was_connected = std::exchange(session.connected, false);
    }
    if (was_connected) {
      spdlog::warn("lost the connection to ZooKeeper (session {}); reconnecting",
                   Hex(session.id));
    }
  } else if (state == ZOO_EXPIRED_SESSION_STATE || state == ZOO_AUTH_FAILED_STATE) {
    bool current;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (std::exchange(session.expiry_reported, true)) return;
      session.expired = true;
      session.connected = false;
      current = current_.get() == &session && !stopping_;
      if (current) tasks_.push_back(Task{WatchEvent{}, session.generation});
    }
    changed_.notify_all();
    if (current) {
      spdlog::warn("ZooKeeper session {} {}", Hex(session.id),
                   state == ZOO_AUTH_FAILED_STATE ? "failed authentication" : "expired");
    }
  }
}

// ---- Dispatch thread -------------------------------------------------------------

void ZooKeeperStorage::DispatchLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    if (stopping_) return;
    Task task = std::move(tasks_.front());
    tasks_.pop_front();
    if (task.expired_generation == 0) {
      lock.unlock();
      Deliver(task.event);
      lock.lock();
      continue;
    }
    std::shared_ptr<Session> expired = current_;
    lock.unlock();
    if (expired && expired->generation == task.expired_generation) {
      // Keep trying while ZooKeeper cannot be reached; events queued
      // meanwhile belong to the old session and wait.
      for (int attempt = 0; !RenewSession(expired); ++attempt) {
        std::unique_lock<std::mutex> wait(mutex_);
        const auto pause = std::max(Backoff(attempt), std::chrono::milliseconds(100));
        if (changed_.wait_for(wait, pause, [this] { return stopping_; })) break;
      }
    }
    expired.reset();  // may close the old handle: not under mutex_
    lock.lock();
  }
}

void ZooKeeperStorage::Deliver(const WatchEvent& event) {
  std::vector<int> ids;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : listeners_) ids.push_back(entry.first);
  }
  for (int id : ids) {
    std::lock_guard<std::mutex> delivering(delivering_mutex_);
    std::shared_ptr<Listener> listener;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = listeners_.find(id);
      if (it == listeners_.end()) continue;  // removed meanwhile
      listener = it->second;
    }
    try {
      (*listener)(event);
    } catch (const std::exception& e) {
      spdlog::error("ZooKeeper watch listener failed on {}: {}", event.path, e.what());
    }
  }
}

int ZooKeeperStorage::AddListener(Listener listener) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int id = next_listener_++;
  listeners_[id] = std::make_shared<Listener>(std::move(listener));
  return id;
}

void ZooKeeperStorage::RemoveListener(int id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    listeners_.erase(id);
  }
  // Deliver looks the listener up again under delivering_mutex_, so once we
  // have held that mutex no call can start. On the dispatch thread itself
  // (a listener removing a listener) the mutex is ours already, and the
  // call in progress is the caller.
  if (std::this_thread::get_id() == dispatcher_.get_id()) return;
  std::lock_guard<std::mutex> wait_for_call(delivering_mutex_);
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

int64_t ZooKeeperStorage::SessionIdForTest() { return CurrentSession()->id; }

void ZooKeeperStorage::ExpireSessionForTest() {
  // Taking the session over moves it to the second connection; our client
  // reconnects at once and may move it back before the second one's close
  // arrives, which the server then refuses ("session moved"). So try again
  // until the session really is replaced.
  const int64_t old_session = SessionIdForTest();
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::shared_ptr<Session> session = CurrentSession();
    clientid_t id = *zoo_client_id(session->handle);
    if (id.client_id != old_session) return;
    zhandle_t* other = zookeeper_init2(connect_string_.c_str(), &IgnoreEvents,
                                       options_.session_timeout_ms, &id, nullptr, 0, &ClientLog);
    if (other == nullptr) throw StateStorageError("ExpireSessionForTest: zookeeper_init failed");
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(options_.connection_timeout_ms);
    // The session can also expire while `other` connects (it then never
    // gets to CONNECTED): that is what was wanted.
    while (zoo_state(other) != ZOO_CONNECTED_STATE && std::chrono::steady_clock::now() < deadline &&
           SessionIdForTest() == old_session) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const bool connected = zoo_state(other) == ZOO_CONNECTED_STATE;
    zookeeper_close(other);  // closes the session, which `other` now holds
    if (!connected && SessionIdForTest() == old_session) continue;  // try again
    const auto replaced = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < replaced) {
      if (SessionIdForTest() != old_session) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  throw StateStorageError("ExpireSessionForTest: the session was not replaced after 5 attempts");
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
        // restarted daemon takes the node over: delete it, create ours.
        const int deleted = zoo_delete(zh, full.c_str(), stat.version);
        if (deleted != ZOK && deleted != ZNONODE && deleted != ZBADVERSION) return deleted;
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
  const int rc = CreateNode(CurrentSession()->handle, full, data, ZOO_PERSISTENT_SEQUENTIAL,
                            &created);
  if (rc == ZOK) return StripRoot(created);
  if (IsConnectionProblem(rc)) {
    throw StateStorageError(fmt::format(
        "ZooKeeper create-sequential {} failed: {} (not retried: the node may have been created)",
        full, zerror(rc)));
  }
  throw StateStorageError(
      fmt::format("ZooKeeper create-sequential {} failed: {}", full, zerror(rc)));
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
