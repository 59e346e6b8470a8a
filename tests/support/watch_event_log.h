// A StateStorage listener for tests: records every watch event it gets, and
// the thread it got each one on (listeners must run on the storage's
// dispatch thread). Thread safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/state/state_storage.h"

namespace storm::testing {

class WatchEventLog {
 public:
  void Add(const WatchEvent& event) {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(event);
    threads_.push_back(std::this_thread::get_id());
  }
  // A listener that adds to this log; the log must outlive its registration.
  StateStorage::Listener Listener() {
    return [this](const WatchEvent& event) { Add(event); };
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_.size();
  }
  std::vector<WatchEvent> events() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }
  int Count(WatchEvent::Type type, const std::string& path = "") const {
    std::lock_guard<std::mutex> lock(mutex_);
    int n = 0;
    for (const WatchEvent& e : events_) n += e.type == type && e.path == path ? 1 : 0;
    return n;
  }
  std::vector<std::thread::id> threads() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return threads_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<WatchEvent> events_;
  std::vector<std::thread::id> threads_;
};

}  // namespace storm::testing
