// What the transport tests send and receive: frames that tell when they
// are torn or mixed, a FrameSink recording them that can hold them back as
// a busy worker does, and a thread sending until it is refused.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "worker/frame.h"
#include "worker/transport.h"

namespace storm::testing {

// --- Frames the tests can check: a kTuples header, a sequence number, and
// filler bytes that depend on it (so that a torn or mixed frame shows).

inline FrameBytes MakeFrame(uint64_t seq, size_t filler) {
  FrameBytes f(kFrameHeaderBytes + 8 + filler);
  const auto length = static_cast<uint32_t>(f.size() - 4);
  for (int i = 0; i < 4; ++i) f[i] = static_cast<uint8_t>(length >> (8 * i));
  f[4] = static_cast<uint8_t>(FrameType::kTuples);
  for (int i = 0; i < 8; ++i) f[5 + i] = static_cast<uint8_t>(seq >> (8 * i));
  for (size_t i = 0; i < filler; ++i) f[13 + i] = static_cast<uint8_t>(seq * 31 + i);
  return f;
}

// Sizes from a few bytes to several MB (and across the transport's 128 KB
// read buffer).
inline size_t FillerOf(uint64_t seq) {
  static const size_t kSizes[] = {0, 1, 100, 3000, 40'000, 131'000, 200'000, 17};
  if (seq % 50 == 49) return (3u << 20) + seq;
  return kSizes[seq % 8] + seq % 13;
}

// The sequence number of a whole, intact frame; fails the test otherwise.
inline uint64_t SeqOf(const FrameBytes& f) {
  EXPECT_EQ(CheckFrame(f), FrameType::kTuples);
  if (f.size() < 13) {
    ADD_FAILURE() << "a frame of " << f.size() << " bytes";
    return ~0ull;
  }
  uint64_t seq = 0;
  for (int i = 0; i < 8; ++i) seq |= static_cast<uint64_t>(f[5 + i]) << (8 * i);
  for (size_t i = 13; i < f.size(); ++i) {
    if (f[i] != static_cast<uint8_t>(seq * 31 + (i - 13))) {
      ADD_FAILURE() << "frame " << seq << " is damaged at byte " << i;
      break;
    }
  }
  return seq;
}

// A FrameSink recording the sequence numbers of the frames delivered to it.
// Hold() makes Deliver wait (as a worker's does while its executor queues
// are full) until Release(); Stop() makes a waiting Deliver return at once,
// dropping its frame, as Worker::Stop does before it unbinds.
class Receiver final : public FrameSink {
 public:
  void Deliver(const FrameBytes& f) override {
    std::unique_lock<std::mutex> lock(mutex_);
    if (held_ && !stopped_) {
      ++waiting_;
      changed_.wait(lock, [this] { return !held_ || stopped_; });
      --waiting_;
    }
    if (stopped_) return;
    seqs_.push_back(SeqOf(f));
  }

  void Hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      held_ = false;
    }
    changed_.notify_all();
  }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopped_ = true;
    }
    changed_.notify_all();
  }
  // Whether a Deliver is waiting for Release: the receiving is stopped.
  bool Holding() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return waiting_ > 0;
  }

  std::vector<uint64_t> Seqs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seqs_;
  }
  size_t Count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seqs_.size();
  }
  // Whether the frames received are 0 .. n-1, each once, in order.
  ::testing::AssertionResult GotInOrder(uint64_t n) const {
    const std::vector<uint64_t> seqs = Seqs();
    if (seqs.size() != n) {
      return ::testing::AssertionFailure() << seqs.size() << " frames, not " << n;
    }
    for (uint64_t i = 0; i < n; ++i) {
      if (seqs[i] != i) return ::testing::AssertionFailure() << "frame " << seqs[i] << " at " << i;
    }
    return ::testing::AssertionSuccess();
  }
  bool Has(uint64_t seq) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::find(seqs_.begin(), seqs_.end(), seq) != seqs_.end();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;           // guarded by mutex_
  bool stopped_ = false;        // guarded by mutex_
  int waiting_ = 0;             // guarded by mutex_
  std::vector<uint64_t> seqs_;  // guarded by mutex_
};

// Sends frames [from, to) on `conn`; every Send must succeed.
inline void SendRange(Connection& conn, uint64_t from, uint64_t to) {
  for (uint64_t seq = from; seq < to; ++seq) {
    FrameBytes f = MakeFrame(seq, FillerOf(seq));
    ASSERT_TRUE(conn.Send(f)) << "frame " << seq;
    ASSERT_TRUE(f.empty());
  }
}
// A thread sending frames of `filler` bytes on `conn` until Send refuses
// one (or `limit` are sent); the tests look at how far it got.
class SendingThread {
 public:
  SendingThread(Connection& conn, size_t filler, uint64_t limit = ~uint64_t{0})
      : thread_([this, &conn, filler, limit] {
          for (uint64_t seq = 0; seq < limit; ++seq) {
            FrameBytes f = MakeFrame(seq, filler);
            if (!conn.Send(f)) {
              refused.store(true);
              return;
            }
            sent.fetch_add(1);
          }
        }) {}
  ~SendingThread() { Join(); }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

  std::atomic<size_t> sent{0};
  std::atomic<bool> refused{false};

 private:
  std::thread thread_;
};
}  // namespace storm::testing
