// storm-stall-probe: how long this machine takes a CPU away from a busy
// thread, without storm-cpp. Each of N threads spins reading the steady
// clock for the given seconds; a gap between two readings is time the thread
// did not run (an interrupt, a kernel thread, the hypervisor). Complete
// latency at the 99th percentile cannot be below what such gaps add to the
// tuples in flight, so run this next to scripts/bench.sh when judging its
// latency figures.
//
//   storm-stall-probe [--seconds S] [--threads N]     (defaults: 10 s, 2 threads)
//
// Prints, per thread, how many gaps exceeded 0.1, 0.3, 1 and 3 ms, the
// longest, and their sum.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::array<int64_t, 4> kLimitsUs = {100, 300, 1000, 3000};

struct Gaps {
  std::array<int64_t, kLimitsUs.size()> over{};
  int64_t longest_us = 0;
  int64_t total_us = 0;  // of the gaps over the first limit
};

Gaps Spin(std::chrono::seconds duration) {
  Gaps gaps;
  const Clock::time_point end = Clock::now() + duration;
  Clock::time_point prev = Clock::now();
  while (prev < end) {
    const Clock::time_point now = Clock::now();
    const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(now - prev).count();
    if (us > kLimitsUs[0]) {
      for (size_t i = 0; i < kLimitsUs.size(); ++i) gaps.over[i] += us > kLimitsUs[i] ? 1 : 0;
      gaps.longest_us = std::max(gaps.longest_us, us);
      gaps.total_us += us;
    }
    prev = now;
  }
  return gaps;
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 10;
  int threads = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc) {
      seconds = std::max(1, std::stoi(argv[++i]));
    } else if (a == "--threads" && i + 1 < argc) {
      threads = std::max(1, std::stoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: storm-stall-probe [--seconds S] [--threads N]\n");
      return 2;
    }
  }
  std::vector<Gaps> results(static_cast<size_t>(threads));
  std::vector<std::thread> spinners;
  for (size_t t = 0; t < results.size(); ++t) {
    spinners.emplace_back([&results, t, seconds] { results[t] = Spin(std::chrono::seconds(seconds)); });
  }
  for (auto& s : spinners) s.join();
  for (size_t t = 0; t < results.size(); ++t) {
    const Gaps& g = results[t];
    std::printf(
        "thread %zu: gaps over 0.1 ms %lld, over 0.3 ms %lld, over 1 ms %lld, over 3 ms %lld; "
        "longest %lld us, sum %lld us of %d s\n",
        t, static_cast<long long>(g.over[0]), static_cast<long long>(g.over[1]),
        static_cast<long long>(g.over[2]), static_cast<long long>(g.over[3]),
        static_cast<long long>(g.longest_us), static_cast<long long>(g.total_us), seconds);
  }
  return 0;
}
