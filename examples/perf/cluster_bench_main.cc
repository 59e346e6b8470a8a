// storm-perf-cluster: measures a perf topology running on a real cluster
// (storm-nimbus, storm-supervisor, storm-worker processes; scripts/bench.sh
// starts them and submits the topology with `storm jar`) from the workers'
// heartbeats in ZooKeeper (/workerbeats), and prints `bench <name>: <value>
// <unit>` lines as storm-perf does.
//
//   storm-perf-cluster --config STORM_YAML --topology NAME --name BENCH_NAME
//                      [--acked] [--duration SECS] [--warmup SECS]
//
// Waits until the topology's workers all heartbeat with tuples flowing, then
// for --warmup, then samples the heartbeats at the start and at the end of
// --duration. A sample of a worker is taken when its heartbeat changes (it
// is rewritten every worker.heartbeat.frequency.secs), timed on this clock,
// so that the figures do not depend on the heartbeats' whole-second times.
//   without --acked: tuples/s executed by the bolts (in the bolts' worker);
//   with --acked:    trees/s acked at the spouts, and the complete latency's
//                    p50 and p99 in microseconds between the two samples
//                    (the spouts' histogram buckets in the heartbeat, see
//                    ExecutorBeatStats::latency_buckets["complete"]).
// Exits 1 when the spout and the bolts are not in different workers (the
// figures would not cross processes) or the topology never runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/state/cluster_state.h"
#include "common/config/config_loader.h"
#include "common/util/histogram.h"
#include "common/util/logging.h"
#include "common/state/zookeeper_storage.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string config;
  std::string topology;
  std::string name;
  bool acked = false;
  double duration = 10;
  double warmup = 3;
};

// What one worker's heartbeat says, summed over its executors.
struct Sample {
  Clock::time_point at;
  int64_t bolt_executed = 0;
  int64_t spout_acked = 0;
  int64_t spout_emitted = 0;
  std::map<int, int64_t> buckets;  // the spouts' complete-latency histogram
};

Sample Summarize(const storm::WorkerHeartbeat& beat, Clock::time_point at) {
  Sample s;
  s.at = at;
  for (const auto& [executor, stats] : beat.executor_stats) {
    if (stats.is_spout) {
      s.spout_acked += stats.AllTime().Acked();
      s.spout_emitted += stats.AllTime().Emitted();
      auto complete = stats.latency_buckets.find("complete");
      if (complete != stats.latency_buckets.end()) {
        for (const auto& [b, n] : complete->second) s.buckets[b] += n;
      }
    } else {
      s.bolt_executed += stats.AllTime().Executed();
    }
  }
  return s;
}

class Bench {
 public:
  Bench(Options opt, storm::ClusterState& state) : opt_(std::move(opt)), state_(state) {}

  int Run() {
    if (!FindTopology()) return Fail("topology " + opt_.topology + " is not running");
    if (!WaitForFlow()) return Fail("the topology's workers did not start processing");
    std::this_thread::sleep_for(std::chrono::duration<double>(opt_.warmup));
    const Sample start = NextSample();
    const auto until = start.at + std::chrono::duration<double>(opt_.duration);
    Sample end;
    if (opt_.acked) {
      // Every heartbeat in between, with its interval's latency, for the
      // log: whether a tail comes from a few moments or from the whole run.
      Sample previous = start;
      do {
        end = NextSample();
        storm::LatencyHistogram part;
        LatencyBetween(previous, end, part);
        std::fprintf(stderr, "%s: +%.1f s: %.0f trees/s, complete latency p50 %.0f, p99 %.0f us\n",
                     opt_.name.c_str(), std::chrono::duration<double>(end.at - start.at).count(),
                     static_cast<double>(end.spout_acked - previous.spout_acked) /
                         std::chrono::duration<double>(end.at - previous.at).count(),
                     static_cast<double>(part.Percentile(0.50)) / 1000.0,
                     static_cast<double>(part.Percentile(0.99)) / 1000.0);
        previous = end;
      } while (end.at < until);
    } else {
      std::this_thread::sleep_until(until);
      end = NextSample();
    }
    const double secs = std::chrono::duration<double>(end.at - start.at).count();
    if (!opt_.acked) {
      Print(opt_.name, static_cast<double>(end.bolt_executed - start.bolt_executed) / secs,
            "tuples/s");
      return 0;
    }
    storm::LatencyHistogram latency;
    LatencyBetween(start, end, latency);
    Print(opt_.name, static_cast<double>(end.spout_acked - start.spout_acked) / secs, "trees/s");
    Print(opt_.name + "_latency_p50", static_cast<double>(latency.Percentile(0.50)) / 1000.0,
          "us");
    Print(opt_.name + "_latency_p99", static_cast<double>(latency.Percentile(0.99)) / 1000.0,
          "us");
    // The rest of the distribution, for the log (bench.sh keeps stderr there).
    std::fprintf(stderr, "%s: complete latency p90 %.0f, p95 %.0f, p99.9 %.0f us\n",
                 opt_.name.c_str(), static_cast<double>(latency.Percentile(0.90)) / 1000.0,
                 static_cast<double>(latency.Percentile(0.95)) / 1000.0,
                 static_cast<double>(latency.Percentile(0.999)) / 1000.0);
    return 0;
  }

 private:
  // Adds to `latency` the complete latencies recorded between two samples.
  static void LatencyBetween(const Sample& from, const Sample& to,
                             storm::LatencyHistogram& latency) {
    for (const auto& [b, n] : to.buckets) {
      auto it = from.buckets.find(b);
      const int64_t before = it == from.buckets.end() ? 0 : it->second;
      if (b >= 0 && b < storm::LatencyHistogram::kBuckets && n > before) {
        latency.AddToBucket(b, static_cast<uint64_t>(n - before));
      }
    }
  }

  static int Fail(const std::string& why) {
    std::fprintf(stderr, "storm-perf-cluster: error: %s\n", why.c_str());
    return 1;
  }

  static void Print(const std::string& name, double value, const char* unit) {
    std::printf("bench %s: %.0f %s\n", name.c_str(), value, unit);
    std::fflush(stdout);
  }

  bool FindTopology() {
    const auto deadline = Clock::now() + 60s;
    while (Clock::now() < deadline) {
      for (const std::string& id : state_.ActiveStorms()) {
        auto base = state_.GetStormBase(id);
        if (base && base->name == opt_.topology) {
          id_ = id;
          return true;
        }
      }
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  // Until every assigned worker heartbeats and the measured one shows
  // tuples; checks that the spouts and the bolts are in different workers.
  bool WaitForFlow() {
    const auto deadline = Clock::now() + 120s;
    while (Clock::now() < deadline) {
      std::this_thread::sleep_for(200ms);
      auto assignment = state_.GetAssignment(id_);
      if (!assignment) continue;
      std::set<storm::WorkerSlot> slots;
      for (const auto& [e, slot] : assignment->executor_slot) slots.insert(slot);
      auto beats = state_.WorkerHeartbeats(id_);
      if (beats.size() < slots.size()) continue;
      std::set<storm::WorkerSlot> spout_slots, bolt_slots;
      std::optional<storm::WorkerSlot> measured;
      for (const auto& [slot, beat] : beats) {
        if (slots.count(slot) == 0) continue;
        for (const auto& [e, stats] : beat.executor_stats) {
          (stats.is_spout ? spout_slots : bolt_slots).insert(slot);
        }
      }
      for (const auto& [slot, beat] : beats) {
        const Sample s = Summarize(beat, Clock::now());
        // Acked: the spouts' worker counts the trees; else the bolts' the tuples.
        if (opt_.acked ? spout_slots.count(slot) && s.spout_acked > 0
                       : bolt_slots.count(slot) && !spout_slots.count(slot) &&
                             s.bolt_executed > 0) {
          measured = slot;
        }
      }
      if (!measured) continue;
      bool crosses = false;
      for (const auto& b : bolt_slots) crosses = crosses || spout_slots.count(b) == 0;
      std::fprintf(stderr, "storm-perf-cluster: %s (%s) runs on %zu workers; measuring %s:%d\n",
                   opt_.topology.c_str(), id_.c_str(), slots.size(), measured->node.c_str(),
                   measured->port);
      if (!crosses) {
        std::fprintf(stderr, "storm-perf-cluster: error: no bolt runs apart from the spouts\n");
        return false;
      }
      slot_ = *measured;
      return true;
    }
    return false;
  }

  std::optional<storm::WorkerHeartbeat> Beat() {
    for (auto& [slot, beat] : state_.WorkerHeartbeats(id_)) {
      if (slot == slot_) return beat;
    }
    return std::nullopt;
  }

  // The measured worker's next heartbeat, timed when first seen.
  Sample NextSample() {
    const std::optional<storm::WorkerHeartbeat> first = Beat();
    const Sample old = first ? Summarize(*first, Clock::now()) : Sample{};
    for (;;) {
      std::this_thread::sleep_for(20ms);
      const std::optional<storm::WorkerHeartbeat> beat = Beat();
      if (!beat) continue;
      Sample s = Summarize(*beat, Clock::now());
      if (!first || s.bolt_executed != old.bolt_executed || s.spout_acked != old.spout_acked ||
          s.spout_emitted != old.spout_emitted || beat->time_secs != first->time_secs) {
        return s;
      }
    }
  }

  const Options opt_;
  storm::ClusterState& state_;
  std::string id_;
  storm::WorkerSlot slot_;
};

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool more = i + 1 < argc;
    if (a == "--config" && more) {
      opt.config = argv[++i];
    } else if (a == "--topology" && more) {
      opt.topology = argv[++i];
    } else if (a == "--name" && more) {
      opt.name = argv[++i];
    } else if (a == "--acked") {
      opt.acked = true;
    } else if (a == "--duration" && more) {
      opt.duration = std::stod(argv[++i]);
    } else if (a == "--warmup" && more) {
      opt.warmup = std::stod(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: storm-perf-cluster --config STORM_YAML --topology NAME --name "
                   "BENCH_NAME [--acked] [--duration SECS] [--warmup SECS]\n");
      return 2;
    }
  }
  if (opt.config.empty() || opt.topology.empty() || opt.name.empty()) {
    std::fprintf(stderr, "storm-perf-cluster: --config, --topology and --name are required\n");
    return 2;
  }
  storm::InitLogging("storm-perf-cluster", "warn");
  try {
    storm::ConfigSources sources;
    sources.config_file = opt.config;
    sources.read_user_files = false;
    const storm::Config conf = storm::LoadConfig(sources);
    storm::ClusterState state(std::shared_ptr<storm::StateStorage>(
        storm::ZooKeeperStorage::Connect(storm::ZooKeeperOptionsFromConfig(conf))));
    return Bench(opt, state).Run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "storm-perf-cluster: error: %s\n", e.what());
    return 1;
  }
}
