// StateStorage: the seam to ZooKeeper (Storm's IStateStorage). A tree of
// nodes, each holding bytes, with ZooKeeper's semantics: persistent and
// ephemeral nodes (an ephemeral node lives as long as the session that made
// it), sequential children, and one-shot watches set by reads.
//
// Implementations: ZooKeeperStorage (the real one; layout in docs/architecture.md#zookeeper-layout)
// and InMemoryStorage (local mode and unit tests). Paths are absolute
// ("/storms/x"); implementations prefix their root (storm.zookeeper.root).
//
// Errors: every method throws StateStorageError when the store cannot be
// reached after the implementation's retries. Reads and idempotent writes
// (Set, Delete) are retried on connection loss; a sequential create is not,
// since repeating it could create a second node.
//
// Watches: a read with watch=true arms a one-shot watch on that path (data
// for Get/Exists, children for Children). When it fires, the listener gets
// the event on the storage's own dispatch thread, never on a thread holding
// a lock of the caller, so it may call back into the storage. After a lost
// session is replaced, every listener gets kSessionRestored: watches are gone,
// re-read with watch=true. Ephemeral nodes made through this object are
// re-created by the storage itself after a new session.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storm/errors.h"

namespace storm {

class StateStorageError : public StormError {
 public:
  using StormError::StormError;
};

// A guarded write (SetGuarded, DeleteGuarded) found its guard node gone: the
// writer no longer holds what the guard stands for (a leader's lock node,
// gone with the session that made it), and nothing was written.
class GuardLostError : public StateStorageError {
 public:
  using StateStorageError::StateStorageError;
};

enum class NodeMode { kPersistent, kEphemeral };

struct WatchEvent {
  enum class Type { kDataChanged, kChildrenChanged, kNodeDeleted, kSessionRestored };
  Type type;
  std::string path;  // empty for kSessionRestored
};

class StateStorage {
 public:
  using Listener = std::function<void(const WatchEvent&)>;

  virtual ~StateStorage() = default;

  // Creates the node (and any missing parents, as empty persistent nodes) or
  // replaces its data. Idempotent, so retried on connection loss. With
  // kEphemeral the node belongs to this session and is re-created after a
  // session expiry with the data last set.
  virtual void Set(const std::string& path, const std::string& data,
                   NodeMode mode = NodeMode::kPersistent) = 0;
  // Creates a persistent child "<prefix><10-digit sequence>" and returns its
  // path. Not retried after a connection loss (that could make two).
  virtual std::string CreateSequential(const std::string& prefix, const std::string& data) = 0;
  // Creates an ephemeral child "<prefix><10-digit sequence>" of this
  // session and returns its path. Unlike Set(kEphemeral), it is not
  // re-created after a session expiry: it dies with the session that made it
  // (a leader's lock node). Not retried after a connection loss; the caller
  // finds a node made by a lost create by a unique prefix.
  virtual std::string CreateEphemeralSequential(const std::string& prefix,
                                                const std::string& data) = 0;
  // Fenced writes: Set (persistent) and non-recursive delete of `path`, done
  // in one transaction with a check that the node `guard` exists (a
  // ZooKeeper multi-op). GuardLostError, with nothing written, when it does
  // not. DeleteGuarded is no error when `path` is missing.
  virtual void SetGuarded(const std::string& guard, const std::string& path,
                          const std::string& data) = 0;
  virtual void DeleteGuarded(const std::string& guard, const std::string& path) = 0;
  // The node's data, or nullopt when there is no such node.
  virtual std::optional<std::string> Get(const std::string& path, bool watch = false) = 0;
  virtual bool Exists(const std::string& path, bool watch = false) = 0;
  // Child names (not paths), sorted; empty when the node does not exist.
  virtual std::vector<std::string> Children(const std::string& path, bool watch = false) = 0;
  // Deletes the node and everything under it; no error when it is missing.
  virtual void DeleteRecursive(const std::string& path) = 0;

  // Listeners get every watch event of this storage. Returns an id for
  // RemoveListener; after RemoveListener returns the listener is not called.
  virtual int AddListener(Listener listener) = 0;
  virtual void RemoveListener(int id) = 0;

  // Whether the store can be reached now (a ZooKeeper session connected).
  // A daemon that must go on while ZooKeeper is away (workers, supervisors)
  // asks before a call, which would otherwise wait out the retries.
  virtual bool Connected() { return true; }

  // For a daemon that is stopping: from now on a call that meets a
  // connection problem fails at once (StateStorageError) instead of waiting
  // for the server to come back, and calls waiting now give up. Calls that
  // reach the server still work.
  virtual void StopRetrying() {}
};

}  // namespace storm
