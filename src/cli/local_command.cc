// `storm local`: loads a topology library, runs its main, and runs what it
// submits on a InProcessCluster for --duration seconds (or until Ctrl-C).
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "common/config/command_line.h"
#include "common/config/config_loader.h"
#include "common/util/logging.h"
#include "common/topology/topology_library.h"
#include "storm/errors.h"
#include "local/in_process_cluster.h"

namespace storm::cli {

namespace {

std::atomic<bool> interrupted{false};

void OnSignal(int) { interrupted.store(true); }

struct LocalArgs {
  CommandLine cl;
  double duration_secs = 20;  // Storm's --local-ttl default
  std::string library;
  std::vector<std::string> library_args;
};

// -c/--config/--log-level/--duration wherever they stand; the first other
// word is the library, the rest are its arguments.
LocalArgs ParseArgs(const std::vector<std::string>& args) {
  LocalArgs out;
  out.cl = ParseCommandLine(args, {"--duration", "--local-ttl"}, /*reject_unknown_options=*/false);
  for (const char* option : {"--duration", "--local-ttl"}) {
    auto v = out.cl.Option(option);
    if (!v) continue;
    try {
      size_t used = 0;
      out.duration_secs = std::stod(*v, &used);
      if (used != v->size() || out.duration_secs < 0) throw std::invalid_argument(*v);
    } catch (const std::exception&) {
      throw ConfigError(std::string("option ") + option + ": expected a number of seconds, got \"" +
                        *v + "\"");
    }
  }
  if (out.cl.positional.empty()) throw ConfigError("storm local needs a topology library (.so)");
  out.library = out.cl.positional[0];
  if (!out.library.empty() && out.library[0] == '-') throw ConfigError("unknown option " + out.library);
  out.library_args.assign(out.cl.positional.begin() + 1, out.cl.positional.end());
  return out;
}

void WaitFor(double secs) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(secs);
  while (!interrupted.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

int RunLocal(const std::vector<std::string>& args) {
  try {
    LocalArgs parsed = ParseArgs(args);
    InitLogging("storm-local", parsed.cl.log_level);
    Config daemon_conf = LoadConfig(parsed.cl.sources);
    auto library = TopologyLibrary::Load(parsed.library);
    std::vector<Submission> submissions = library->Run(parsed.library_args);

    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    InProcessClusterOptions options;
    options.daemon_conf = daemon_conf;
    options.overrides = parsed.cl.Overrides();
    InProcessCluster cluster(options);
    for (const auto& s : submissions) {
      cluster.SubmitTopology(s.name, s.conf, s.topology, library);
    }
    const auto start = std::chrono::steady_clock::now();
    WaitFor(parsed.duration_secs);
    const double ran = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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

}  // namespace storm::cli
