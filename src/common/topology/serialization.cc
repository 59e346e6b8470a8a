#include "common/topology/serialization.h"

#include <bit>
#include <cstring>
#include <limits>

namespace storm {

namespace {

enum Tag : uint8_t {
  kTagNull = 0,
  kTagFalse = 1,
  kTagTrue = 2,
  kTagInt = 3,
  kTagDouble = 4,
  kTagString = 5,
  kTagBytes = 6,
  kTagList = 7,
};

}  // namespace

void ByteReader::Fail(const std::string& what) const {
  throw SerializationError("malformed tuple bytes at offset " + std::to_string(offset()) + ": " +
                           what);
}

void ByteReader::FailTruncated(const char* what) const {
  Fail(std::string("truncated: wanted ") + what + ", " + std::to_string(remaining()) +
       " bytes left");
}

void ByteReader::FailLongVarint() const { Fail("a varint longer than 10 bytes"); }

void ByteReader::FailLength(const char* what, uint64_t n) const {
  Fail(std::string(what) + " of " + std::to_string(n) + " exceeds the " +
       std::to_string(remaining()) + " bytes left");
}

uint64_t ByteReader::GetVarintNearEnd() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const uint8_t b = GetU8();
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  FailLongVarint();
}

namespace {

size_t MaxValueBytes(const Value& value) {
  switch (value.type()) {
    case Value::Type::kNull:
    case Value::Type::kBool: return 1;
    case Value::Type::kInt: return 1 + wire::kMaxVarintBytes;
    case Value::Type::kDouble: return 1 + 8;
    case Value::Type::kString: return 1 + wire::kMaxVarintBytes + value.asString().size();
    case Value::Type::kBytes: return 1 + wire::kMaxVarintBytes + value.asBytes().size();
    case Value::Type::kList: {
      size_t n = 1 + wire::kMaxVarintBytes;
      for (const Value& v : value.asList()) n += MaxValueBytes(v);
      return n;
    }
  }
  return 0;
}

uint8_t* PutText(uint8_t* p, uint8_t tag, const std::string& s) {
  *p++ = tag;
  p = wire::PutVarint(p, s.size());
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

uint8_t* SerializeValueTo(const Value& value, uint8_t* p) {
  switch (value.type()) {
    case Value::Type::kNull: *p++ = kTagNull; break;
    case Value::Type::kBool: *p++ = value.asBool() ? kTagTrue : kTagFalse; break;
    case Value::Type::kInt:
      *p++ = kTagInt;
      p = wire::PutZigzag(p, value.asInt());
      break;
    case Value::Type::kDouble:
      *p++ = kTagDouble;
      p = wire::PutFixed64(p, std::bit_cast<uint64_t>(value.asDouble()));
      break;
    case Value::Type::kString: p = PutText(p, kTagString, value.asString()); break;
    case Value::Type::kBytes: p = PutText(p, kTagBytes, value.asBytes()); break;
    case Value::Type::kList: {
      const ValueList& list = value.asList();
      *p++ = kTagList;
      p = wire::PutVarint(p, list.size());
      for (const Value& v : list) p = SerializeValueTo(v, p);
      break;
    }
  }
  return p;
}

}  // namespace

void SerializeValue(const Value& value, ByteWriter& out) {
  out.Commit(SerializeValueTo(value, out.Claim(MaxValueBytes(value))));
}

Value DeserializeValue(ByteReader& in, int depth) {
  const uint8_t tag = in.GetU8();
  switch (tag) {
    case kTagNull: return Value();
    case kTagFalse: return Value(false);
    case kTagTrue: return Value(true);
    case kTagInt: return Value(in.GetZigzag());
    case kTagDouble: return Value(std::bit_cast<double>(in.GetFixed64()));
    case kTagString:
    case kTagBytes: {
      size_t n = in.GetLength(tag == kTagString ? "a string length" : "a bytes length");
      const char* p = reinterpret_cast<const char*>(in.GetBytes(n));
      if (tag == kTagString) return Value(std::string(p, n));
      return Value(Bytes{std::string(p, n)});
    }
    case kTagList: {
      if (depth >= kMaxListDepth) in.Fail("lists nested deeper than 32");
      size_t n = in.GetLength("a list length");
      ValueList list;
      list.reserve(n);
      for (size_t i = 0; i < n; ++i) list.push_back(DeserializeValue(in, depth + 1));
      return Value(std::move(list));
    }
    default: in.Fail("unknown value tag " + std::to_string(tag));
  }
}

size_t MaxTupleBytes(const Tuple& tuple) {
  size_t n = 4 * wire::kMaxVarintBytes + 16 * tuple.getMessageId().anchors().size();
  for (const Value& v : tuple.getValues()) n += MaxValueBytes(v);
  return n;
}

uint8_t* SerializeTupleTo(const Tuple& tuple, uint8_t* p) {
  // Task ids are >= -1 (the system task); +1 keeps the varint unsigned.
  p = wire::PutVarint(p, static_cast<uint64_t>(tuple.getSourceTask() + 1));
  p = wire::PutVarint(p, static_cast<uint64_t>(SchemaOf(tuple) ? SchemaOf(tuple)->stream_index : 0));
  const auto& anchors = tuple.getMessageId().anchors();
  p = wire::PutVarint(p, anchors.size());
  for (const auto& [root, edge] : anchors) {
    p = wire::PutFixed64(p, root);
    p = wire::PutFixed64(p, edge);
  }
  const Values& values = tuple.getValues();
  p = wire::PutVarint(p, values.size());
  for (const Value& v : values) p = SerializeValueTo(v, p);
  return p;
}

void SerializeTuple(const Tuple& tuple, ByteWriter& out) {
  out.Commit(SerializeTupleTo(tuple, out.Claim(MaxTupleBytes(tuple))));
}

DecodedOrigin DeserializeTuple(ByteReader& in, Tuple& out) {
  DecodedOrigin origin;
  uint64_t task = in.GetVarint();
  uint64_t stream = in.GetVarint();
  if (task > static_cast<uint64_t>(std::numeric_limits<int32_t>::max()) ||
      stream > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    in.Fail("task or stream id out of range");
  }
  origin.source_task = static_cast<int32_t>(task) - 1;
  origin.stream_index = static_cast<int32_t>(stream);

  MessageId& id = MutableMessageId(out);
  id.clear();
  size_t anchors = in.GetLength("an anchor count", 16);
  for (size_t i = 0; i < anchors; ++i) {
    uint64_t root = in.GetFixed64();
    uint64_t edge = in.GetFixed64();
    id.putXor(root, edge);
  }
  Values& values = MutableValues(out);
  values.clear();
  size_t n = in.GetLength("a value count");
  for (size_t i = 0; i < n; ++i) values.push_back(DeserializeValue(in));
  ResetAckVal(out);
  if (!in.AtEnd()) in.Fail(std::to_string(in.remaining()) + " bytes after the tuple");
  return origin;
}

}  // namespace storm
