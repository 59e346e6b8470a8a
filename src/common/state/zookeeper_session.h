// ZooKeeperStorage::Session: one ZooKeeper handle and what its watcher has
// seen. Internal to ZooKeeperStorage (zookeeper_storage.cc for sessions,
// retries and operations; zookeeper_watches.cc for the watcher and the
// dispatch thread).
#pragma once

#include <zookeeper/zookeeper.h>

#include <atomic>
#include <cstdint>

#include "common/state/zookeeper_storage.h"

namespace storm {

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

}  // namespace storm
