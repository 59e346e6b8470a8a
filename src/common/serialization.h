// The data plane's compact binary form of tuples (DESIGN section 4 and 6).
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

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "storm/errors.h"
#include "storm/tuple.h"
#include "storm/value.h"

namespace storm {

inline constexpr int kMaxListDepth = 32;

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<uint8_t>& out) : out_(out) {}
  void PutU8(uint8_t v) { out_.push_back(v); }
  void PutVarint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<uint8_t>(v));
  }
  void PutZigzag(int64_t v) {
    PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void PutFixed64(uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    out_.insert(out_.end(), b, b + 8);
  }
  void PutFixed32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void PutBytes(const void* data, size_t n) {
    const auto* p = static_cast<const uint8_t*>(data);
    out_.insert(out_.end(), p, p + n);
  }
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
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = GetU8();
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    Fail("a varint longer than 10 bytes");
  }
  int64_t GetZigzag() {
    uint64_t v = GetVarint();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  uint64_t GetFixed64() {
    Need(8, "8 bytes");
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(p_[i]) << (8 * i);
    p_ += 8;
    return v;
  }
  uint32_t GetFixed32() {
    Need(4, "4 bytes");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(p_[i]) << (8 * i);
    p_ += 4;
    return v;
  }
  // A length that must fit in what is left (each item takes >= min_item_size bytes).
  size_t GetLength(const char* what, size_t min_item_size = 1) {
    uint64_t n = GetVarint();
    if (min_item_size > 0 && n > remaining() / min_item_size) {
      Fail(std::string(what) + " of " + std::to_string(n) + " exceeds the " +
           std::to_string(remaining()) + " bytes left");
    }
    return static_cast<size_t>(n);
  }
  const uint8_t* GetBytes(size_t n) {
    Need(n, "bytes");
    const uint8_t* p = p_;
    p_ += n;
    return p;
  }

  [[noreturn]] void Fail(const std::string& what) const {
    throw SerializationError("malformed tuple bytes at offset " + std::to_string(offset()) +
                             ": " + what);
  }

 private:
  void Need(size_t n, const char* what) const {
    if (remaining() < n) {
      Fail(std::string("truncated: wanted ") + what + ", " + std::to_string(remaining()) +
           " bytes left");
    }
  }

  const uint8_t* begin_;
  const uint8_t* p_;
  const uint8_t* end_;
};

void SerializeValue(const Value& value, ByteWriter& out);
Value DeserializeValue(ByteReader& in, int depth = 0);

// Writes the tuple's origin, anchors and values.
void SerializeTuple(const Tuple& tuple, ByteWriter& out);

// Decodes into `out` (reusing its storage). Returns the stream index; the
// caller resolves it to a schema and calls out.setOrigin. Throws
// SerializationError when the bytes are malformed or not all consumed.
struct DecodedOrigin {
  int32_t source_task;
  int32_t stream_index;
};
DecodedOrigin DeserializeTuple(ByteReader& in, Tuple& out);

}  // namespace storm
