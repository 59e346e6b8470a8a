// The pieces behind the worker's windowed stats: StatsWindows (Storm's 600 s,
// 3 h and 1 day windows from cumulative totals), the sampler that picks the
// timed tuples (topology.stats.sample.rate) and Storm's error throttle.
#include "worker/stats_windows.h"

#include <gtest/gtest.h>

#include "common/util/clock.h"
#include "worker/error_throttle.h"
#include "worker/executor_counters.h"

namespace storm {
namespace {

constexpr int64_t kSec = 1'000'000'000LL;

TEST(StatsWindowsTest, AYoungWindowCountsEverythingSinceTheStart) {
  ManualClock clock;
  StatsWindows<int64_t> w({600, 10800}, 20, clock.NowNanos());
  clock.AdvanceSecs(100);
  w.Update(clock.NowNanos(), 40);
  EXPECT_EQ(w.Delta(0, 40), 40);
  EXPECT_EQ(w.Delta(1, 40), 40);
}

TEST(StatsWindowsTest, AWindowForgetsWhatIsOlderThanItsLength) {
  ManualClock clock;
  StatsWindows<int64_t> w({600, 10800}, 20, clock.NowNanos());
  // One count a second, a heartbeat every 10 s, for 20 minutes.
  int64_t total = 0;
  for (int s = 0; s < 1200; s += 10) {
    clock.AdvanceSecs(10);
    total += 10;
    w.Update(clock.NowNanos(), total);
  }
  // The 10-minute window holds between 600 and 630 s (one bucket) of counts.
  EXPECT_GE(w.Delta(0, total), 600);
  EXPECT_LE(w.Delta(0, total), 630);
  // The 3-hour one, everything.
  EXPECT_EQ(w.Delta(1, total), total);
}

TEST(StatsWindowsTest, AQuietWindowFallsToZero) {
  ManualClock clock;
  StatsWindows<int64_t> w({600}, 20, clock.NowNanos());
  clock.AdvanceSecs(5);
  w.Update(clock.NowNanos(), 500);
  for (int i = 0; i < 70; ++i) {  // 700 s more without a count
    clock.AdvanceSecs(10);
    w.Update(clock.NowNanos(), 500);
  }
  EXPECT_EQ(w.Delta(0, 500), 0);
}

TEST(StatsWindowsTest, RareHeartbeatsStillGiveAWindowOfAtLeastItsLength) {
  ManualClock clock;
  StatsWindows<int64_t> w({600}, 20, clock.NowNanos());
  clock.AdvanceSecs(1000);
  w.Update(clock.NowNanos(), 100);
  clock.AdvanceSecs(1000);
  w.Update(clock.NowNanos(), 150);
  EXPECT_EQ(w.Delta(0, 150), 50);
}

TEST(StatsSamplerTest, SamplesEveryNthAsTheRateSays) {
  StatsSampler every20(0.05);
  int sampled = 0;
  for (int i = 0; i < 200; ++i) sampled += every20.Next() ? 1 : 0;
  EXPECT_EQ(sampled, 10);
  StatsSampler all(1.0);
  EXPECT_TRUE(all.Next());
  EXPECT_TRUE(all.Next());
  StatsSampler none(0);
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(none.Next());
}

TEST(ErrorThrottleTest, AtMostMaxErrorsPerInterval) {
  ManualClock clock;
  ErrorThrottle throttle(5, 10);
  int allowed = 0;
  for (int i = 0; i < 8; ++i) allowed += throttle.Allow(clock.NowNanos()) ? 1 : 0;
  EXPECT_EQ(allowed, 5);
  clock.AdvanceSecs(5);
  EXPECT_FALSE(throttle.Allow(clock.NowNanos()));  // same interval
  clock.AdvanceSecs(6);
  EXPECT_TRUE(throttle.Allow(clock.NowNanos()));  // a new one
}

}  // namespace
}  // namespace storm
