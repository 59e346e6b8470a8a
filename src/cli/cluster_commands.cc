// The `storm` verbs that talk to Nimbus over Thrift: jar, list, kill,
// activate, deactivate, rebalance. Each prints one line on success, and on
// failure one line naming the reason, with exit status 1.
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <map>
#include <memory>

#include "cli/commands.h"
#include "common/client/nimbus_client.h"
#include "common/config/config_loader.h"
#include "common/topology/topology_layout.h"  // ValidateTopologyName
#include "common/topology/topology_library.h"
#include "common/topology/topology_thrift.h"
#include "common/util/logging.h"

namespace storm::cli {

int Guard(const char* command, const std::function<int()>& body) {
  try {
    return body();
  } catch (const gen::NotAliveException& e) {
    std::fprintf(stderr, "storm %s: no such topology: %s\n", command, e.msg.c_str());
  } catch (const gen::AlreadyAliveException& e) {
    std::fprintf(stderr, "storm %s: already alive: %s\n", command, e.msg.c_str());
  } catch (const gen::InvalidTopologyException& e) {
    std::fprintf(stderr, "storm %s: invalid topology: %s\n", command, e.msg.c_str());
  } catch (const gen::AuthorizationException& e) {
    std::fprintf(stderr, "storm %s: not authorized: %s\n", command, e.msg.c_str());
  } catch (const InvalidTopologyError& e) {
    std::fprintf(stderr, "storm %s: invalid topology: %s\n", command, e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "storm %s: %s\n", command, e.what());
  }
  return 1;
}

namespace {

struct Session {
  Config conf;
  std::unique_ptr<NimbusClient> nimbus;
};

Session Open(const GlobalOptions& global) {
  Session s;
  InitLogging("storm", global.LogLevelOr("warn"));
  s.conf = LoadConfig(global.sources);
  s.nimbus = NimbusClient::Connect(s.conf);
  return s;
}

std::string UserName() {
  if (const passwd* pw = getpwuid(getuid())) return pw->pw_name;
  return "unknown";
}

// As Storm's StormSubmitter: a name Nimbus would refuse is refused before
// the library is uploaded, which would cost megabytes on the wire and leave
// the upload in Nimbus's inbox until it expires. Nimbus checks again at
// submit (another client may take the name meanwhile).
void CheckNameIsFree(NimbusClient& nimbus, const std::string& name) {
  ValidateTopologyName(name);
  bool allowed = false;
  nimbus.Call([&](gen::NimbusClient& c) { allowed = c.isTopologyNameAllowed(name); });
  if (!allowed) {
    gen::AlreadyAliveException e;
    e.msg = "topology with name '" + name + "' already exists on cluster";
    throw e;
  }
}

// The options of kill and rebalance.
struct TopologyOptions {
  std::string name;
  int wait_secs = -1;  // -1: not given
  int num_workers = -1;
  std::map<std::string, int32_t> num_executors;
};

void AddNameArgument(CLI::App& verb, std::string& name) {
  verb.add_option("topology-name", name, "the topology's name")->type_name("")->required();
}

void AddWaitOption(CLI::App& verb, TopologyOptions& options, const std::string& what) {
  verb.add_option("-w,--wait", options.wait_secs,
                  "seconds to wait with the topology deactivated before " + what +
                      " (default: its topology.message.timeout.secs)")
      ->type_name("SECS")
      ->check(WholeNumber(0));
}

// -e COMPONENT=PARALLELISM: "-e split=4" runs split in 4 executors.
CLI::Validator ComponentParallelism() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const size_t equals = text.find('=');
        if (equals == std::string::npos || equals == 0) {
          return "expected COMPONENT=PARALLELISM, got '" + text + "'";
        }
        std::string count = text.substr(equals + 1);
        std::string error = WholeNumber(0)(count);
        return error.empty() ? "" : "component " + text.substr(0, equals) + ": " + error;
      },
      "");
}

int Jar(const GlobalOptions& global, const std::string& path,
        const std::vector<std::string>& main_args) {
  return Guard("jar", [&] {
    InitLogging("storm", global.LogLevelOr("warn"));
    Config conf = LoadConfig(global.sources);
    auto library = TopologyLibrary::Load(path);
    std::vector<Submission> submissions = library->Run(main_args);
    auto nimbus = NimbusClient::Connect(conf);
    for (Submission& s : submissions) {
      CheckNameIsFree(*nimbus, s.name);
      Config topology_conf = s.conf;
      topology_conf.merge(global.Overrides());
      topology_conf.put(Config::kTopologyCppMainArgs, main_args);
      if (!topology_conf.contains(Config::kTopologySubmitterUser)) {
        topology_conf.put(Config::kTopologySubmitterUser, UserName());
      }
      const std::string location = nimbus->UploadFile(path);
      const gen::StormTopology thrift = TopologyToThrift(s.topology);
      nimbus->Call([&](gen::NimbusClient& c) {
        c.submitTopology(s.name, location, topology_conf.toJson(), thrift);
      });
      gen::TopologySummary summary;
      nimbus->Call([&](gen::NimbusClient& c) { c.getTopologySummaryByName(summary, s.name); });
      std::printf("storm jar: submitted topology %s as %s\n", s.name.c_str(), summary.id.c_str());
    }
    return 0;
  });
}

int List(const GlobalOptions& global) {
  return Guard("list", [&] {
    Session s = Open(global);
    gen::ClusterSummary summary;
    s.nimbus->Call([&](gen::NimbusClient& c) { c.getClusterInfo(summary); });
    if (summary.topologies.empty()) {
      std::printf("No topologies running.\n");
    } else {
      // Storm's columns and widths (ListTopologies).
      const char* format = "%-20s %-10s %-10s %-12s %-10s %-20s %-10s\n";
      std::printf(format, "Topology_name", "Status", "Num_tasks", "Num_workers", "Uptime_secs",
                  "Topology_Id", "Owner");
      std::printf("%s\n", std::string(98, '-').c_str());
      for (const auto& t : summary.topologies) {
        std::printf(format, t.name.c_str(), t.status.c_str(), std::to_string(t.num_tasks).c_str(),
                    std::to_string(t.num_workers).c_str(), std::to_string(t.uptime_secs).c_str(),
                    t.id.c_str(), t.owner.c_str());
      }
    }
    // Ours, after Storm's table (Storm shows the Nimbuses in its UI only):
    // which Nimbus leads. Each line starts with "Nimbus", so that a reader
    // of the table's rows never takes one for a topology.
    if (!summary.nimbuses.empty()) std::printf("\n");
    for (const auto& n : summary.nimbuses) {
      const std::string address = n.host + ":" + std::to_string(n.port);
      std::printf("Nimbus %-24s %-13s uptime %d s, version %s\n", address.c_str(),
                  n.isLeader ? "Leader" : "Not a Leader", n.uptime_secs, n.version.c_str());
    }
    return 0;
  });
}

int Kill(const GlobalOptions& global, const TopologyOptions& options) {
  return Guard("kill", [&] {
    Session s = Open(global);
    gen::KillOptions kill;
    if (options.wait_secs >= 0) kill.__set_wait_secs(options.wait_secs);
    s.nimbus->Call([&](gen::NimbusClient& c) { c.killTopologyWithOpts(options.name, kill); });
    std::printf("storm kill: killed topology %s%s\n", options.name.c_str(),
                options.wait_secs >= 0
                    ? (" (removed after " + std::to_string(options.wait_secs) + " s)").c_str()
                    : "");
    return 0;
  });
}

int Activate(const GlobalOptions& global, const std::string& name) {
  return Guard("activate", [&] {
    Session s = Open(global);
    s.nimbus->Call([&](gen::NimbusClient& c) { c.activate(name); });
    std::printf("storm activate: activated topology %s\n", name.c_str());
    return 0;
  });
}

int Deactivate(const GlobalOptions& global, const std::string& name) {
  return Guard("deactivate", [&] {
    Session s = Open(global);
    s.nimbus->Call([&](gen::NimbusClient& c) { c.deactivate(name); });
    std::printf("storm deactivate: deactivated topology %s\n", name.c_str());
    return 0;
  });
}

int Rebalance(const GlobalOptions& global, const TopologyOptions& options) {
  return Guard("rebalance", [&] {
    Session s = Open(global);
    gen::RebalanceOptions rebalance;
    if (options.wait_secs >= 0) rebalance.__set_wait_secs(options.wait_secs);
    if (options.num_workers >= 0) rebalance.__set_num_workers(options.num_workers);
    if (!options.num_executors.empty()) rebalance.__set_num_executors(options.num_executors);
    s.nimbus->Call([&](gen::NimbusClient& c) { c.rebalance(options.name, rebalance); });
    std::printf("storm rebalance: rebalancing topology %s\n", options.name.c_str());
    return 0;
  });
}

void AddJarVerb(CLI::App& storm, GlobalOptions& global, Command& run) {
  struct JarArgs {
    std::string library;
    std::vector<std::string> main_args;
  };
  auto args = std::make_shared<JarArgs>();
  CLI::App* jar =
      AddVerb(storm, global, run, "jar", "runs a topology library's main, submits its topologies",
              "storm jar [OPTIONS] <topology.so> [args...]",
              [&global, args] { return Jar(global, args->library, args->main_args); });
  TakeProgramAndArguments(
      *jar, [&global](CLI::App& app) { AddGlobalOptions(app, global); }, "a topology library (.so)",
      args->library, args->main_args);
  jar->footer(
      "The words after the library are its main's arguments, unchanged, except -c, --config and "
      "--log-level, which are storm's wherever they stand, up to a '--' (all after it is the "
      "main's). -c also reaches the config of the topologies submitted.");
}

// A verb whose only word is the topology's name.
void AddNameVerb(CLI::App& storm, GlobalOptions& global, Command& run, const std::string& verb,
                 const std::string& description,
                 int (*body)(const GlobalOptions&, const std::string&)) {
  auto name = std::make_shared<std::string>();
  CLI::App* app =
      AddVerb(storm, global, run, verb, description, "storm " + verb + " [OPTIONS] <topology-name>",
              [&global, name, body] { return body(global, *name); });
  AddNameArgument(*app, *name);
}

void AddKillVerb(CLI::App& storm, GlobalOptions& global, Command& run) {
  auto options = std::make_shared<TopologyOptions>();
  CLI::App* kill =
      AddVerb(storm, global, run, "kill", "deactivates the topology, waits, then removes it",
              "storm kill [OPTIONS] <topology-name>",
              [&global, options] { return Kill(global, *options); });
  AddNameArgument(*kill, options->name);
  AddWaitOption(*kill, *options, "removing it");
}

void AddRebalanceVerb(CLI::App& storm, GlobalOptions& global, Command& run) {
  auto options = std::make_shared<TopologyOptions>();
  CLI::App* rebalance = AddVerb(storm, global, run, "rebalance",
                                "spreads the topology over other numbers of workers and executors",
                                "storm rebalance [OPTIONS] <topology-name>",
                                [&global, options] { return Rebalance(global, *options); });
  AddNameArgument(*rebalance, options->name);
  AddWaitOption(*rebalance, *options, "rebalancing it");
  rebalance->add_option("-n,--num-workers", options->num_workers, "the workers to use")
      ->type_name("WORKERS")
      ->check(WholeNumber(0));
  rebalance
      ->add_option("-e,--executor",
                   "runs COMPONENT in PARALLELISM executors (repeatable: -e split=4 -e count=2)")
      ->type_name("COMPONENT=PARALLELISM")
      ->check(ComponentParallelism())
      ->each([options](const std::string& e) {
        const size_t equals = e.find('=');
        options->num_executors[e.substr(0, equals)] = std::stoi(e.substr(equals + 1));
      })
      ->trigger_on_parse();
}

}  // namespace

void AddClusterCommands(CLI::App& storm, GlobalOptions& global, Command& run) {
  AddJarVerb(storm, global, run);
  AddVerb(storm, global, run, "list", "lists the topologies on the cluster", "storm list [OPTIONS]",
          [&global] { return List(global); });
  AddKillVerb(storm, global, run);
  AddNameVerb(storm, global, run, "activate", "turns the topology's spouts on", Activate);
  AddNameVerb(storm, global, run, "deactivate", "turns the topology's spouts off", Deactivate);
  AddRebalanceVerb(storm, global, run);
}

}  // namespace storm::cli
