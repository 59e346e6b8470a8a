// The edge between the SDK's StormTopology and Thrift's (storm.thrift):
// what the CLI submits to Nimbus and what Nimbus stores in ZooKeeper.
// Storm's conventions: a global grouping is a fields grouping on no fields,
// a component's task count is `topology.tasks` in its json_conf, and its
// object is ours (cpp_object, named by class).
#pragma once

#include "storm/topology.h"
#include "storm_types.h"

namespace storm {

gen::StormTopology TopologyToThrift(const StormTopology& topology);

// The topology's shape without its factories (the worker gets those from
// the library). Throws InvalidTopologyError for what storm-cpp cannot run:
// Java or shell components, custom groupings, state spouts.
StormTopology TopologyFromThrift(const gen::StormTopology& thrift);

}  // namespace storm
