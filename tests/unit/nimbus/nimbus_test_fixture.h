// The fixture of the Nimbus unit tests (nimbus_*_test.cc, one binary):
// Nimbus in-process over in-memory cluster state and a ManualClock, with
// two fake supervisors of three slots each, its monitor thread off (tests
// call RunMonitorOnce), and helpers that submit, heartbeat and read back
// what Nimbus wrote.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "common/config/config_loader.h"
#include "common/state/in_memory_storage.h"
#include "sdk/topology_def.h"
#include "common/util/clock.h"
#include "nimbus/nimbus.h"
#include "storm/topology_builder.h"
#include "support/declaring_components.h"
#include "support/temp_dir.h"

namespace storm {

// Readable failures: gtest finds this by argument-dependent lookup.
inline void PrintTo(const Assignment& a, std::ostream* os) {
  *os << "{";
  for (const auto& [e, slot] : a.executor_slot) {
    auto start = a.executor_start_time_secs.find(e);
    *os << " [" << e.first << "," << e.second << "]@" << slot.node << ":" << slot.port << "/"
        << (start == a.executor_start_time_secs.end() ? -1 : start->second);
  }
  *os << " }";
}

// Not in an anonymous namespace: the test files of the binary share one
// NimbusTest class (gtest insists on one fixture class per test suite).
namespace testing {

namespace fs = std::filesystem;

inline constexpr int64_t kEpochSecs = 1'700'000'000;
inline const Streams kWords = {{"default", {Fields{"word"}, false}}};

// spout(2) -> split(2 executors, 4 tasks) -shuffle-> count(2) by "word".
inline StormTopology WordTopology() {
  TopologyBuilder b;
  b.setSpout("spout", DeclaringSpoutFactory(kWords), 2);
  b.setBolt("split", DeclaringBoltFactory(kWords), 2).setNumTasks(4).shuffleGrouping("spout");
  b.setBolt("count", DeclaringBoltFactory(), 2).fieldsGrouping("split", Fields{"word"});
  return b.createTopology();
}

inline Config Workers(int n) {
  return Config().setNumWorkers(n);
}

template <class E, class F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("(wrong exception type) ") + e.what();
  }
  return "(no error)";
}

inline std::set<WorkerSlot> SlotsOf(const Assignment& a) {
  std::set<WorkerSlot> out;
  for (const auto& [e, s] : a.executor_slot) out.insert(s);
  return out;
}

inline std::map<WorkerSlot, std::vector<ExecutorId>> BySlot(const Assignment& a) {
  std::map<WorkerSlot, std::vector<ExecutorId>> out;
  for (const auto& [e, s] : a.executor_slot) out[s].push_back(e);
  return out;
}

// Every executor of `id` reports stats over the "600" and all-time windows:
// spouts ack 100 trees at 10 ms per task, bolts execute 1000 tuples at 2 ms
// from their first input per task. Worker (and process) stats too.
inline void WriteStats(ClusterState& state, Nimbus& nimbus, const std::string& id,
                int64_t now, int64_t uptime) {
  const auto layout = nimbus.Layout(id);
  const Assignment a = *state.GetAssignment(id);
  for (const auto& [slot, executors] : BySlot(a)) {
    WorkerHeartbeat hb{id, now, uptime, {}, ProcessStats{1 << 20, 1.5, 4242}};
    for (const ExecutorId& e : executors) {
      const std::string& component = *layout->ComponentOfTask(e.first);
      const ComponentDef* def = layout->Component(component);
      const int64_t tasks = e.second - e.first + 1;
      ExecutorBeatStats s;
      s.is_spout = def->is_spout;
      for (const char* window : {kWindow10Min, kWindowAllTime}) {
        const int64_t scale = std::string(window) == kWindow10Min ? 1 : 10;
        WindowStats& w = s.windows[window];
        if (def->is_spout) {
          w.emitted["default"] = 100 * tasks * scale;
          w.transferred["default"] = 100 * tasks * scale;
          w.emitted["__ack_init"] = 100 * tasks * scale;
          w.acked[{"", "default"}] = 100 * tasks * scale;
          w.complete_ms_avg[{"", "default"}] = 10;
        } else if (component != kAckerComponentId) {
          const StatsStreamId input{def->inputs.empty() ? "" : def->inputs[0].component,
                                    "default"};
          w.executed[input] = 1000 * tasks * scale;
          w.execute_ms_avg[input] = 2;
          w.acked[input] = 1000 * tasks * scale;
          w.process_ms_avg[input] = 3;
        } else {
          w.executed[{"spout", "__ack_init"}] = 7;
        }
      }
      hb.executor_stats[e] = s;
    }
    state.SetWorkerHeartbeat(id, slot, hb);
  }
}

class NimbusTest : public ::testing::Test {
 protected:
  NimbusTest() {
    conf_ = DefaultConfig();
    conf_.put(Config::kStormLocalDir, dir_.path().string());
    conf_.put("nimbus.task.timeout.secs", 30);
    conf_.put("nimbus.task.launch.secs", 120);
    AddSupervisor("sup-a", "host-a", {6700, 6701, 6702});
    AddSupervisor("sup-b", "host-b", {6700, 6701, 6702});
  }
  ~NimbusTest() override { nimbus_.reset(); }

  void SetUp() override { StartNimbus(); }

  NimbusOptions Options() {
    NimbusOptions o;
    o.conf = conf_;
    o.state = state_;
    o.clock = &clock_;
    o.unix_secs = [this] { return UnixSecs(); };
    o.library_optional = true;
    o.host = "nimbus-host";
    o.port = 6627;
    o.run_monitor_thread = false;
    return o;
  }
  void StartNimbus() {
    nimbus_.reset();
    nimbus_ = std::make_unique<Nimbus>(Options());
    nimbus_->Start();
  }
  int64_t UnixSecs() const { return kEpochSecs + clock_.NowNanos() / 1'000'000'000; }

  void AddSupervisor(const std::string& id, const std::string& host, std::vector<int> slots) {
    SupervisorInfo s;
    s.id = id;
    s.hostname = host;
    s.time_secs = UnixSecs();
    s.slots = std::move(slots);
    state_->SetSupervisor(s);
  }

  std::string Submit(const std::string& name, const Config& conf = Workers(3),
                     const StormTopology& topology = WordTopology()) {
    return nimbus_->SubmitTopology(name, "", conf, topology);
  }

  Assignment AssignmentOf(const std::string& id) {
    auto a = state_->GetAssignment(id);
    EXPECT_TRUE(a) << "no assignment for " << id;
    return a ? *a : Assignment{};
  }
  StormBase BaseOf(const std::string& id) {
    auto b = state_->GetStormBase(id);
    EXPECT_TRUE(b) << "no storm base for " << id;
    return b ? *b : StormBase{};
  }

  // Each slot of `id`'s assignment but `except` writes a heartbeat with stats
  // for its executors, its time moving with the clock.
  void Heartbeat(const std::string& id, const std::set<WorkerSlot>& except = {}) {
    const Assignment a = AssignmentOf(id);
    for (const auto& [slot, executors] : BySlot(a)) {
      if (except.count(slot) != 0) continue;
      WorkerHeartbeat hb;
      hb.topology_id = id;
      hb.time_secs = UnixSecs();
      hb.uptime_secs = 1;
      for (const ExecutorId& e : executors) hb.executor_stats[e] = ExecutorBeatStats{};
      state_->SetWorkerHeartbeat(id, slot, hb);
    }
  }

  // Moves time on in steps of `step` seconds, the workers of `id` but
  // `silent` heartbeating and the monitor running at each step.
  void RunFor(int secs, const std::string& id, const std::set<WorkerSlot>& silent = {},
              int step = 5) {
    for (int t = 0; t < secs; t += step) {
      clock_.AdvanceSecs(step);
      Heartbeat(id, silent);
      nimbus_->RunMonitorOnce();
    }
  }

  TempDir dir_;
  ManualClock clock_;
  Config conf_;
  std::shared_ptr<InMemoryStorage> storage_ = std::make_shared<InMemoryStorage>();
  std::shared_ptr<ClusterState> state_ = std::make_shared<ClusterState>(storage_);
  std::unique_ptr<Nimbus> nimbus_;
};

}  // namespace testing
}  // namespace storm
