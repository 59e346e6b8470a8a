// Data-plane frames (DESIGN section 6):
//   u32 length (of what follows) | u8 type | payload
// kTuples payload:  u32 count | count x (varint destination task | u32 size | tuple bytes)
// kHello payload:   varint size | topology id | varint size | sender endpoint
// kBackpressure payload: u8 on (1) / off (0)
// Frames longer than kMaxFrameBytes are refused.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/serialization.h"
#include "storm/tuple.h"

namespace storm {

enum class FrameType : uint8_t { kTuples = 1, kHello = 2, kBackpressure = 3 };

inline constexpr size_t kFrameHeaderBytes = 5;
inline constexpr uint32_t kMaxFrameBytes = 64u << 20;

// Builds one kTuples frame in a reused buffer.
class TupleFrameWriter {
 public:
  TupleFrameWriter() { Reset(); }

  void Add(int task, const Tuple& tuple) {
    ByteWriter w(buf_);
    w.PutVarint(static_cast<uint64_t>(task));
    const size_t size_at = buf_.size();
    w.PutFixed32(0);
    SerializeTuple(tuple, w);
    Patch32(size_at, static_cast<uint32_t>(buf_.size() - size_at - 4));
    ++count_;
  }
  size_t count() const { return count_; }
  size_t bytes() const { return buf_.size(); }
  // Completes the frame and swaps it into `out`; the writer starts a new one.
  void Finish(std::vector<uint8_t>& out) {
    Patch32(0, static_cast<uint32_t>(buf_.size() - 4));
    Patch32(kFrameHeaderBytes, count_);
    out.swap(buf_);
    Reset();
  }

 private:
  void Reset() {
    // assign, not clear + resize: g++ 12 at -O3 warns (-Warray-bounds) on
    // the resize of an empty vector inlined here, wrongly.
    buf_.assign(kFrameHeaderBytes + 4, 0);
    buf_[4] = static_cast<uint8_t>(FrameType::kTuples);
    count_ = 0;
  }
  void Patch32(size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) buf_[at + i] = static_cast<uint8_t>(v >> (8 * i));
  }

  std::vector<uint8_t> buf_;
  uint32_t count_ = 0;
};

std::vector<uint8_t> MakeHelloFrame(const std::string& topology_id, const std::string& endpoint);
std::vector<uint8_t> MakeBackpressureFrame(bool on);

// Reads the header of a complete frame; throws SerializationError when the
// length field disagrees with the buffer or the type is unknown.
FrameType CheckFrame(const std::vector<uint8_t>& frame);

// Calls on_tuple(task, reader over the tuple's bytes) for each tuple of a
// kTuples frame (checked with CheckFrame first). Throws SerializationError
// on a malformed frame; tuples before the fault have been delivered.
void ForEachTuple(const std::vector<uint8_t>& frame,
                  const std::function<void(int task, ByteReader& tuple_bytes)>& on_tuple);

}  // namespace storm
