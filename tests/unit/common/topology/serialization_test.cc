#include "common/topology/serialization.h"

#include <bit>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "storm/errors.h"
#include "storm/tuple.h"
#include "storm/value.h"

namespace storm {
namespace {

std::vector<uint8_t> EncodeValue(const Value& value) {
  std::vector<uint8_t> buf;
  ByteWriter w(buf);
  SerializeValue(value, w);
  return buf;
}

// Decodes one value and checks that it used every byte.
Value DecodeValue(const std::vector<uint8_t>& buf) {
  ByteReader r(buf.data(), buf.size());
  Value v = DeserializeValue(r);
  EXPECT_TRUE(r.AtEnd()) << r.remaining() << " bytes left after the value";
  return v;
}

Value RoundTrip(const Value& value) { return DecodeValue(EncodeValue(value)); }

std::vector<uint8_t> EncodeTuple(const Tuple& tuple) {
  std::vector<uint8_t> buf;
  ByteWriter w(buf);
  SerializeTuple(tuple, w);
  return buf;
}

DecodedOrigin DecodeTuple(const std::vector<uint8_t>& buf, Tuple& out) {
  ByteReader r(buf.data(), buf.size());
  return DeserializeTuple(r, out);
}

// A list nested `depth` levels deep: [[[...[1]...]]].
Value NestedList(int depth) {
  Value v(int64_t{1});
  for (int i = 0; i < depth; ++i) v = Value(ValueList{v});
  return v;
}

// A tuple with a bit of everything, as the data plane carries them.
Tuple SampleTuple(const TupleSchema* schema, int source_task) {
  Tuple t;
  MutableValues(t) = Values{Value("the quick brown fox"), Value(int64_t{-42}), Value(2.5),
                             Value(true),  Value(),
                             Value(Bytes{std::string("\x00\xff\x01", 3)}),
                             Value(ValueList{Value("a"), Value(ValueList{})})};
  MutableMessageId(t).putXor(0x1111222233334444ULL, 0xaaaabbbbccccddddULL);
  MutableMessageId(t).putXor(0xffffffffffffffffULL, 1);
  SetOrigin(t, schema, source_task);
  return t;
}

// ---- ByteWriter / ByteReader ----

TEST(SerializationTest, VarintRoundTripsBoundaryValues) {
  const std::vector<uint64_t> values = {0,       1,          127,       128,
                                        16383,   16384,      UINT32_MAX, uint64_t{1} << 63,
                                        UINT64_MAX - 1, UINT64_MAX};
  std::vector<uint8_t> buf;
  ByteWriter w(buf);
  for (uint64_t v : values) w.PutVarint(v);
  ByteReader r(buf.data(), buf.size());
  for (uint64_t v : values) EXPECT_EQ(r.GetVarint(), v);
  EXPECT_TRUE(r.AtEnd());
}

TEST(SerializationTest, VarintUsesOneByteBelow128AndTenForMax) {
  std::vector<uint8_t> buf;
  ByteWriter w(buf);
  w.PutVarint(127);
  EXPECT_EQ(buf.size(), 1u);
  buf.clear();
  w.PutVarint(UINT64_MAX);
  EXPECT_EQ(buf.size(), 10u);
}

TEST(SerializationTest, ZigzagRoundTripsExtremesAndKeepsSmallNegativesShort) {
  const std::vector<int64_t> values = {0, 1, -1, 63, -64, INT32_MIN, INT32_MAX, INT64_MIN,
                                       INT64_MAX};
  std::vector<uint8_t> buf;
  ByteWriter w(buf);
  for (int64_t v : values) w.PutZigzag(v);
  ByteReader r(buf.data(), buf.size());
  for (int64_t v : values) EXPECT_EQ(r.GetZigzag(), v);
  EXPECT_TRUE(r.AtEnd());

  buf.clear();
  w.PutZigzag(-64);
  EXPECT_EQ(buf.size(), 1u);
}

TEST(SerializationTest, FixedWidthIntegersAreLittleEndian) {
  std::vector<uint8_t> buf;
  ByteWriter w(buf);
  w.PutFixed32(0x01020304u);
  w.PutFixed64(0x1122334455667788ULL);
  ASSERT_EQ(buf.size(), 12u);
  EXPECT_EQ(buf[0], 0x04);
  EXPECT_EQ(buf[3], 0x01);
  EXPECT_EQ(buf[4], 0x88);
  EXPECT_EQ(buf[11], 0x11);
  ByteReader r(buf.data(), buf.size());
  EXPECT_EQ(r.GetFixed32(), 0x01020304u);
  EXPECT_EQ(r.GetFixed64(), 0x1122334455667788ULL);
}

TEST(SerializationTest, VarintLongerThanTenBytesThrows) {
  std::vector<uint8_t> buf(11, 0x80);
  buf.push_back(0);
  ByteReader r(buf.data(), buf.size());
  EXPECT_THROW(r.GetVarint(), SerializationError);
}

// Within ten bytes of the end the reader checks each byte (elsewhere it
// does not need to): a varint there decodes, or is truncated.
TEST(SerializationTest, VarintsNearTheEndDecodeOrThrowTruncated) {
  const std::vector<uint8_t> last = {0x05, 0xac, 0x02};
  ByteReader r(last.data(), last.size());
  EXPECT_EQ(r.GetVarint(), 5u);
  EXPECT_EQ(r.GetVarint(), 300u);
  EXPECT_TRUE(r.AtEnd());
  const std::vector<uint8_t> cut(9, 0x80);
  ByteReader r2(cut.data(), cut.size());
  try {
    r2.GetVarint();
    FAIL() << "a cut varint decoded";
  } catch (const SerializationError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
}

TEST(SerializationTest, ReadingPastTheEndThrows) {
  const std::vector<uint8_t> buf = {1, 2, 3};
  ByteReader r(buf.data(), buf.size());
  EXPECT_THROW(r.GetFixed32(), SerializationError);
  ByteReader r2(buf.data(), buf.size());
  EXPECT_THROW(r2.GetBytes(4), SerializationError);
}

// ---- Values ----

TEST(SerializationTest, NullAndBoolsRoundTrip) {
  EXPECT_TRUE(RoundTrip(Value()).isNull());
  EXPECT_EQ(RoundTrip(Value(true)), Value(true));
  EXPECT_EQ(RoundTrip(Value(false)), Value(false));
}

TEST(SerializationTest, IntegersRoundTripIncludingExtremes) {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{-123456789},
                    int64_t{1} << 40, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    Value back = RoundTrip(Value(v));
    ASSERT_TRUE(back.isInt()) << v;
    EXPECT_EQ(back.asInt(), v);
  }
}

TEST(SerializationTest, DoublesRoundTripBitForBit) {
  const double quiet_nan_with_payload = std::bit_cast<double>(0x7ff8000000abcdefULL);
  for (double d : {0.0, -0.0, 1.5, -1e300, std::numeric_limits<double>::denorm_min(),
                   std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity(),
                   std::numeric_limits<double>::quiet_NaN(), quiet_nan_with_payload}) {
    Value back = RoundTrip(Value(d));
    ASSERT_EQ(back.type(), Value::Type::kDouble);
    EXPECT_EQ(std::bit_cast<uint64_t>(back.asDouble()), std::bit_cast<uint64_t>(d));
  }
}

TEST(SerializationTest, StringsRoundTripEmptyLongAndWithNulBytes) {
  const std::string with_nuls("a\0b\0\0c", 6);
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  const std::string long_text(100000, 'x');
  for (const std::string& s : {std::string(), with_nuls, binary, long_text}) {
    Value back = RoundTrip(Value(s));
    ASSERT_TRUE(back.isString());
    EXPECT_EQ(back.asString(), s);
  }
}

TEST(SerializationTest, BytesRoundTripAsBytesNotString) {
  const std::string raw("\x00\x01\xfe\xff", 4);
  Value back = RoundTrip(Value(Bytes{raw}));
  ASSERT_EQ(back.type(), Value::Type::kBytes);
  EXPECT_EQ(back.asBytes(), raw);

  EXPECT_EQ(RoundTrip(Value(Bytes{})).type(), Value::Type::kBytes);
  EXPECT_NE(EncodeValue(Value(Bytes{"abc"})), EncodeValue(Value("abc")));
  EXPECT_TRUE(RoundTrip(Value("abc")).isString());
}

TEST(SerializationTest, ListsRoundTripEmptyAndNested) {
  EXPECT_EQ(RoundTrip(Value(ValueList{})), Value(ValueList{}));
  const Value nested(ValueList{Value(int64_t{1}), Value("two"),
                               Value(ValueList{Value(3.0), Value(ValueList{}), Value()}),
                               Value(Bytes{"four"})});
  EXPECT_EQ(RoundTrip(nested), nested);
}

TEST(SerializationTest, ListsNestedToTheLimitDecode) {
  const Value deepest = NestedList(kMaxListDepth);
  EXPECT_EQ(RoundTrip(deepest), deepest);
}

TEST(SerializationTest, ListsNestedDeeperThanTheLimitThrow) {
  const std::vector<uint8_t> buf = EncodeValue(NestedList(kMaxListDepth + 1));
  ByteReader r(buf.data(), buf.size());
  EXPECT_THROW(DeserializeValue(r), SerializationError);
}

TEST(SerializationTest, VeryDeepListBytesThrowWithoutRecursingFar) {
  // 100000 list headers of count 1: a stack-exhaustion attempt.
  std::vector<uint8_t> buf;
  for (int i = 0; i < 100000; ++i) {
    buf.push_back(7);  // list tag
    buf.push_back(1);  // one item
  }
  buf.push_back(0);  // null
  ByteReader r(buf.data(), buf.size());
  EXPECT_THROW(DeserializeValue(r), SerializationError);
}

TEST(SerializationTest, UnknownTagThrows) {
  const std::vector<uint8_t> buf = {0x42};
  ByteReader r(buf.data(), buf.size());
  EXPECT_THROW(DeserializeValue(r), SerializationError);
}

TEST(SerializationTest, HugeDeclaredLengthsThrowBeforeAllocating) {
  // Tags: string 5, bytes 6, list 7; each followed by a length of 2^60 and a
  // few bytes. Reserving or copying 2^60 bytes would abort, so a throw shows
  // the length was checked against the input first.
  for (uint8_t tag : {uint8_t{5}, uint8_t{6}, uint8_t{7}}) {
    std::vector<uint8_t> buf = {tag};
    ByteWriter w(buf);
    w.PutVarint(uint64_t{1} << 60);
    w.PutBytes("abcd", 4);
    ByteReader r(buf.data(), buf.size());
    EXPECT_THROW(DeserializeValue(r), SerializationError) << "tag " << int{tag};
  }
}

TEST(SerializationTest, LengthOneBeyondTheInputThrows) {
  std::vector<uint8_t> buf = {5};
  ByteWriter w(buf);
  w.PutVarint(4);
  w.PutBytes("abc", 3);
  ByteReader r(buf.data(), buf.size());
  EXPECT_THROW(DeserializeValue(r), SerializationError);
}

// ---- Tuples ----

TEST(SerializationTest, TupleRoundTripsValuesAnchorsAndOrigin) {
  TupleSchema schema{"spout", "words", Fields{}, 7};
  const Tuple original = SampleTuple(&schema, 12);

  Tuple decoded;
  const DecodedOrigin origin = DecodeTuple(EncodeTuple(original), decoded);
  EXPECT_EQ(origin.source_task, 12);
  EXPECT_EQ(origin.stream_index, 7);
  EXPECT_EQ(decoded.getValues(), original.getValues());
  EXPECT_EQ(decoded.getMessageId(), original.getMessageId());
}

TEST(SerializationTest, SystemSourceTaskMinusOneRoundTrips) {
  TupleSchema schema{"__system", "__tick", Fields{}, 3};
  Tuple decoded;
  EXPECT_EQ(DecodeTuple(EncodeTuple(SampleTuple(&schema, -1)), decoded).source_task, -1);
}

TEST(SerializationTest, TupleWithoutSchemaUsesStreamIndexZero) {
  Tuple t;
  MutableValues(t) = Values{Value(int64_t{5})};
  Tuple decoded;
  const DecodedOrigin origin = DecodeTuple(EncodeTuple(t), decoded);
  EXPECT_EQ(origin.stream_index, 0);
  EXPECT_EQ(origin.source_task, -1);
  EXPECT_TRUE(decoded.getMessageId().empty());
}

TEST(SerializationTest, DecodingReplacesWhatTheTargetTupleHeld) {
  TupleSchema schema{"spout", "default", Fields{}, 1};
  Tuple unanchored;
  MutableValues(unanchored) = Values{Value("only")};
  SetOrigin(unanchored, &schema, 4);

  Tuple reused = SampleTuple(&schema, 9);
  UpdateAckVal(reused, 0x1234);
  DecodeTuple(EncodeTuple(unanchored), reused);
  EXPECT_EQ(reused.getValues(), unanchored.getValues());
  EXPECT_TRUE(reused.getMessageId().empty());
  EXPECT_EQ(AckVal(reused), 0u);
}

TEST(SerializationTest, EveryTruncationOfATupleThrows) {
  TupleSchema schema{"spout", "default", Fields{}, 2};
  const std::vector<uint8_t> full = EncodeTuple(SampleTuple(&schema, 3));
  for (size_t len = 0; len < full.size(); ++len) {
    const std::vector<uint8_t> prefix(full.begin(), full.begin() + static_cast<long>(len));
    Tuple out;
    EXPECT_THROW(DecodeTuple(prefix, out), SerializationError) << "prefix of " << len;
  }
}

TEST(SerializationTest, TrailingBytesAfterATupleThrow) {
  TupleSchema schema{"spout", "default", Fields{}, 2};
  std::vector<uint8_t> buf = EncodeTuple(SampleTuple(&schema, 3));
  buf.push_back(0);
  Tuple out;
  EXPECT_THROW(DecodeTuple(buf, out), SerializationError);
}

TEST(SerializationTest, HugeAnchorAndValueCountsThrow) {
  for (int field = 0; field < 2; ++field) {
    std::vector<uint8_t> buf;
    ByteWriter w(buf);
    w.PutVarint(1);  // source task 0
    w.PutVarint(0);  // stream 0
    if (field == 0) {
      w.PutVarint(uint64_t{1} << 60);  // anchors
    } else {
      w.PutVarint(0);                  // anchors
      w.PutVarint(uint64_t{1} << 60);  // values
    }
    w.PutBytes("0123456789abcdef0123", 20);
    Tuple out;
    EXPECT_THROW(DecodeTuple(buf, out), SerializationError) << "field " << field;
  }
}

TEST(SerializationTest, OutOfRangeTaskOrStreamIdThrows) {
  for (int field = 0; field < 2; ++field) {
    std::vector<uint8_t> buf;
    ByteWriter w(buf);
    const uint64_t too_big = uint64_t{1} << 31;
    w.PutVarint(field == 0 ? too_big : 1);
    w.PutVarint(field == 1 ? too_big : 0);
    w.PutVarint(0);
    w.PutVarint(0);
    Tuple out;
    EXPECT_THROW(DecodeTuple(buf, out), SerializationError) << "field " << field;
  }
}

TEST(SerializationTest, TupleNestingDeeperThanTheLimitThrows) {
  Tuple t;
  MutableValues(t) = Values{NestedList(kMaxListDepth + 1)};
  Tuple out;
  EXPECT_THROW(DecodeTuple(EncodeTuple(t), out), SerializationError);
}

TEST(SerializationTest, ErrorsNameTheOffset) {
  const std::vector<uint8_t> buf = {0x42};
  ByteReader r(buf.data(), buf.size());
  try {
    DeserializeValue(r);
    FAIL() << "expected a SerializationError";
  } catch (const SerializationError& e) {
    EXPECT_NE(std::string(e.what()).find("offset"), std::string::npos) << e.what();
  }
}

// What a decoder must do with any input: decode it into something that
// encodes and decodes back the same, or throw SerializationError saying at
// which offset of the input it failed. Anything else (another exception, a
// crash, a hang) fails the test.
::testing::AssertionResult ErrorSaysWhere(const SerializationError& e, size_t size) {
  const std::string what = e.what();
  const std::string prefix = "malformed tuple bytes at offset ";
  if (what.rfind(prefix, 0) != 0) return ::testing::AssertionFailure() << "no offset in: " << what;
  const size_t offset = std::stoul(what.substr(prefix.size()));
  if (offset > size) {
    return ::testing::AssertionFailure()
           << "offset " << offset << " past the " << size << " bytes of input: " << what;
  }
  return ::testing::AssertionSuccess();
}

// A decoded tuple, given its origin back, encodes and decodes to itself.
// Compared as bytes: a decoded double may be a NaN, which equals nothing.
void ExpectTupleRoundTrips(const Tuple& decoded, const DecodedOrigin& origin) {
  TupleSchema schema{"c", "s", Fields{}, origin.stream_index};
  Tuple t = decoded;
  SetOrigin(t, &schema, origin.source_task);
  const std::vector<uint8_t> encoded = EncodeTuple(t);
  Tuple again;
  const DecodedOrigin again_origin = DecodeTuple(encoded, again);
  EXPECT_EQ(again_origin.source_task, origin.source_task);
  EXPECT_EQ(again_origin.stream_index, origin.stream_index);
  SetOrigin(again, &schema, again_origin.source_task);
  EXPECT_EQ(EncodeTuple(again), encoded);
}

// Random input. Seeded so that a failure reproduces.
TEST(SerializationTest, RandomBytesDecodeOrThrowSerializationError) {
  std::mt19937_64 rng(20240601);
  std::uniform_int_distribution<int> length(0, 64);
  std::uniform_int_distribution<int> byte(0, 255);
  // Small bytes make valid tags and short lengths likelier, so that decoding
  // goes deeper than the first byte.
  std::uniform_int_distribution<int> small_byte(0, 8);
  int tuples_decoded = 0, tuples_refused = 0, values_decoded = 0, values_refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> buf(static_cast<size_t>(length(rng)));
    const bool small = (i % 2) == 0;
    for (auto& b : buf) b = static_cast<uint8_t>(small ? small_byte(rng) : byte(rng));
    Tuple out;
    try {
      const DecodedOrigin origin = DecodeTuple(buf, out);
      ++tuples_decoded;
      ExpectTupleRoundTrips(out, origin);
    } catch (const SerializationError& e) {
      ++tuples_refused;
      EXPECT_TRUE(ErrorSaysWhere(e, buf.size())) << "input " << i;
    }
    ByteReader r(buf.data(), buf.size());
    try {
      const Value v = DeserializeValue(r);
      ++values_decoded;
      EXPECT_LE(r.offset(), buf.size());
      EXPECT_EQ(EncodeValue(RoundTrip(v)), EncodeValue(v)) << "input " << i;  // NaN-safe
    } catch (const SerializationError& e) {
      ++values_refused;
      EXPECT_TRUE(ErrorSaysWhere(e, buf.size())) << "input " << i;
    }
    if (HasFailure()) return;  // one input's failures, not thousands
  }
  // Both outcomes were exercised, or the inputs test nothing.
  EXPECT_GT(tuples_decoded, 0) << "the fuzz inputs never reached a successful decode";
  EXPECT_GT(tuples_refused, 0);
  EXPECT_GT(values_decoded, 0);
  EXPECT_GT(values_refused, 0);
}

// Flipping bytes of a valid tuple reaches the deeper branches of the decoder.
TEST(SerializationTest, MutatedTuplesDecodeOrThrowSerializationError) {
  TupleSchema schema{"spout", "default", Fields{}, 2};
  const std::vector<uint8_t> valid = EncodeTuple(SampleTuple(&schema, 3));
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<size_t> pos(0, valid.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  int decoded = 0, refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> buf = valid;
    for (int k = 0; k < 1 + i % 4; ++k) buf[pos(rng)] = static_cast<uint8_t>(byte(rng));
    Tuple out;
    try {
      const DecodedOrigin origin = DecodeTuple(buf, out);
      ++decoded;
      ExpectTupleRoundTrips(out, origin);
    } catch (const SerializationError& e) {
      ++refused;
      EXPECT_TRUE(ErrorSaysWhere(e, buf.size())) << "mutation " << i;
    }
    if (HasFailure()) return;
  }
  EXPECT_GT(decoded, 0);
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace storm
