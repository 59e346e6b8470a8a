// The data plane's compact binary form of tuples (docs/architecture.md#wire-format).
//
// Tuple:  varint source_task+1 | varint stream_index | varint n_anchors |
//         n_anchors x (u64 root, u64 edge) | varint n_values | values
// Value:  tag byte, then: null/false/true nothing; int zigzag varint;
//         double 8 bytes; string and bytes varint length + bytes;
//         list varint count + values (nesting at most kMaxListDepth).
// All fixed-width integers are little endian.
//
// Decoding never trusts its input: every length is checked against the bytes
// left, and a violation throws SerializationError saying what and where.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "sdk/tuple_access.h"
#include "storm/errors.h"
#include "storm/tuple.h"
#include "storm/value.h"

namespace storm {

inline constexpr int kMaxListDepth = 32;

// Raw encoders over a buffer the caller made room in: each writes at `p`
// and returns the end of what it wrote. The hot path (tuples into frames)
// writes through these instead of growing a vector a byte at a time.
namespace wire {
inline constexpr size_t kMaxVarintBytes = 10;

inline uint8_t* PutVarint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}
inline uint8_t* PutZigzag(uint8_t* p, int64_t v) {
  return PutVarint(p, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}
// A fixed-width unsigned integer, little endian.
template <typename T>
inline uint8_t* PutFixed(uint8_t* p, T v) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(p, &v, sizeof(T));
  } else {
    for (size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
  }
  return p + sizeof(T);
}
inline uint8_t* PutFixed64(uint8_t* p, uint64_t v) { return PutFixed(p, v); }
inline uint8_t* PutFixed32(uint8_t* p, uint32_t v) { return PutFixed(p, v); }
}  // namespace wire

// Appends to a vector through the wire:: encoders (Claim, encode, Commit),
// for the cold paths (hello frames, tests); the hot path encodes whole
// tuples at once (TupleFrameWriter).
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<uint8_t>& out) : out_(out) {}
  void PutU8(uint8_t v) { out_.push_back(v); }
  void PutVarint(uint64_t v) { Commit(wire::PutVarint(Claim(wire::kMaxVarintBytes), v)); }
  void PutZigzag(int64_t v) { Commit(wire::PutZigzag(Claim(wire::kMaxVarintBytes), v)); }
  void PutFixed64(uint64_t v) { Commit(wire::PutFixed64(Claim(8), v)); }
  void PutFixed32(uint32_t v) { Commit(wire::PutFixed32(Claim(4), v)); }
  void PutBytes(const void* data, size_t n) {
    const auto* p = static_cast<const uint8_t*>(data);
    out_.insert(out_.end(), p, p + n);
  }
  // Room for at most `max` bytes written through wire:: at the returned
  // pointer; Commit(end) then keeps [start, end). Nothing else may write in
  // between.
  uint8_t* Claim(size_t max) {
    const size_t at = out_.size();
    out_.resize(at + max);
    return out_.data() + at;
  }
  void Commit(const uint8_t* end) { out_.resize(static_cast<size_t>(end - out_.data())); }
  size_t size() const { return out_.size(); }
  std::vector<uint8_t>& buffer() { return out_; }

 private:
  std::vector<uint8_t>& out_;
};

class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : begin_(data), p_(data), end_(data + size) {}

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  size_t offset() const { return static_cast<size_t>(p_ - begin_); }
  bool AtEnd() const { return p_ == end_; }

  uint8_t GetU8() {
    Need(1, "a byte");
    return *p_++;
  }
  uint64_t GetVarint() {
    // Most varints are read with ten or more bytes left: no check per byte.
    if (remaining() < wire::kMaxVarintBytes) return GetVarintNearEnd();
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      const uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    FailLongVarint();
  }
  int64_t GetZigzag() {
    uint64_t v = GetVarint();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  uint64_t GetFixed64() { return GetFixed<uint64_t>("8 bytes"); }
  uint32_t GetFixed32() { return GetFixed<uint32_t>("4 bytes"); }
  // A length that must fit in what is left (each item takes >= min_item_size bytes).
  size_t GetLength(const char* what, size_t min_item_size = 1) {
    uint64_t n = GetVarint();
    if (min_item_size > 0 && n > remaining() / min_item_size) [[unlikely]] FailLength(what, n);
    return static_cast<size_t>(n);
  }
  const uint8_t* GetBytes(size_t n) {
    Need(n, "bytes");
    const uint8_t* p = p_;
    p_ += n;
    return p;
  }

  // Out of line and cold, so that the getters above stay small enough to
  // inline into the decoding loops.
  [[noreturn]] __attribute__((noinline, cold)) void Fail(const std::string& what) const;

 private:
  void Need(size_t n, const char* what) const {
    if (remaining() < n) [[unlikely]] FailTruncated(what);
  }
  template <typename T>
  T GetFixed(const char* what) {
    Need(sizeof(T), what);
    T v = 0;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&v, p_, sizeof(T));
    } else {
      for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(p_[i]) << (8 * i);
    }
    p_ += sizeof(T);
    return v;
  }
  [[noreturn]] __attribute__((noinline, cold)) void FailTruncated(const char* what) const;
  [[noreturn]] __attribute__((noinline, cold)) void FailLongVarint() const;
  [[noreturn]] __attribute__((noinline, cold)) void FailLength(const char* what, uint64_t n) const;
  __attribute__((noinline)) uint64_t GetVarintNearEnd();

  const uint8_t* begin_;
  const uint8_t* p_;
  const uint8_t* end_;
};

void SerializeValue(const Value& value, ByteWriter& out);
Value DeserializeValue(ByteReader& in, int depth = 0);

// Writes the tuple's origin, anchors and values.
void SerializeTuple(const Tuple& tuple, ByteWriter& out);
// The same at `p`, which has room for MaxTupleBytes(tuple); returns the end.
uint8_t* SerializeTupleTo(const Tuple& tuple, uint8_t* p);
// An upper bound of the bytes SerializeTuple writes for `tuple`.
size_t MaxTupleBytes(const Tuple& tuple);

// Decodes into `out` (reusing its storage). Returns the stream index; the
// caller resolves it to a schema and calls SetOrigin(out, ...). Throws
// SerializationError when the bytes are malformed or not all consumed.
struct DecodedOrigin {
  int32_t source_task;
  int32_t stream_index;
};
DecodedOrigin DeserializeTuple(ByteReader& in, Tuple& out);

}  // namespace storm
