#include "nimbus/leader_election.h"

#include <spdlog/spdlog.h>

#include "common/util/random_id.h"

namespace storm {

LeaderElection::LeaderElection(std::shared_ptr<ClusterState> state, std::string host_port,
                               std::function<void()> on_change)
    : state_(std::move(state)),
      host_port_(std::move(host_port)),
      nonce_(RandomHex().substr(0, 16)),
      on_change_(std::move(on_change)) {
  listener_ = state_->storage().AddListener([this](const WatchEvent& event) {
    bool wanted = event.type == WatchEvent::Type::kSessionRestored;
    if (!wanted) {
      std::lock_guard<std::mutex> lock(mutex_);
      wanted = !watched_.empty() && event.path == watched_;
    }
    if (wanted) on_change_();
  });
}

LeaderElection::~LeaderElection() {
  state_->storage().RemoveListener(listener_);
  try {
    Leave();
  } catch (const std::exception& e) {
    // The session's close takes the node with it.
    spdlog::debug("nimbus: leaving the leader lock: {}", e.what());
  }
}

bool LeaderElection::Turn() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<LeaderCandidate> line = state_->LeaderCandidates();
  auto mine = line.end();
  for (auto it = line.begin(); it != line.end(); ++it) {
    // By our prefix, not node_: a create whose answer was lost made a node
    // of ours all the same.
    if (it->node.compare(0, nonce_.size() + 1, nonce_ + "-") == 0) {
      if (mine == line.end()) {
        mine = it;
      } else {
        state_->storage().DeleteRecursive(ClusterState::LeaderLockPath(it->node));
      }
    }
  }
  if (mine == line.end()) {
    // A node of this host:port from another process is an earlier run's,
    // dead since (a live one would hold the port this Nimbus serves on),
    // whose session has not expired yet: it would keep the lead from
    // everyone until then. Taken out of the line, as /nimbuses' node is
    // taken over.
    for (const LeaderCandidate& c : line) {
      if (c.host_port == host_port_) {
        spdlog::info("nimbus: removing lock node {} of an earlier run of {}", c.node, host_port_);
        state_->storage().DeleteRecursive(ClusterState::LeaderLockPath(c.node));
      }
    }
    if (!node_.empty()) {
      spdlog::warn("nimbus: lost lock node {} (ZooKeeper session expired); joining the line again",
                   node_);
    }
    const std::string path = state_->JoinLeaderLock(nonce_, host_port_);
    node_ = path.substr(path.rfind('/') + 1);
    line = state_->LeaderCandidates();
    mine = std::find_if(line.begin(), line.end(),
                        [&](const LeaderCandidate& c) { return c.node == node_; });
    if (mine == line.end()) return false;  // gone at once; the next turn joins again
    spdlog::debug("nimbus: joined the leader election as {} ({} in line)", node_,
                  mine - line.begin() + 1);
  }
  node_ = mine->node;
  if (mine == line.begin()) {
    watched_.clear();
    return true;
  }
  // Watch the predecessor only; if it went meanwhile, look again.
  const std::string predecessor = ClusterState::LeaderLockPath(std::prev(mine)->node);
  watched_ = predecessor;
  if (!state_->storage().Exists(predecessor, /*watch=*/true)) {
    watched_.clear();
    on_change_();
  }
  return false;
}

void LeaderElection::Leave() {
  std::string node;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    node = std::exchange(node_, "");
    watched_.clear();
  }
  if (!node.empty()) state_->storage().DeleteRecursive(ClusterState::LeaderLockPath(node));
}

std::string LeaderElection::lock_path() {
  std::lock_guard<std::mutex> lock(mutex_);
  return node_.empty() ? "" : ClusterState::LeaderLockPath(node_);
}

}  // namespace storm
