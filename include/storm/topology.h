// StormTopology: a topology as TopologyBuilder::createTopology makes it (its
// spouts and bolts, their inputs and groupings, declared streams,
// parallelism and config, and the factories that make each task's object).
// A value for the user to hand to StormSubmitter::submitTopology or
// LocalCluster::submitTopology; its contents are the runtime's.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "storm/component.h"
#include "storm/export.h"

namespace storm {

using SpoutFactory = std::function<std::unique_ptr<ISpout>()>;
using BoltFactory = std::function<std::unique_ptr<IBolt>()>;

namespace detail {
struct TopologyAccess;  // the runtime's way in (not part of the SDK)
}

class STORM_API StormTopology {
 public:
  StormTopology();
  StormTopology(const StormTopology& other);
  StormTopology(StormTopology&& other) noexcept;
  StormTopology& operator=(const StormTopology& other);
  StormTopology& operator=(StormTopology&& other) noexcept;
  ~StormTopology();

  // The ids of the topology's spouts and of its bolts, sorted.
  std::vector<std::string> getSpoutIds() const;
  std::vector<std::string> getBoltIds() const;

 private:
  friend struct detail::TopologyAccess;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace storm
