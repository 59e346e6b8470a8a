// ZooKeeperStorage: StateStorage over a ZooKeeper ensemble through the
// ZooKeeper C client (libzookeeper_mt), as Storm's ZKStateStorage is over
// Curator. All paths are under options.root: root "/storm" and path
// "/storms/x" is the znode "/storm/storms/x"; listeners see "/storms/x".
//
// Connection loss (the server stopped, a network cut): the C client keeps
// the session and reconnects by itself. A call that fails with connection
// loss or an operation timeout waits for that reconnection, at most
// retry_interval_ms * 2^attempt (capped at retry_ceiling_ms), and tries again,
// up to retry_times more times (Curator's ExponentialBackoffRetry). With the
// defaults (5 times, 1 s, 30 s) a caller rides out a ZooKeeper that is away
// for up to ~30 s. Writes are only repeated where that does no harm: Set is
// "create, or set the data when it exists", DeleteRecursive ignores missing
// nodes; CreateSequential waits (up to connection_timeout_ms) for a connected
// session before it sends, but is never repeated after a loss (it throws),
// since the lost create may have made a node. Set with kEphemeral on a node
// another session owns (a crashed incarnation of this daemon whose session
// has not expired yet) takes it over: the node is deleted and made again in
// this session, so that it does not vanish when the other session expires.
//
// Session expiry (ZooKeeper told us the session is gone, so our ephemeral
// nodes and watches are too): the storage opens a new session, re-creates
// every ephemeral node set through it with the data last set, and then sends
// kSessionRestored to every listener. A call that meets the expired session
// waits for the new one (or makes it itself) and goes on.
//
// Guarded writes (SetGuarded, DeleteGuarded) are one zoo_multi: a check op
// on the guard (any version) and the set, create or delete. They are
// retried as Set is; after an expiry the retry runs in the new session,
// where the check fails if the guard was an ephemeral node of the old one:
// a writer paused past its session timeout never writes again.
//
// Watches: ZooKeeper's watch events map to kDataChanged (data changed, or a
// watched missing node was created), kChildrenChanged and kNodeDeleted. Get
// and Exists with watch=true on a missing node watch for its creation.
// Children with watch=true on a missing node also watches for its creation,
// reported as kChildrenChanged besides kDataChanged (ZooKeeper itself cannot
// watch the children of a missing node).
//
// Logging (spdlog): connecting, connected, connection lost, reconnected,
// session expired and replaced. The C client's own lines go to spdlog's debug
// level when debug is on at the first Connect; otherwise it logs nothing.
//
// Threads: the C client runs an I/O thread and a completion thread and calls
// our watcher on the latter, where a synchronous ZooKeeper call would
// deadlock. So the watcher only queues; the storage's own dispatch thread
// calls the listeners and replaces an expired session. A listener may call
// any method of the storage, including RemoveListener on itself. A thread
// other than the dispatch thread that calls RemoveListener waits for a
// listener call in progress: it must not hold a lock that listener takes.
// Every method may be called from any thread; the destructor must not race
// with other calls. The destructor closes the session (our ephemeral nodes
// vanish at once) and joins the dispatch thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/state/state_storage.h"
#include "common/state/zookeeper_options.h"

namespace storm {

class ZooKeeperStorage final : public StateStorage {
 public:
  // Opens a session, waiting up to options.connection_timeout_ms, and creates
  // the root node if missing. Throws StateStorageError("cannot reach
  // ZooKeeper at host:port,...: ...") when no session comes in time.
  static std::unique_ptr<ZooKeeperStorage> Connect(const ZooKeeperOptions& options);
  // For a daemon that must start while ZooKeeper may be away (a worker
  // restarted during an outage): returns at once; the session connects in
  // the background, and calls meanwhile wait and retry as after a
  // connection loss. Does not create the root (the cluster made it).
  static std::unique_ptr<ZooKeeperStorage> ConnectInBackground(const ZooKeeperOptions& options);

  ~ZooKeeperStorage() override;
  ZooKeeperStorage(const ZooKeeperStorage&) = delete;
  ZooKeeperStorage& operator=(const ZooKeeperStorage&) = delete;

  // The defaults repeat StateStorage's, for calls through this type.
  void Set(const std::string& path, const std::string& data,
           NodeMode mode = NodeMode::kPersistent) override;
  std::string CreateSequential(const std::string& prefix, const std::string& data) override;
  std::string CreateEphemeralSequential(const std::string& prefix,
                                        const std::string& data) override;
  void SetGuarded(const std::string& guard, const std::string& path,
                  const std::string& data) override;
  void DeleteGuarded(const std::string& guard, const std::string& path) override;
  std::optional<std::string> Get(const std::string& path, bool watch = false) override;
  bool Exists(const std::string& path, bool watch = false) override;
  std::vector<std::string> Children(const std::string& path, bool watch = false) override;
  void DeleteRecursive(const std::string& path) override;
  int AddListener(Listener listener) override;
  void RemoveListener(int id) override;
  void StopRetrying() override;
  bool Connected() override;

  // "host:port,host:port", as given to the C client.
  const std::string& connect_string() const { return connect_string_; }

  // For tests. The id of the current session (changes after an expiry).
  int64_t SessionIdForTest();
  // For tests: makes ZooKeeper expire the current session, as after a long
  // network partition. It opens a second connection with this session's id
  // and password and closes it, which closes the session on the server; this
  // storage then sees ZOO_EXPIRED_SESSION_STATE when it next talks to the
  // server and recovers as described above.
  void ExpireSessionForTest();

 private:
  class Session;  // one zhandle_t and what its watcher has seen
  // An item of the dispatch queue: a watch event for the listeners or, when
  // expired_generation is set, the expiry of that session.
  struct Task {
    WatchEvent event;
    int64_t expired_generation = 0;
  };

  explicit ZooKeeperStorage(const ZooKeeperOptions& options);

  std::string FullPath(const std::string& path) const;
  std::string StripRoot(std::string_view full) const;

  // Opens a session and, when `wait`, waits for it (throws StateStorageError).
  std::shared_ptr<Session> OpenSession(bool wait = true);
  // Replaces `expired` when it is still the current session: new session,
  // ephemeral nodes re-created, kSessionRestored queued. false when it could
  // not (ZooKeeper unreachable); the caller tries again later.
  bool RenewSession(const std::shared_ptr<Session>& expired);
  // Runs `op` on the current session, retried as the header comment says;
  // returns the ZooKeeper code of the last attempt when that is not a
  // connection problem, and throws StateStorageError naming `what` and
  // `full` when the retries run out.
  template <typename Op>
  int Retry(std::string_view what, const std::string& full, Op&& op);
  // The current session and how many times it has connected so far.
  std::shared_ptr<Session> CurrentSession(uint64_t* connects = nullptr);
  // Waits until `session` is replaced, expires or connects again after
  // `connects` connections, or `timeout` passes.
  void WaitForChange(const std::shared_ptr<Session>& session, uint64_t connects,
                     std::chrono::milliseconds timeout);
  std::chrono::milliseconds Backoff(int attempt) const;

  // Create-or-set on one session, no retries. For an ephemeral node the
  // caller holds ephemeral_mutex_.
  int SetOnce(Session& session, const std::string& full, const std::string& data,
              bool ephemeral);
  void DeleteTree(const std::string& full);
  // CreateSequential with the C client's `flags` (ZOO_SEQUENCE included).
  std::string CreateSequentialNode(const std::string& prefix, const std::string& data, int flags);

  // Watcher plumbing (the C client's completion thread).
  void OnWatcherEvent(Session& session, int type, int state, const char* path);
  void OnSessionEvent(Session& session, int state);
  // The dispatch thread.
  void DispatchLoop();
  void Deliver(const WatchEvent& event);

  const ZooKeeperOptions options_;
  const std::string connect_string_;
  const std::string root_;  // "" or "/a/b": no trailing slash

  // Held while a session is being replaced, so only one thread does it.
  std::mutex renew_mutex_;

  // Serializes ephemeral writes with their re-creation in a new session, so
  // that a new session never ends up with data older than the last Set.
  std::mutex ephemeral_mutex_;
  std::map<std::string, std::string> ephemerals_;  // full path -> last data
  std::set<int64_t> previous_sessions_;            // ids of our dead sessions

  // Guards everything below, and the Session fields its comment names. Never
  // held while a Session may be destroyed (zookeeper_close joins the
  // completion thread, which may be waiting for this mutex).
  std::mutex mutex_;
  // Session state, tasks_, stopping_ or retrying_stopped_.
  std::condition_variable changed_;
  std::shared_ptr<Session> current_;
  int64_t next_generation_ = 1;
  // Paths of Children(watch=true) calls that found no node: their creation
  // is reported as kChildrenChanged.
  std::set<std::string> missing_children_watches_;
  // Produced by the watcher and RenewSession, consumed by the dispatch thread.
  std::deque<Task> tasks_;
  std::map<int, std::shared_ptr<Listener>> listeners_;
  int next_listener_ = 1;
  bool stopping_ = false;
  bool retrying_stopped_ = false;  // StopRetrying was called

  // Held by the dispatch thread while it calls one listener, so that
  // RemoveListener can wait for that call to end.
  std::mutex delivering_mutex_;
  std::thread dispatcher_;  // last: started once everything above exists
};

}  // namespace storm
