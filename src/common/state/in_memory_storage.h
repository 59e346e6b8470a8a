// InMemoryStorage: StateStorage kept in this process, for local mode (as
// Storm's LocalCluster runs without an external ZooKeeper) and unit tests.
// Same semantics as ZooKeeperStorage: parents, sequential children, one-shot
// watches, listeners called on a dispatch thread of its own. There is one
// session, so ephemeral nodes live as long as the object; ExpireSession()
// deletes the ephemeral sequential ones, which die with a session.
//
// Faults for tests: SetUnavailable(true) makes every call throw
// StateStorageError until it is set back, as a ZooKeeper that cannot be
// reached; ExpireSession() sends kSessionRestored, as after a lost session.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/state/state_storage.h"

namespace storm {

class InMemoryStorage final : public StateStorage {
 public:
  InMemoryStorage();
  ~InMemoryStorage() override;

  void Set(const std::string& path, const std::string& data, NodeMode mode) override;
  std::string CreateSequential(const std::string& prefix, const std::string& data) override;
  std::string CreateEphemeralSequential(const std::string& prefix,
                                        const std::string& data) override;
  void SetGuarded(const std::string& guard, const std::string& path,
                  const std::string& data) override;
  void DeleteGuarded(const std::string& guard, const std::string& path) override;
  std::optional<std::string> Get(const std::string& path, bool watch) override;
  bool Exists(const std::string& path, bool watch) override;
  std::vector<std::string> Children(const std::string& path, bool watch) override;
  void DeleteRecursive(const std::string& path) override;
  int AddListener(Listener listener) override;
  void RemoveListener(int id) override;

  bool Connected() override { return !unavailable_; }

  void SetUnavailable(bool unavailable) { unavailable_ = unavailable; }
  void ExpireSession();

 private:
  void CheckAvailable() const;
  // Both with mutex_ held.
  void CreateParents(const std::string& path);
  void SetLocked(const std::string& path, const std::string& data);
  void DeleteLocked(const std::string& path);
  std::string CreateSequentialLocked(const std::string& prefix, const std::string& data);
  void Fire(WatchEvent::Type type, const std::string& path, std::set<std::string>& watches);
  void DispatchLoop();

  std::atomic<bool> unavailable_{false};

  std::mutex mutex_;  // guards everything below
  std::map<std::string, std::string> nodes_;  // path -> data; "/" implicit
  std::map<std::string, int> sequence_;       // parent -> next sequence number
  std::set<std::string> session_nodes_;       // made by CreateEphemeralSequential
  std::set<std::string> data_watches_;
  std::set<std::string> child_watches_;
  std::deque<WatchEvent> events_;
  std::map<int, std::shared_ptr<Listener>> listeners_;
  int next_listener_ = 1;
  bool stopping_ = false;
  std::condition_variable events_cv_;

  // Held while a listener runs, so that RemoveListener can wait it out.
  std::recursive_mutex dispatch_mutex_;
  std::thread dispatcher_;
};

}  // namespace storm
