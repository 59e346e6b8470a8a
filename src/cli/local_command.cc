// `storm local`: loads a topology library, runs its main, and runs what it
// submits on an InProcessCluster for --local-ttl seconds (or until Ctrl-C).
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "common/config/config_loader.h"
#include "common/topology/topology_library.h"
#include "common/util/logging.h"
#include "local/in_process_cluster.h"
#include "storm/errors.h"

namespace storm::cli {

namespace {

std::atomic<bool> interrupted{false};

void OnSignal(int) {
  interrupted.store(true);
}

struct LocalArgs {
  double ttl_secs = 20;  // Storm's --local-ttl default
  std::string library;
  std::vector<std::string> library_args;
};

void AddTtlOption(CLI::App& app, LocalArgs& args) {
  app.add_option("--local-ttl,--duration", args.ttl_secs,
                 "seconds to run the topologies before killing them (default 20; Ctrl-C stops "
                 "them sooner)")
      ->type_name("SECS")
      ->check(Seconds())
      ->trigger_on_parse();  // a later one wins, also before and after the library
}

void WaitFor(double secs) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(secs);
  while (!interrupted.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

int Local(const GlobalOptions& global, const LocalArgs& args) {
  try {
    InitLogging("storm-local", global.LogLevelOr("info"));
    Config daemon_conf = LoadConfig(global.sources);
    auto library = TopologyLibrary::Load(args.library);
    std::vector<Submission> submissions = library->Run(args.library_args);

    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    InProcessClusterOptions options;
    options.daemon_conf = daemon_conf;
    options.overrides = global.Overrides();
    InProcessCluster cluster(options);
    for (const auto& s : submissions) {
      cluster.SubmitTopology(s.name, s.conf, s.topology, library);
    }
    const auto start = std::chrono::steady_clock::now();
    WaitFor(args.ttl_secs);
    const double ran =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto& s : submissions) {
      TopologyTotals t = cluster.KillTopology(s.name, /*wait_secs=*/2);
      std::printf("storm local: topology %s ran %.1f s: emitted %llu, acked %llu, failed %llu\n",
                  s.name.c_str(), ran, static_cast<unsigned long long>(t.totals.emitted),
                  static_cast<unsigned long long>(t.totals.spout_acked),
                  static_cast<unsigned long long>(t.totals.spout_failed));
    }
    std::fflush(stdout);
    return 0;
  } catch (const InvalidTopologyError& e) {
    std::fprintf(stderr, "storm local: invalid topology: %s\n", e.what());
  } catch (const StormError& e) {
    std::fprintf(stderr, "storm local: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "storm local: unexpected error: %s\n", e.what());
  }
  return 1;
}

}  // namespace

void AddLocalCommand(CLI::App& storm, GlobalOptions& global, Command& run) {
  auto args = std::make_shared<LocalArgs>();
  CLI::App* local = AddVerb(storm, global, run, "local",
                            "runs a topology library in this process, without ZooKeeper or Nimbus",
                            "storm local [OPTIONS] <topology.so> [args...]",
                            [&global, args] { return Local(global, *args); });
  AddTtlOption(*local, *args);
  TakeProgramAndArguments(
      *local,
      [&global, args](CLI::App& app) {
        AddGlobalOptions(app, global);
        AddTtlOption(app, *args);
      },
      "a topology library (.so)", args->library, args->library_args);
  local->footer(
      "The words after the library are its main's arguments, unchanged, except -c, --config, "
      "--log-level and --local-ttl, which are storm's wherever they stand, up to a '--' (all "
      "after it is the main's).");
}

}  // namespace storm::cli
