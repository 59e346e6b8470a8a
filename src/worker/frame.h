// Data-plane frames (docs/architecture.md#wire-format):
//   u32 length (of what follows) | u8 type | payload
// kTuples payload:  u32 count | count x (varint destination task | u32 size | tuple bytes)
// kHello payload:   varint size | topology id | varint size | sender endpoint
// kBackpressure payload: u8 on (1) / off (0)
// Frames longer than kMaxFrameBytes are refused.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "common/topology/serialization.h"
#include "storm/tuple.h"

namespace storm {

enum class FrameType : uint8_t { kTuples = 1, kHello = 2, kBackpressure = 3 };

inline constexpr size_t kFrameHeaderBytes = 5;
inline constexpr uint32_t kMaxFrameBytes = 64u << 20;

// Builds one kTuples frame in a reused buffer. The buffer's size is its
// room: the frame is bytes [0, bytes()), and each tuple is encoded in place
// (wire::), with no per-byte growth of the vector.
class TupleFrameWriter {
 public:
  TupleFrameWriter() { Reset(); }

  void Add(int task, const Tuple& tuple) {
    const size_t max = wire::kMaxVarintBytes + 4 + MaxTupleBytes(tuple);
    if (buf_.size() - pos_ < max) Grow(max);
    uint8_t* const size_at = wire::PutVarint(buf_.data() + pos_, static_cast<uint64_t>(task));
    uint8_t* const end = SerializeTupleTo(tuple, size_at + 4);
    wire::PutFixed32(size_at, static_cast<uint32_t>(end - (size_at + 4)));
    pos_ = static_cast<size_t>(end - buf_.data());
    ++count_;
  }
  size_t count() const { return count_; }
  size_t bytes() const { return pos_; }
  // Completes the frame and swaps it into `out`; the writer starts a new one
  // in what `out` held (its capacity is reused).
  void Finish(std::vector<uint8_t>& out) {
    buf_.resize(pos_);
    wire::PutFixed32(buf_.data(), static_cast<uint32_t>(pos_ - 4));
    wire::PutFixed32(buf_.data() + kFrameHeaderBytes, count_);
    out.swap(buf_);
    Reset();
  }

 private:
  void Reset() {
    // assign, not clear + resize: g++ 12 at -O3 warns (-Warray-bounds) on
    // the resize of an empty vector inlined here, wrongly.
    buf_.assign(kFrameHeaderBytes + 4, 0);
    buf_[4] = static_cast<uint8_t>(FrameType::kTuples);
    pos_ = buf_.size();
    count_ = 0;
  }
  // Room for `need` more bytes: doubling, and within the capacity the
  // vector already has when that is enough (resize only zero-fills then).
  void Grow(size_t need) {
    size_t size = std::max({pos_ + need, 2 * buf_.size(), size_t{4096}});
    if (pos_ + need <= buf_.capacity()) size = std::min(size, buf_.capacity());
    buf_.resize(size);
  }

  std::vector<uint8_t> buf_;
  size_t pos_ = 0;
  uint32_t count_ = 0;
};

std::vector<uint8_t> MakeHelloFrame(const std::string& topology_id, const std::string& endpoint);
std::vector<uint8_t> MakeBackpressureFrame(bool on);

// Reads the header of a complete frame; throws SerializationError when the
// length field disagrees with the buffer or the type is unknown.
FrameType CheckFrame(const std::vector<uint8_t>& frame);

// Calls on_tuple(task, reader over the tuple's bytes) for each tuple of a
// kTuples frame (checked with CheckFrame first). Throws SerializationError
// on a malformed frame; tuples before the fault have been delivered. A
// template, so that the per-tuple call is inlined (the receive thread's
// loop).
template <typename OnTuple>
void ForEachTuple(const std::vector<uint8_t>& frame, OnTuple&& on_tuple) {
  if (CheckFrame(frame) != FrameType::kTuples) {
    throw SerializationError("not a tuple frame (type " + std::to_string(frame[4]) + ")");
  }
  ByteReader r(frame.data() + kFrameHeaderBytes, frame.size() - kFrameHeaderBytes);
  const uint32_t count = r.GetFixed32();
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t task = r.GetVarint();
    if (task > static_cast<uint64_t>(INT32_MAX)) r.Fail("destination task id out of range");
    const uint32_t size = r.GetFixed32();
    const uint8_t* bytes = r.GetBytes(size);
    ByteReader tuple(bytes, size);
    on_tuple(static_cast<int>(task), tuple);
  }
  if (!r.AtEnd()) r.Fail(std::to_string(r.remaining()) + " bytes after the last tuple");
}

}  // namespace storm
