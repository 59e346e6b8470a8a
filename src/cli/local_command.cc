// `storm local`: loads a topology library, runs its main, and runs what it
// submits on a LocalCluster for --duration seconds (or until Ctrl-C).
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "common/config_loader.h"
#include "common/logging.h"
#include "common/topology_library.h"
#include "storm/errors.h"
#include "supervisor/local_cluster.h"

namespace storm::cli {

namespace {

std::atomic<bool> interrupted{false};

void OnSignal(int) { interrupted.store(true); }

struct LocalArgs {
  ConfigSources sources;
  double duration_secs = 20;  // Storm's --local-ttl default
  std::string log_level = "info";
  std::string library;
  std::vector<std::string> library_args;
};

// Takes -c/--config/--duration wherever they stand; the first other word is
// the library, the rest are its arguments.
LocalArgs ParseArgs(const std::vector<std::string>& args) {
  LocalArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw ConfigError("option " + a + " needs a value");
      return args[++i];
    };
    if (a == "-c") {
      out.sources.overrides.push_back(value());
    } else if (a.rfind("-c", 0) == 0 && a.size() > 2 && a.find('=') != std::string::npos &&
               a[2] != '-') {
      out.sources.overrides.push_back(a.substr(2));
    } else if (a == "--config") {
      out.sources.config_file = value();
    } else if (a == "--duration" || a == "--local-ttl") {
      const std::string& v = value();
      try {
        size_t used = 0;
        out.duration_secs = std::stod(v, &used);
        if (used != v.size() || out.duration_secs < 0) throw std::invalid_argument(v);
      } catch (const std::exception&) {
        throw ConfigError("option " + a + ": expected a number of seconds, got \"" + v + "\"");
      }
    } else if (a == "--log-level") {
      out.log_level = value();
    } else if (out.library.empty()) {
      if (!a.empty() && a[0] == '-') throw ConfigError("unknown option " + a);
      out.library = a;
    } else {
      out.library_args.push_back(a);
    }
  }
  if (out.library.empty()) throw ConfigError("storm local needs a topology library (.so)");
  return out;
}

Config OverridesOnly(const std::vector<std::string>& overrides) {
  Config conf;
  for (const auto& o : overrides) ApplyOverride(conf, o);
  return conf;
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
    InitLogging("storm-local", parsed.log_level);
    Config daemon_conf = LoadConfig(parsed.sources);
    auto library = TopologyLibrary::Load(parsed.library);
    std::vector<Submission> submissions = library->Run(parsed.library_args);

    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    LocalClusterOptions options;
    options.daemon_conf = daemon_conf;
    options.overrides = OverridesOnly(parsed.sources.overrides);
    LocalCluster cluster(options);
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
