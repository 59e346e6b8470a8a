// ZooKeeperStorage's watches: the C client's watcher, which runs on the
// client's completion thread and only queues, and the storage's dispatch
// thread, which calls the listeners and replaces expired sessions.
#include <spdlog/spdlog.h>

#include "common/state/zookeeper_client.h"
#include "common/state/zookeeper_session.h"
#include "common/state/zookeeper_storage.h"

namespace storm {

using zk::Hex;

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

}  // namespace storm
