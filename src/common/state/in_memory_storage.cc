#include "common/state/in_memory_storage.h"

#include <cstdio>

namespace storm {

namespace {

std::string Parent(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

void CheckPath(const std::string& path) {
  if (path.empty() || path[0] != '/' || (path.size() > 1 && path.back() == '/') ||
      path.find("//") != std::string::npos) {
    throw StateStorageError("invalid node path '" + path + "'");
  }
}

}  // namespace

InMemoryStorage::InMemoryStorage() : dispatcher_([this] { DispatchLoop(); }) {}

InMemoryStorage::~InMemoryStorage() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  events_cv_.notify_all();
  dispatcher_.join();
}

void InMemoryStorage::CheckAvailable() const {
  if (unavailable_) throw StateStorageError("cluster state is unavailable (injected fault)");
}

void InMemoryStorage::CreateParents(const std::string& path) {
  for (std::string p = Parent(path); p != "/"; p = Parent(p)) {
    if (nodes_.count(p) != 0) break;
    nodes_[p] = "";
    Fire(WatchEvent::Type::kChildrenChanged, Parent(p), child_watches_);
  }
}

void InMemoryStorage::Fire(WatchEvent::Type type, const std::string& path,
                           std::set<std::string>& watches) {
  if (watches.erase(path) == 0) return;
  events_.push_back(WatchEvent{type, path});
  events_cv_.notify_one();
}

void InMemoryStorage::Set(const std::string& path, const std::string& data, NodeMode) {
  CheckPath(path);
  CheckAvailable();
  std::lock_guard<std::mutex> lock(mutex_);
  SetLocked(path, data);
}

void InMemoryStorage::SetLocked(const std::string& path, const std::string& data) {
  auto it = nodes_.find(path);
  if (it == nodes_.end()) {
    CreateParents(path);
    nodes_[path] = data;
    Fire(WatchEvent::Type::kDataChanged, path, data_watches_);
    Fire(WatchEvent::Type::kChildrenChanged, Parent(path), child_watches_);
  } else {
    it->second = data;
    Fire(WatchEvent::Type::kDataChanged, path, data_watches_);
  }
}

void InMemoryStorage::SetGuarded(const std::string& guard, const std::string& path,
                                 const std::string& data) {
  CheckPath(guard);
  CheckPath(path);
  CheckAvailable();
  std::lock_guard<std::mutex> lock(mutex_);
  if (nodes_.count(guard) == 0) throw GuardLostError("set " + path + ": guard " + guard + " is gone");
  SetLocked(path, data);
}

void InMemoryStorage::DeleteGuarded(const std::string& guard, const std::string& path) {
  CheckPath(guard);
  CheckPath(path);
  CheckAvailable();
  std::lock_guard<std::mutex> lock(mutex_);
  if (nodes_.count(guard) == 0) {
    throw GuardLostError("delete " + path + ": guard " + guard + " is gone");
  }
  if (nodes_.count(path) != 0) DeleteLocked(path);
}

std::string InMemoryStorage::CreateSequential(const std::string& prefix, const std::string& data) {
  CheckPath(prefix);
  CheckAvailable();
  std::lock_guard<std::mutex> lock(mutex_);
  return CreateSequentialLocked(prefix, data);
}

std::string InMemoryStorage::CreateEphemeralSequential(const std::string& prefix,
                                                       const std::string& data) {
  CheckPath(prefix);
  CheckAvailable();
  std::lock_guard<std::mutex> lock(mutex_);
  std::string path = CreateSequentialLocked(prefix, data);
  session_nodes_.insert(path);
  return path;
}

std::string InMemoryStorage::CreateSequentialLocked(const std::string& prefix,
                                                    const std::string& data) {
  const std::string parent = Parent(prefix);
  char seq[16];
  std::snprintf(seq, sizeof seq, "%010d", sequence_[parent]++);
  const std::string path = prefix + seq;
  CreateParents(path);
  nodes_[path] = data;
  Fire(WatchEvent::Type::kChildrenChanged, parent, child_watches_);
  return path;
}

std::optional<std::string> InMemoryStorage::Get(const std::string& path, bool watch) {
  CheckPath(path);
  CheckAvailable();
  std::lock_guard<std::mutex> lock(mutex_);
  if (watch) data_watches_.insert(path);
  auto it = nodes_.find(path);
  if (it == nodes_.end()) return std::nullopt;
  return it->second;
}

bool InMemoryStorage::Exists(const std::string& path, bool watch) {
  return Get(path, watch).has_value();
}

std::vector<std::string> InMemoryStorage::Children(const std::string& path, bool watch) {
  CheckPath(path);
  CheckAvailable();
  std::lock_guard<std::mutex> lock(mutex_);
  if (watch) child_watches_.insert(path);
  const std::string prefix = path == "/" ? "/" : path + "/";
  std::vector<std::string> out;
  for (auto it = nodes_.lower_bound(prefix); it != nodes_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    const std::string rest = it->first.substr(prefix.size());
    if (rest.find('/') == std::string::npos) out.push_back(rest);
  }
  return out;
}

void InMemoryStorage::DeleteRecursive(const std::string& path) {
  CheckPath(path);
  CheckAvailable();
  std::lock_guard<std::mutex> lock(mutex_);
  if (nodes_.count(path) == 0) return;
  DeleteLocked(path);
}

void InMemoryStorage::DeleteLocked(const std::string& path) {
  // As ZooKeeper: a delete triggers both the data and the child watches of
  // the node, and the client delivers that as one NodeDeleted event.
  auto fire_deleted = [this](const std::string& p) {
    if (child_watches_.erase(p) != 0) data_watches_.insert(p);
    Fire(WatchEvent::Type::kNodeDeleted, p, data_watches_);
  };
  const std::string prefix = path + "/";
  for (auto it = nodes_.lower_bound(prefix); it != nodes_.end();) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    fire_deleted(it->first);
    session_nodes_.erase(it->first);
    it = nodes_.erase(it);
  }
  nodes_.erase(path);
  session_nodes_.erase(path);
  fire_deleted(path);
  Fire(WatchEvent::Type::kChildrenChanged, Parent(path), child_watches_);
}

int InMemoryStorage::AddListener(Listener listener) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int id = next_listener_++;
  listeners_[id] = std::make_shared<Listener>(std::move(listener));
  return id;
}

void InMemoryStorage::RemoveListener(int id) {
  // Waits for a listener running now, unless called from the dispatch thread
  // (then the recursive mutex is already ours).
  std::lock_guard<std::recursive_mutex> dispatch(dispatch_mutex_);
  std::lock_guard<std::mutex> lock(mutex_);
  listeners_.erase(id);
}

void InMemoryStorage::ExpireSession() {
  std::lock_guard<std::mutex> lock(mutex_);
  // What dies with a session: its ephemeral sequential nodes (ephemeral
  // nodes set with Set are re-created by a real storage, so they stay).
  const std::set<std::string> gone = std::move(session_nodes_);
  session_nodes_.clear();
  for (const std::string& path : gone) {
    if (nodes_.count(path) != 0) DeleteLocked(path);
  }
  data_watches_.clear();
  child_watches_.clear();
  events_.push_back(WatchEvent{WatchEvent::Type::kSessionRestored, ""});
  events_cv_.notify_one();
}

void InMemoryStorage::DispatchLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    events_cv_.wait(lock, [this] { return stopping_ || !events_.empty(); });
    if (stopping_) return;
    WatchEvent event = std::move(events_.front());
    events_.pop_front();
    std::vector<int> ids;
    for (const auto& [id, l] : listeners_) ids.push_back(id);
    lock.unlock();
    {
      std::lock_guard<std::recursive_mutex> dispatch(dispatch_mutex_);
      for (int id : ids) {
        std::shared_ptr<Listener> listener;
        {
          std::lock_guard<std::mutex> l(mutex_);
          auto it = listeners_.find(id);
          if (it == listeners_.end()) continue;
          listener = it->second;
        }
        (*listener)(event);
      }
    }
    lock.lock();
  }
}

}  // namespace storm
