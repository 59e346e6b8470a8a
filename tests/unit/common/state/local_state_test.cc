// LocalState's worker stats file: the worker's full heartbeat, for the
// supervisor to serve, read back as written; missing or garbage reads as none.
#include "common/state/local_state.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/temp_dir.h"

namespace storm {
namespace {

TEST(LocalStateTest, WorkerStatsReadBackAsWritten) {
  testing::TempDir dir;
  LocalState local(dir.path().string());
  std::filesystem::create_directories(local.WorkerDir("w1"));
  WorkerHeartbeat beat;
  beat.topology_id = "t-1-1";
  beat.time_secs = 1700000000;
  beat.uptime_secs = 42;
  ExecutorBeatStats& bolt = beat.executor_stats[{3, 4}];
  WindowStats& w = bolt.windows[kWindowAllTime];
  w.executed = {{{"spout", "default"}, 970}};
  w.execute_ms_avg = {{{"spout", "default"}, 0.25}};
  w.failure_causes = {0, 1, 2};
  bolt.queue = QueueStats{5, 1024, false};
  bolt.task_metrics = {{3, "seen", "counter", {{"count", 970}}}};
  bolt.latency_buckets = {{"execute", {{17, 3}}}};
  beat.process = ProcessStats{123 << 20, 4.5, 999};
  local.WriteWorkerStats("w1", beat);

  auto read = local.ReadWorkerStats("w1");
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, beat);
}

TEST(LocalStateTest, MissingOrGarbageWorkerStatsReadAsNone) {
  testing::TempDir dir;
  LocalState local(dir.path().string());
  EXPECT_FALSE(local.ReadWorkerStats("nobody"));
  std::filesystem::create_directories(local.WorkerDir("w2"));
  std::ofstream(std::filesystem::path(local.WorkerDir("w2")) / "stats") << "not thrift";
  EXPECT_FALSE(local.ReadWorkerStats("w2"));
}

}  // namespace
}  // namespace storm
