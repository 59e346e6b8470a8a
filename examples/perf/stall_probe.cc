// storm-stall-probe: what this machine does to threads that hand work to
// each other, without storm-cpp; run it next to scripts/bench.sh when
// judging its figures.
//   - The cache-line hand-off: two threads bounce a counter in one cache
//     line; the one-way time is what every hand-off between executor
//     threads pays per cache line (on a VM it depends on where the host
//     runs the vCPUs, and it can change while the VM runs).
//   - Stalls: each of N threads spins reading the steady clock for the given
//     seconds; a gap between two readings is time the thread did not run (an
//     interrupt, a kernel thread, the hypervisor). Complete latency at the
//     99th percentile cannot be below what such gaps add to the tuples in
//     flight.
//
//   storm-stall-probe [--seconds S] [--threads N]     (defaults: 10 s, 2 threads)
//
// Prints the hand-off's one-way time, then per thread how many gaps exceeded
// 0.1, 0.3, 1 and 3 ms, the longest, and their sum.
#include <algorithm>
#include <array>
#include <atomic>
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

// Nanoseconds for one thread to see a value another thread wrote into a
// shared cache line (the mean over `rounds` round trips, halved).
double HandOffNanos(int64_t rounds) {
  alignas(64) static std::atomic<int64_t> turn{0};
  turn.store(0);
  const Clock::time_point start = Clock::now();
  std::thread other([rounds] {
    for (int64_t i = 1; i < 2 * rounds; i += 2) {
      while (turn.load(std::memory_order_acquire) != i) {
      }
      turn.store(i + 1, std::memory_order_release);
    }
  });
  for (int64_t i = 0; i < 2 * rounds; i += 2) {
    while (turn.load(std::memory_order_acquire) != i) {
    }
    turn.store(i + 1, std::memory_order_release);
  }
  other.join();
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() /
         static_cast<double>(2 * rounds);
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
  std::printf("cache-line hand-off between two threads: %.0f ns one way\n", HandOffNanos(1000000));
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
