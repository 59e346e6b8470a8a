#include "common/serialization.h"

#include <bit>
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

void SerializeValue(const Value& value, ByteWriter& out) {
  switch (value.type()) {
    case Value::Type::kNull: out.PutU8(kTagNull); break;
    case Value::Type::kBool: out.PutU8(value.asBool() ? kTagTrue : kTagFalse); break;
    case Value::Type::kInt:
      out.PutU8(kTagInt);
      out.PutZigzag(value.asInt());
      break;
    case Value::Type::kDouble:
      out.PutU8(kTagDouble);
      out.PutFixed64(std::bit_cast<uint64_t>(value.asDouble()));
      break;
    case Value::Type::kString: {
      const std::string& s = value.asString();
      out.PutU8(kTagString);
      out.PutVarint(s.size());
      out.PutBytes(s.data(), s.size());
      break;
    }
    case Value::Type::kBytes: {
      const std::string& s = value.asBytes();
      out.PutU8(kTagBytes);
      out.PutVarint(s.size());
      out.PutBytes(s.data(), s.size());
      break;
    }
    case Value::Type::kList: {
      const ValueList& list = value.asList();
      out.PutU8(kTagList);
      out.PutVarint(list.size());
      for (const Value& v : list) SerializeValue(v, out);
      break;
    }
  }
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

void SerializeTuple(const Tuple& tuple, ByteWriter& out) {
  // Task ids are >= -1 (the system task); +1 keeps the varint unsigned.
  out.PutVarint(static_cast<uint64_t>(tuple.getSourceTask() + 1));
  out.PutVarint(static_cast<uint64_t>(tuple.schema() ? tuple.schema()->stream_index : 0));
  const auto& anchors = tuple.getMessageId().anchors();
  out.PutVarint(anchors.size());
  for (const auto& [root, edge] : anchors) {
    out.PutFixed64(root);
    out.PutFixed64(edge);
  }
  const Values& values = tuple.getValues();
  out.PutVarint(values.size());
  for (const Value& v : values) SerializeValue(v, out);
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

  MessageId& id = out.mutableMessageId();
  id.clear();
  size_t anchors = in.GetLength("an anchor count", 16);
  for (size_t i = 0; i < anchors; ++i) {
    uint64_t root = in.GetFixed64();
    uint64_t edge = in.GetFixed64();
    id.putXor(root, edge);
  }
  Values& values = out.mutableValues();
  values.clear();
  size_t n = in.GetLength("a value count");
  for (size_t i = 0; i < n; ++i) values.push_back(DeserializeValue(in));
  out.resetAckVal();
  if (!in.AtEnd()) in.Fail(std::to_string(in.remaining()) + " bytes after the tuple");
  return origin;
}

}  // namespace storm
