// A topology's code as a supervisor keeps it (common/local_state.h), made by
// a test without Nimbus: the library copied in as stormjar.so, the topology
// it builds as stormcode.ser and its config as stormconf.ser, plus the
// StormBase and an Assignment over given slots, as Nimbus would write them.
//
//   TopologyCode code = MakeTopologyCode(ExamplesDir() + "/libexclamation.so", "ex");
//   code.Install(LocalState(local_dir).CodeDir(id));
//   state.SetStormBase(id, code.Base());
//   state.SetAssignment(id, code.AssignRoundRobin({{"sup-a", 6701}, {"sup-b", 6702}}, hosts));
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/state/cluster_types.h"
#include "common/config/config_loader.h"
#include "common/thrift/thrift_bytes.h"
#include "common/topology/topology_layout.h"
#include "common/topology/topology_library.h"
#include "common/topology/code_dir.h"
#include "common/topology/topology_thrift.h"
#include "support/build_paths.h"

namespace storm::testing {

struct TopologyCode {
  std::string library_path;
  std::string name;
  StormTopology topology;
  Config conf;  // as Nimbus stores it: defaults, the submission's, name, main args
  std::shared_ptr<const TopologyLayout> layout;

  // Writes stormjar.so, stormcode.ser and stormconf.ser into `dir`.
  void Install(const std::filesystem::path& dir) const {
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(library_path, dir / CodeDir::kLibraryFile,
                               std::filesystem::copy_options::overwrite_existing);
    std::ofstream(dir / CodeDir::kTopologyFile, std::ios::binary)
        << ThriftToBytes(TopologyToThrift(topology));
    std::ofstream(dir / CodeDir::kConfFile) << conf.toJson();
  }

  StormBase Base(TopologyStatus status = TopologyStatus::kActive) const {
    StormBase base;
    base.name = name;
    base.status = status;
    base.num_workers = static_cast<int>(conf.getInt(Config::kTopologyWorkers, 1));
    for (const ExecutorDef& e : layout->executors()) ++base.component_executors[e.component];
    base.launch_time_secs = 1;
    return base;
  }

  // Executor i goes to slots[i % slots.size()], so every component with more
  // than one executor spans the slots and tuples cross between workers.
  Assignment AssignRoundRobin(const std::vector<WorkerSlot>& slots,
                              const std::map<std::string, std::string>& node_host) const {
    Assignment a;
    a.master_code_dir = "/nowhere";
    a.node_host = node_host;
    size_t i = 0;
    for (const ExecutorDef& e : layout->executors()) {
      a.executor_slot[{e.first_task, e.last_task}] = slots[i++ % slots.size()];
      a.executor_start_time_secs[{e.first_task, e.last_task}] = 1;
    }
    return a;
  }
};

// Runs the library's main (as `storm jar` does) and keeps the submission
// named `name`.
inline TopologyCode MakeTopologyCode(const std::string& library_path, const std::string& name,
                                     const std::vector<std::string>& main_args = {}) {
  auto library = TopologyLibrary::Load(library_path);
  std::vector<std::string> args = main_args;
  if (args.empty()) args.push_back(name);
  for (Submission& s : library->Run(args)) {
    if (s.name != name) continue;
    TopologyCode code;
    code.library_path = library_path;
    code.name = name;
    // The shape only: the factories' code goes away with `library`.
    code.topology = TopologyFromThrift(TopologyToThrift(s.topology));
    code.conf = DefaultConfig();
    code.conf.merge(s.conf);
    code.conf.put(Config::kTopologyName, name);
    code.conf.put("topology.cpp.main.args", args);
    code.layout = BuildRunningLayout(name, code.topology, code.conf, {});
    return code;
  }
  throw std::runtime_error(library_path + " submitted no topology named " + name);
}

}  // namespace storm::testing
