// Helpers for tests that run topologies on an InProcessCluster: a recorder that
// components (copied per task) share through a name, and waiting on a
// condition with a deadline instead of sleeping for a fixed time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace storm::testing {

// Everything the spouts and bolts of one test observed. Thread safe.
class Recorder {
 public:
  static Recorder& Get(const std::string& name) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<Recorder>> recorders;
    std::lock_guard<std::mutex> lock(mutex);
    auto& r = recorders[name];
    if (!r) r = std::make_unique<Recorder>();
    return *r;
  }

  void Add(const std::string& event, int64_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    events_[event].push_back(id);
  }
  size_t Count(const std::string& event) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = events_.find(event);
    return it == events_.end() ? 0 : it->second.size();
  }
  std::vector<int64_t> Ids(const std::string& event) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = events_.find(event);
    return it == events_.end() ? std::vector<int64_t>{} : it->second;
  }
  std::set<int64_t> IdSet(const std::string& event) const {
    auto ids = Ids(event);
    return std::set<int64_t>(ids.begin(), ids.end());
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<int64_t>> events_;
};

// Polls `condition` until it holds or `timeout` passes; returns whether it held.
inline bool WaitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return condition();
}

}  // namespace storm::testing
