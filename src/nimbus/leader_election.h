// LeaderElection: one Nimbus's place in the leader election, as Curator's
// LeaderLatch does it for Storm: an ephemeral sequential node under
// /leader-lock (ClusterState::JoinLeaderLock); the lowest sequence leads;
// every other candidate watches only its predecessor, so a leader's death
// wakes one Nimbus, not all (no herd).
//
// The node dies with the ZooKeeper session that made it, so a Nimbus whose
// session expired is out of line at once; it joins again (at the end) at
// its next Turn. Joining removes the nodes of earlier runs of the same
// host:port (a restarted Nimbus: the port it serves on proves them dead),
// so that a crashed leader restarted at once does not wait out its old
// session. The lock node's path is the guard of the leader's writes
// (ClusterState::Guarded): once it is gone, they are refused.
//
// `on_change` is called (on the storage's dispatch thread; it must not block)
// when the predecessor goes or the session was replaced: time for a Turn.
// Thread safety: Turn, Leave and lock_path from any thread.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "common/state/cluster_state.h"

namespace storm {

class LeaderElection {
 public:
  LeaderElection(std::shared_ptr<ClusterState> state, std::string host_port,
                 std::function<void()> on_change);
  ~LeaderElection();
  LeaderElection(const LeaderElection&) = delete;
  LeaderElection& operator=(const LeaderElection&) = delete;

  // Joins the line when this Nimbus is not in it, and returns whether its
  // node is the lowest. Otherwise arms a watch on the predecessor.
  // Throws StateStorageError when ZooKeeper cannot be reached.
  bool Turn();
  // Gives the lock up (deletes this Nimbus's node); the next Turn joins at
  // the end of the line.
  void Leave();
  // "/leader-lock/<node>" of this Nimbus, "" when not in line.
  std::string lock_path();

 private:
  std::shared_ptr<ClusterState> state_;
  const std::string host_port_;
  const std::string nonce_;  // this process's prefix of its lock nodes
  std::function<void()> on_change_;
  int listener_ = 0;

  std::mutex mutex_;
  std::string node_;     // our child of /leader-lock, "" when not in line
  std::string watched_;  // the predecessor's path we watch
};

}  // namespace storm
