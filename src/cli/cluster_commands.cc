// The `storm` subcommands that talk to Nimbus over Thrift: jar, list, kill,
// activate, deactivate, rebalance. Each prints one line on success, and on
// failure one line naming the reason, with a non-zero exit status.
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <functional>

#include "cli/commands.h"
#include "common/config/command_line.h"
#include "common/util/logging.h"
#include "common/topology/topology_library.h"
#include "common/topology/topology_layout.h"  // ValidateTopologyName
#include "common/client/nimbus_client.h"
#include "common/topology/topology_thrift.h"

namespace storm::cli {

namespace {

// Runs a command body, mapping every failure to its one line and exit code.
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

struct Session {
  CommandLine cl;
  Config conf;
  std::unique_ptr<NimbusClient> nimbus;
};

Session Open(const std::vector<std::string>& args, const std::vector<std::string>& value_options,
             bool reject_unknown = true) {
  Session s;
  s.cl = ParseCommandLine(args, value_options, reject_unknown);
  InitLogging("storm", s.cl.log_level == "info" ? "warn" : s.cl.log_level);
  s.conf = LoadConfig(s.cl.sources);
  s.nimbus = NimbusClient::Connect(s.conf);
  return s;
}

const std::string& OneName(const Session& s, const char* command) {
  if (s.cl.positional.size() != 1) {
    throw ConfigError(std::string("usage: storm ") + command + " <topology-name>" +
                      (std::string(command) == "kill" ? " [-w secs]" : ""));
  }
  return s.cl.positional[0];
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

}  // namespace

int RunJar(const std::vector<std::string>& args) {
  return Guard("jar", [&] {
    // Everything but -c/--config/--log-level belongs to the library's main.
    CommandLine cl = ParseCommandLine(args, {}, /*reject_unknown_options=*/false);
    if (cl.positional.empty()) throw ConfigError("usage: storm jar <topology.so> [args...]");
    InitLogging("storm", cl.log_level == "info" ? "warn" : cl.log_level);
    Config conf = LoadConfig(cl.sources);
    const std::string path = cl.positional[0];
    const std::vector<std::string> main_args(cl.positional.begin() + 1, cl.positional.end());
    auto library = TopologyLibrary::Load(path);
    std::vector<Submission> submissions = library->Run(main_args);
    auto nimbus = NimbusClient::Connect(conf);
    for (Submission& s : submissions) {
      CheckNameIsFree(*nimbus, s.name);
      Config topology_conf = s.conf;
      topology_conf.merge(cl.Overrides());
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

int RunList(const std::vector<std::string>& args) {
  return Guard("list", [&] {
    Session s = Open(args, {});
    if (!s.cl.positional.empty()) throw ConfigError("usage: storm list");
    gen::ClusterSummary summary;
    s.nimbus->Call([&](gen::NimbusClient& c) { c.getClusterInfo(summary); });
    if (summary.topologies.empty()) {
      std::printf("No topologies running.\n");
      return 0;
    }
    std::printf("%-24s %-12s %-10s %-14s %-12s %-12s %s\n", "Topology_name", "Status",
                "Num_tasks", "Num_executors", "Num_workers", "Uptime_secs", "Topology_Id");
    std::printf("%s\n", std::string(110, '-').c_str());
    for (const auto& t : summary.topologies) {
      std::printf("%-24s %-12s %-10d %-14d %-12d %-12d %s\n", t.name.c_str(), t.status.c_str(),
                  t.num_tasks, t.num_executors, t.num_workers, t.uptime_secs, t.id.c_str());
    }
    return 0;
  });
}

int RunKill(const std::vector<std::string>& args) {
  return Guard("kill", [&] {
    Session s = Open(args, {"-w", "--wait"});
    const std::string name = OneName(s, "kill");
    gen::KillOptions options;
    auto wait = s.cl.Option("-w");
    if (!wait) wait = s.cl.Option("--wait");
    if (wait) options.__set_wait_secs(ParseCount("-w", *wait));
    s.nimbus->Call([&](gen::NimbusClient& c) { c.killTopologyWithOpts(name, options); });
    std::printf("storm kill: killed topology %s%s\n", name.c_str(),
                wait ? (" (removed after " + *wait + " s)").c_str() : "");
    return 0;
  });
}

int RunActivate(const std::vector<std::string>& args) {
  return Guard("activate", [&] {
    Session s = Open(args, {});
    const std::string name = OneName(s, "activate");
    s.nimbus->Call([&](gen::NimbusClient& c) { c.activate(name); });
    std::printf("storm activate: activated topology %s\n", name.c_str());
    return 0;
  });
}

int RunDeactivate(const std::vector<std::string>& args) {
  return Guard("deactivate", [&] {
    Session s = Open(args, {});
    const std::string name = OneName(s, "deactivate");
    s.nimbus->Call([&](gen::NimbusClient& c) { c.deactivate(name); });
    std::printf("storm deactivate: deactivated topology %s\n", name.c_str());
    return 0;
  });
}

int RunRebalance(const std::vector<std::string>& args) {
  return Guard("rebalance", [&] {
    Session s = Open(args, {"-w", "--wait", "-n", "--num-workers", "-e", "--executor"});
    if (s.cl.positional.size() != 1) {
      throw ConfigError(
          "usage: storm rebalance <topology-name> [-w secs] [-n workers] [-e component=parallelism]...");
    }
    const std::string name = s.cl.positional[0];
    gen::RebalanceOptions options;
    auto wait = s.cl.Option("-w");
    if (!wait) wait = s.cl.Option("--wait");
    if (wait) options.__set_wait_secs(ParseCount("-w", *wait));
    auto workers = s.cl.Option("-n");
    if (!workers) workers = s.cl.Option("--num-workers");
    if (workers) options.__set_num_workers(ParseCount("-n", *workers));
    std::vector<std::string> executors = s.cl.Options("-e");
    for (const auto& e : s.cl.Options("--executor")) executors.push_back(e);
    std::map<std::string, int32_t> counts;
    for (const auto& e : executors) {
      const size_t eq = e.find('=');
      if (eq == std::string::npos || eq == 0) {
        throw ConfigError("option -e: expected component=parallelism, got \"" + e + "\"");
      }
      counts[e.substr(0, eq)] = ParseCount("-e " + e.substr(0, eq), e.substr(eq + 1));
    }
    if (!counts.empty()) options.__set_num_executors(counts);
    s.nimbus->Call([&](gen::NimbusClient& c) { c.rebalance(name, options); });
    std::printf("storm rebalance: rebalancing topology %s\n", name.c_str());
    return 0;
  });
}

}  // namespace storm::cli
