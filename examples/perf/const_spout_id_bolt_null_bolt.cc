// Storm's ConstSpoutIdBoltNullBoltTopo: spout -> id bolt -> null bolt, each
// hop anchored and acked, so every spout tuple is a tree of two edges.
#include "perf/perf_components.h"

STORM_TOPOLOGY_MAIN(args) {
  storm::Config conf;
  storm::TopologyBuilder builder;
  builder.setSpout("spout", std::make_shared<perf::ConstSpout>("some data"), 1);
  builder.setBolt("bolt1", std::make_shared<perf::IdBolt>(), 1).localOrShuffleGrouping("spout");
  builder.setBolt("bolt2", std::make_shared<perf::DevNullBolt>(), 1)
      .localOrShuffleGrouping("bolt1");
  storm::StormSubmitter::submitTopology(
      args.empty() ? "const-spout-id-bolt-null-bolt" : args[0], conf, builder.createTopology());
}
