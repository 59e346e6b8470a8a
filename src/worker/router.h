// StreamRouter: for one executor, who receives a tuple emitted on each of
// its component's streams: one grouper per subscription, plus the checks
// Storm makes on direct streams. Used by the executor's user logic thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/topology/topology_layout.h"
#include "worker/grouping.h"

namespace storm {

class StreamRouter {
 public:
  StreamRouter(const TopologyLayout& layout, const std::string& component,
               const std::vector<int>& worker_tasks, uint64_t seed);

  // The stream's index, or throws StormError naming the undeclared stream.
  int StreamIndex(const std::string& stream) const;
  int default_stream() const { return default_stream_; }

  // Appends the target tasks of a tuple on `stream_index` to `out`.
  // direct_task >= 0 is an emitDirect; throws StormError when the stream's
  // kind (direct or not) does not match the call, or the task does not
  // subscribe to the stream.
  void Route(int stream_index, const Values& values, int direct_task, std::vector<int>& out);

 private:
  struct Route_ {
    std::unique_ptr<Grouper> grouper;  // nullptr for direct
    const Subscription* subscription;
  };
  struct StreamRoutes {
    std::string name;
    bool direct = false;
    std::vector<Route_> routes;
  };

  const TopologyLayout& layout_;
  std::string component_;
  int default_stream_ = -1;
  std::vector<int> stream_indexes_;     // this component's streams
  std::vector<StreamRoutes> by_index_;  // indexed by global stream index
};

}  // namespace storm
