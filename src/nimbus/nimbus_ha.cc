// Nimbus's high availability: the leader election's turns, leading and
// stepping down, and the code every Nimbus copies from the others.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/topology/code_dir.h"
#include "nimbus/nimbus.h"
#include "storm_types.h"

namespace storm {

namespace {

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

}  // namespace

std::string Nimbus::host_port() const { return options_.host + ":" + std::to_string(options_.port); }

bool Nimbus::IsLeader() {
  std::lock_guard<std::mutex> lock(mutex_);
  return leader_;
}

NimbusInfo Nimbus::Leader() {
  std::optional<NimbusInfo> leader = options_.state->Leader();
  if (!leader) throw NotLeaderError("no Nimbus leads now (a leader election is under way)");
  return *leader;
}

std::string Nimbus::NotLeaderMessage() {
  std::optional<NimbusInfo> leader;
  try {
    leader = options_.state->Leader();
  } catch (const StateStorageError& e) {
    spdlog::debug("nimbus: cannot read the leader: {}", e.what());
  }
  std::string out = "not the leader: this Nimbus (" + host_port() + ") is a follower; ";
  if (leader && !(leader->host == options_.host && leader->port == options_.port)) {
    return out + "the leader is " + leader->host + ":" + std::to_string(leader->port);
  }
  return out + "no Nimbus leads now (a leader election is under way)";
}

void Nimbus::RequireLeader() {
  if (!leader_) throw NotLeaderError(NotLeaderMessage());
}

ClusterState& Nimbus::Writes() {
  RequireLeader();
  return *writes_;
}

std::string Nimbus::BeginUpload() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    RequireLeader();
  }
  return code_store_->BeginUpload();
}

std::vector<std::string> Nimbus::MissingCode() {
  std::vector<std::string> out;
  for (const std::string& id : options_.state->ActiveStorms()) {
    if (!code_store_->Has(id)) out.push_back(id);
  }
  return out;
}

void Nimbus::BecomeLeader(const std::string& lock_path) {
  options_.state->SetNimbus(NimbusInfo{options_.host, options_.port, start_secs_, true, STORM_VERSION});
  writes_ = options_.state->Guarded(lock_path);
  leader_ = true;
  // Finish what an earlier leader started: its timers died with it. What it
  // saw of heartbeats too: every executor gets a launch period from now, so
  // a change of leader never reassigns running work.
  const int64_t now = options_.clock->NowNanos();
  action_deadline_nanos_.clear();
  beats_.clear();
  assigned_at_.clear();
  for (const std::string& id : options_.state->ActiveStorms()) {
    auto base = options_.state->GetStormBase(id);
    if (!base) continue;
    if (base->status == TopologyStatus::kKilled) {
      action_deadline_nanos_[id] = now + int64_t{base->kill_wait_secs.value_or(0)} * 1'000'000'000;
    } else if (base->status == TopologyStatus::kRebalancing && base->rebalance) {
      action_deadline_nanos_[id] = now + int64_t{base->rebalance->wait_secs} * 1'000'000'000;
    }
  }
  // Worth an info line where other Nimbuses may run (not in local mode).
  spdlog::log(options_.fetch_code ? spdlog::level::info : spdlog::level::debug,
              "nimbus: {} is the leader now (lock {}), {} topologies", host_port(), lock_path,
              options_.state->ActiveStorms().size());
}

void Nimbus::StepDown(const std::string& why) {
  if (!leader_) return;
  leader_ = false;
  writes_.reset();
  action_deadline_nanos_.clear();
  spdlog::warn("nimbus: {} is no longer the leader: {}", host_port(), why);
  try {
    options_.state->SetNimbus(
        NimbusInfo{options_.host, options_.port, start_secs_, false, STORM_VERSION});
  } catch (const StateStorageError& e) {
    spdlog::warn("nimbus: cannot update /nimbuses: {}", e.what());
  }
}

void Nimbus::ElectionTurn() {
  LeaderElection* election;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    election = election_.get();
  }
  if (election == nullptr) return;
  const bool first = election->Turn();
  const std::string lock_path = election->lock_path();
  std::unique_lock<std::mutex> lock(mutex_);
  if (!first) {
    StepDown("another Nimbus is first in line");
    return;
  }
  if (leader_) {
    if (writes_->guard() == lock_path) return;
    StepDown("its lock node " + writes_->guard() + " is gone");
  }
  std::vector<std::string> missing = MissingCode();
  if (!missing.empty()) {
    spdlog::info("nimbus: {} is first in line but lacks the code of {}; fetching it", host_port(),
                 JoinIds(missing));
    lock.unlock();
    SyncCode();
    lock.lock();
    missing = MissingCode();
    if (!missing.empty()) {
      spdlog::warn("nimbus: {} does not take the lead without the code of {}; giving the lock up",
                   host_port(), JoinIds(missing));
      lock.unlock();
      election->Leave();
      return;
    }
  }
  BecomeLeader(lock_path);
}

void Nimbus::SyncCode() {
  std::lock_guard<std::mutex> syncing(sync_mutex_);
  const std::string me = host_port();
  const std::vector<std::string> keys = options_.state->CodeKeys(/*watch=*/true);
  for (const std::string& id : keys) {
    if (code_store_->Has(id)) {
      const std::vector<std::string> holders = options_.state->CodeHolders(id);
      if (std::find(holders.begin(), holders.end(), me) == holders.end()) {
        options_.state->AddCodeHolder(id, me);
        spdlog::info("nimbus: holds the code of {}", id);
      }
      continue;
    }
    if (!options_.fetch_code) continue;
    // Watched: a holder that appears later wakes the next sync.
    std::vector<std::string> holders = options_.state->CodeHolders(id, /*watch=*/true);
    holders.erase(std::remove(holders.begin(), holders.end(), me), holders.end());
    if (holders.empty()) {
      spdlog::warn("nimbus: no Nimbus holds the code of {} now; waiting for one", id);
      continue;
    }
    for (const std::string& holder : holders) {
      try {
        const std::string dir = code_store_->BeginCopy(id);
        options_.fetch_code(holder, id, dir);
        // (Local mode's code has no library; it has no other Nimbus either.)
        if (!options_.library_optional) VerifyCodeDir(id, dir);
        code_store_->FinishCopy(id);
        options_.state->AddCodeHolder(id, me);
        spdlog::info("nimbus: copied the code of {} from the Nimbus at {}", id, holder);
        break;
      } catch (const StateStorageError&) {
        throw;
      } catch (const std::exception& e) {
        spdlog::warn("nimbus: cannot copy the code of {} from the Nimbus at {}: {}", id, holder,
                     e.what());
      }
    }
  }
  // The code of topologies gone (their key went when they were removed).
  const std::set<std::string> key_set(keys.begin(), keys.end());
  std::lock_guard<std::mutex> lock(mutex_);
  const std::vector<std::string> alive_ids = options_.state->ActiveStorms();
  const std::set<std::string> alive(alive_ids.begin(), alive_ids.end());
  for (const std::string& id : code_store_->InstalledIds()) {
    if (key_set.count(id) == 0 && alive.count(id) != 0) {
      // Alive with no key (a cluster state from before keys were kept).
      options_.state->AddCodeHolder(id, me);
      continue;
    }
    if (key_set.count(id) == 0 && alive.count(id) == 0 && pending_submits_.count(id) == 0) {
      spdlog::info("nimbus: removing the code of {}, which is no longer alive", id);
      code_store_->Remove(id);
      cache_.erase(id);
    }
  }
}

}  // namespace storm
