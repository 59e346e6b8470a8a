// Storm's ConstSpoutNullBoltTopo: spout -> (shuffle) -> a bolt that acks.
// Run with topology.acker.executors=0 to measure raw throughput.
#include "perf/perf_components.h"

STORM_TOPOLOGY_MAIN(args) {
  storm::Config conf;
  storm::TopologyBuilder builder;
  builder.setSpout("spout", std::make_shared<perf::ConstSpout>("some data"), 1);
  builder.setBolt("bolt", std::make_shared<perf::DevNullBolt>(), 1).shuffleGrouping("spout");
  storm::StormSubmitter::submitTopology(args.empty() ? "const-spout-null-bolt" : args[0], conf,
                                        builder.createTopology());
}
