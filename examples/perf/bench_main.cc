// storm-perf: runs Storm's perf topologies on a InProcessCluster (one worker)
// and prints one line per figure, `bench <name>: <value> <unit>`.
//
//   storm-perf [--duration SECS] [--warmup SECS] [--repeat N] [--only NAME_PREFIX]
//              [-c key=value]...
//
// Throughput is measured between two snapshots after the warm-up; the
// latency figures are the spouts' complete latency (emit to ack) over the
// same window.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/config/config_loader.h"
#include "common/util/histogram.h"
#include "common/util/logging.h"
#include "common/topology/topology_library.h"
#include "local/in_process_cluster.h"

namespace {

// topology.max.spout.pending of the acked runs.
constexpr int64_t kMaxSpoutPending = 1000;

struct Options {
  double duration = 10;
  double warmup = 3;
  std::string only;
  std::vector<std::string> overrides;  // -c key=value, applied to every run
  int repeat = 3;                      // runs per figure; the median is printed
};

struct Result {
  double bolt_tuples_per_sec = 0;
  double acked_per_sec = 0;
  double p50_us = 0;
  double p99_us = 0;
};

std::string ExamplesDir() {
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe");
  return (exe.parent_path().parent_path() / "examples").string();
}

uint64_t Executed(storm::InProcessCluster& cluster, const std::string& name) {
  return cluster.Totals(name).totals.executed;
}

Result RunOnce(const Options& opt, const std::string& library, storm::Config conf) {
  auto lib = storm::TopologyLibrary::Load(ExamplesDir() + "/" + library);
  auto submissions = lib->Run({"bench"});
  for (const auto& o : opt.overrides) storm::ApplyOverride(conf, o);
  storm::InProcessClusterOptions options;
  options.overrides = conf;
  storm::InProcessCluster cluster(options);
  cluster.SubmitTopology("bench", submissions[0].conf, submissions[0].topology, lib);
  std::this_thread::sleep_for(std::chrono::duration<double>(opt.warmup));

  storm::LatencyHistogram before;
  cluster.CompleteLatency("bench", before);
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t executed0 = Executed(cluster, "bench");
  const uint64_t acked0 = cluster.Totals("bench").totals.spout_acked;
  std::this_thread::sleep_for(std::chrono::duration<double>(opt.duration));
  const uint64_t executed1 = Executed(cluster, "bench");
  const uint64_t acked1 = cluster.Totals("bench").totals.spout_acked;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  storm::LatencyHistogram after;
  cluster.CompleteLatency("bench", after);
  after.Subtract(before);
  if (std::getenv("STORM_PERF_QUEUES")) std::fputs(cluster.DescribeQueues("bench").c_str(), stderr);
  cluster.KillTopology("bench", 0);

  Result r;
  r.bolt_tuples_per_sec = static_cast<double>(executed1 - executed0) / secs;
  r.acked_per_sec = static_cast<double>(acked1 - acked0) / secs;
  r.p50_us = static_cast<double>(after.Percentile(0.50)) / 1000.0;
  r.p99_us = static_cast<double>(after.Percentile(0.99)) / 1000.0;
  // The rest of the distribution, for the log (bench.sh keeps stderr there).
  std::fprintf(stderr, "%s: complete latency p90 %.0f, p95 %.0f, p99.9 %.0f us\n",
               library.c_str(), static_cast<double>(after.Percentile(0.90)) / 1000.0,
               static_cast<double>(after.Percentile(0.95)) / 1000.0,
               static_cast<double>(after.Percentile(0.999)) / 1000.0);
  return r;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs `repeat` times and keeps each figure's median: on a 2-core machine a
// single run can be off by a fifth.
Result Run(const Options& opt, const std::string& library, const storm::Config& conf) {
  std::vector<double> tuples, acked, p50, p99;
  for (int i = 0; i < opt.repeat; ++i) {
    Result r = RunOnce(opt, library, conf);
    tuples.push_back(r.bolt_tuples_per_sec);
    acked.push_back(r.acked_per_sec);
    p50.push_back(r.p50_us);
    p99.push_back(r.p99_us);
  }
  return Result{Median(tuples), Median(acked), Median(p50), Median(p99)};
}

void Print(const std::string& name, double value, const char* unit) {
  std::printf("bench %s: %.0f %s\n", name.c_str(), value, unit);
  std::fflush(stdout);
}

bool Wanted(const Options& opt, const std::string& name) {
  return opt.only.empty() || name.rfind(opt.only, 0) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--duration" && i + 1 < argc) {
      opt.duration = std::stod(argv[++i]);
    } else if (a == "--warmup" && i + 1 < argc) {
      opt.warmup = std::stod(argv[++i]);
    } else if (a == "--only" && i + 1 < argc) {
      opt.only = argv[++i];
    } else if (a == "--repeat" && i + 1 < argc) {
      opt.repeat = std::max(1, std::stoi(argv[++i]));
    } else if (a == "-c" && i + 1 < argc) {
      opt.overrides.push_back(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: storm-perf [--duration SECS] [--warmup SECS] [--repeat N] "
                   "[--only NAME] [-c key=value]...\n");
      return 2;
    }
  }
  storm::InitLogging("storm-perf", "warn");

  if (Wanted(opt, "local_const_spout_null_bolt")) {
    storm::Config conf;
    conf.put(storm::Config::kTopologyAckerExecutors, 0).put(storm::Config::kTopologyWorkers, 1);
    Result r = Run(opt, "libconst_spout_null_bolt.so", conf);
    Print("local_const_spout_null_bolt", r.bolt_tuples_per_sec, "tuples/s");
  }
  if (Wanted(opt, "local_const_spout_id_bolt_null_bolt_acked")) {
    storm::Config conf;
    conf.put(storm::Config::kTopologyAckerExecutors, 1).put(storm::Config::kTopologyWorkers, 1);
    // As few trees in flight as keep the saturated rate (about rate x round
    // trip; 1000 and 20000 measured the same here): a thread that loses its
    // CPU for a few ms then holds back at most that many, rather than every
    // tuple the spout emits meanwhile.
    conf.put(storm::Config::kTopologyMaxSpoutPending, kMaxSpoutPending);
    Result r = Run(opt, "libconst_spout_id_bolt_null_bolt.so", conf);
    Print("local_const_spout_id_bolt_null_bolt_acked", r.acked_per_sec, "trees/s");
    Print("local_const_spout_id_bolt_null_bolt_acked_latency_p50", r.p50_us, "us");
    Print("local_const_spout_id_bolt_null_bolt_acked_latency_p99", r.p99_us, "us");

    // The same topology throttled to half that rate: the latency a user sees
    // when the cluster is not saturated.
    conf.put("perf.spout.rate", static_cast<int64_t>(r.acked_per_sec / 2));
    Result half = Run(opt, "libconst_spout_id_bolt_null_bolt.so", conf);
    Print("local_const_spout_id_bolt_null_bolt_half_rate", half.acked_per_sec, "trees/s");
    Print("local_const_spout_id_bolt_null_bolt_half_rate_latency_p50", half.p50_us, "us");
    Print("local_const_spout_id_bolt_null_bolt_half_rate_latency_p99", half.p99_us, "us");
  }
  return 0;
}
