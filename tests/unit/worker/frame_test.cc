#include "worker/frame.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/topology/serialization.h"
#include "storm/errors.h"
#include "storm/tuple.h"

namespace storm {
namespace {

struct Received {
  int task;
  Values values;
  MessageId id;
  DecodedOrigin origin;
};

// What a worker's receive thread does with a frame: check the header, then
// decode each tuple of a kTuples frame.
std::vector<Received> Receive(const std::vector<uint8_t>& frame) {
  std::vector<Received> got;
  if (CheckFrame(frame) != FrameType::kTuples) return got;
  ForEachTuple(frame, [&got](int task, ByteReader& bytes) {
    Tuple t;
    DecodedOrigin origin = DeserializeTuple(bytes, t);
    got.push_back(Received{task, t.getValues(), t.getMessageId(), origin});
  });
  return got;
}

Tuple MakeTuple(const TupleSchema* schema, int i) {
  Tuple t;
  MutableValues(t) = Values{Value("word-" + std::to_string(i)), Value(int64_t{i}),
                             Value(ValueList{Value(i % 2 == 0)})};
  if (i % 3 == 0) MutableMessageId(t).putXor(static_cast<uint64_t>(i) + 1, 0xfeedULL * i);
  SetOrigin(t, schema, i % 5);
  return t;
}

std::vector<uint8_t> FrameOf(int n) {
  static const TupleSchema schema{"spout", "default", Fields{"w", "n", "l"}, 4};
  TupleFrameWriter writer;
  for (int i = 0; i < n; ++i) writer.Add(100 + i, MakeTuple(&schema, i));
  std::vector<uint8_t> frame;
  writer.Finish(frame);
  return frame;
}

void SetLengthField(std::vector<uint8_t>& frame, uint32_t length) {
  for (int i = 0; i < 4; ++i) frame[i] = static_cast<uint8_t>(length >> (8 * i));
}

TEST(FrameTest, ManyTuplesRoundTripThroughWriterAndForEachTuple) {
  const TupleSchema schema{"spout", "default", Fields{"w", "n", "l"}, 4};
  TupleFrameWriter writer;
  const int n = 2000;
  for (int i = 0; i < n; ++i) writer.Add(100 + i, MakeTuple(&schema, i));
  EXPECT_EQ(writer.count(), static_cast<size_t>(n));
  std::vector<uint8_t> frame;
  writer.Finish(frame);

  const std::vector<Received> got = Receive(frame);
  ASSERT_EQ(got.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const Tuple expected = MakeTuple(&schema, i);
    EXPECT_EQ(got[i].task, 100 + i);
    EXPECT_EQ(got[i].values, expected.getValues());
    EXPECT_EQ(got[i].id, expected.getMessageId());
    EXPECT_EQ(got[i].origin.source_task, i % 5);
    EXPECT_EQ(got[i].origin.stream_index, 4);
  }
}

TEST(FrameTest, EmptyFrameHasNoTuples) {
  const std::vector<uint8_t> frame = FrameOf(0);
  EXPECT_EQ(frame.size(), kFrameHeaderBytes + 4);
  EXPECT_TRUE(Receive(frame).empty());
}

TEST(FrameTest, WriterStartsAFreshFrameAfterFinish) {
  const TupleSchema schema{"spout", "default", Fields{}, 1};
  TupleFrameWriter writer;
  writer.Add(1, MakeTuple(&schema, 1));
  writer.Add(2, MakeTuple(&schema, 2));
  std::vector<uint8_t> first;
  writer.Finish(first);
  EXPECT_EQ(writer.count(), 0u);
  EXPECT_EQ(writer.bytes(), kFrameHeaderBytes + 4);

  writer.Add(3, MakeTuple(&schema, 3));
  std::vector<uint8_t> second;
  writer.Finish(second);
  EXPECT_EQ(Receive(first).size(), 2u);
  const std::vector<Received> got = Receive(second);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].task, 3);
}

// The writer encodes in place into whatever buffer Finish swapped in (the
// transport hands back used frames): each tuple's bytes are those of
// SerializeTuple, whether the buffer had room or grew, for tuples far
// larger than its first room, and bytes() is the frame's size.
TEST(FrameTest, WriterEncodesAsSerializeTupleInAnyBufferItIsGiven) {
  const TupleSchema schema{"spout", "default", Fields{"w", "n", "l"}, 4};
  std::vector<Tuple> tuples;
  for (int i = 0; i < 40; ++i) tuples.push_back(MakeTuple(&schema, i));
  MutableValues(tuples[7])[0] = Value(std::string(100000, 'x'));
  MutableValues(tuples[8])[0] = Value(Bytes{std::string(5000, '\0')});
  MutableValues(tuples[9])[1] = Value(-1.5);
  MutableMessageId(tuples[9]).putXor(~0ULL, ~0ULL);

  TupleFrameWriter writer;
  std::vector<uint8_t> given(3, 0xab);  // a small used buffer, then a large one
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < tuples.size(); ++i) writer.Add(static_cast<int>(i) + 1, tuples[i]);
    const size_t bytes = writer.bytes();
    writer.Finish(given);
    ASSERT_EQ(given.size(), bytes);
    size_t i = 0;
    ForEachTuple(given, [&](int task, ByteReader& got) {
      std::vector<uint8_t> expected;
      ByteWriter w(expected);
      SerializeTuple(tuples[i], w);
      EXPECT_EQ(task, static_cast<int>(i) + 1);
      ASSERT_EQ(got.remaining(), expected.size()) << "tuple " << i << ", round " << round;
      EXPECT_EQ(0, std::memcmp(got.GetBytes(expected.size()), expected.data(), expected.size()))
          << "tuple " << i << ", round " << round;
      ++i;
    });
    EXPECT_EQ(i, tuples.size());
  }
}

TEST(FrameTest, LengthFieldCountsTheBytesAfterIt) {
  const std::vector<uint8_t> frame = FrameOf(3);
  const uint32_t length = frame[0] | (frame[1] << 8) | (frame[2] << 16) |
                          (static_cast<uint32_t>(frame[3]) << 24);
  EXPECT_EQ(length, frame.size() - 4);
  EXPECT_EQ(frame[4], static_cast<uint8_t>(FrameType::kTuples));
}

TEST(FrameTest, HelloAndBackpressureFramesPassTheCheck) {
  EXPECT_EQ(CheckFrame(MakeHelloFrame("topo-1", "host:6700")), FrameType::kHello);
  EXPECT_EQ(CheckFrame(MakeBackpressureFrame(true)), FrameType::kBackpressure);
  EXPECT_EQ(CheckFrame(MakeBackpressureFrame(false)), FrameType::kBackpressure);
}

TEST(FrameTest, HelloFrameCarriesTopologyAndEndpoint) {
  const std::vector<uint8_t> frame = MakeHelloFrame("topo-1", "host:6700");
  ByteReader r(frame.data() + kFrameHeaderBytes, frame.size() - kFrameHeaderBytes);
  const size_t topo_len = r.GetLength("topology id");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.GetBytes(topo_len)), topo_len), "topo-1");
  const size_t ep_len = r.GetLength("endpoint");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.GetBytes(ep_len)), ep_len), "host:6700");
  EXPECT_TRUE(r.AtEnd());
}

TEST(FrameTest, CheckFrameRejectsALengthFieldThatDisagreesWithTheBuffer) {
  std::vector<uint8_t> frame = FrameOf(2);
  const auto length = static_cast<uint32_t>(frame.size() - 4);
  SetLengthField(frame, length + 1);
  EXPECT_THROW(CheckFrame(frame), SerializationError);
  SetLengthField(frame, length - 1);
  EXPECT_THROW(CheckFrame(frame), SerializationError);
  SetLengthField(frame, 0);
  EXPECT_THROW(CheckFrame(frame), SerializationError);
}

TEST(FrameTest, CheckFrameRejectsALengthOverTheLimit) {
  std::vector<uint8_t> frame = FrameOf(0);
  SetLengthField(frame, kMaxFrameBytes + 1);
  try {
    CheckFrame(frame);
    FAIL() << "expected a SerializationError";
  } catch (const SerializationError& e) {
    EXPECT_NE(std::string(e.what()).find("exceeds"), std::string::npos) << e.what();
  }
  SetLengthField(frame, UINT32_MAX);
  EXPECT_THROW(CheckFrame(frame), SerializationError);
}

TEST(FrameTest, CheckFrameRejectsUnknownTypes) {
  for (uint8_t type : {uint8_t{0}, uint8_t{4}, uint8_t{255}}) {
    std::vector<uint8_t> frame = FrameOf(1);
    frame[4] = type;
    EXPECT_THROW(CheckFrame(frame), SerializationError) << "type " << int{type};
  }
}

TEST(FrameTest, CheckFrameRejectsFramesShorterThanAHeader) {
  for (size_t n = 0; n < kFrameHeaderBytes; ++n) {
    std::vector<uint8_t> frame(n, 0);
    if (n == 4) SetLengthField(frame, 0);
    EXPECT_THROW(CheckFrame(frame), SerializationError) << n << " bytes";
  }
}

TEST(FrameTest, EveryTruncatedFrameIsRejected) {
  const std::vector<uint8_t> full = FrameOf(4);
  for (size_t len = 0; len < full.size(); ++len) {
    std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<long>(len));
    EXPECT_THROW(Receive(cut), SerializationError) << "prefix of " << len;
  }
}

// A truncated frame whose length field was rewritten to match still fails,
// in ForEachTuple's own checks of counts and sizes.
TEST(FrameTest, TruncatedFrameWithConsistentLengthThrowsInForEachTuple) {
  const std::vector<uint8_t> full = FrameOf(4);
  for (size_t len = kFrameHeaderBytes; len < full.size(); ++len) {
    std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<long>(len));
    SetLengthField(cut, static_cast<uint32_t>(len - 4));
    ASSERT_EQ(CheckFrame(cut), FrameType::kTuples);
    EXPECT_THROW(ForEachTuple(cut, [](int, ByteReader&) {}), SerializationError)
        << "prefix of " << len;
  }
}

TEST(FrameTest, TuplesBeforeAFaultAreDelivered) {
  std::vector<uint8_t> frame = FrameOf(3);
  frame.resize(frame.size() - 1);
  SetLengthField(frame, static_cast<uint32_t>(frame.size() - 4));
  int delivered = 0;
  EXPECT_THROW(ForEachTuple(frame, [&delivered](int, ByteReader&) { ++delivered; }),
               SerializationError);
  EXPECT_EQ(delivered, 2);
}

TEST(FrameTest, TrailingBytesAfterTheLastTupleThrow) {
  std::vector<uint8_t> frame = FrameOf(2);
  frame.push_back(0);
  SetLengthField(frame, static_cast<uint32_t>(frame.size() - 4));
  EXPECT_THROW(ForEachTuple(frame, [](int, ByteReader&) {}), SerializationError);
}

TEST(FrameTest, OutOfRangeDestinationTaskThrows) {
  std::vector<uint8_t> frame(kFrameHeaderBytes, 0);
  frame[4] = static_cast<uint8_t>(FrameType::kTuples);
  ByteWriter w(frame);
  w.PutFixed32(1);
  w.PutVarint(uint64_t{1} << 31);
  w.PutFixed32(0);
  SetLengthField(frame, static_cast<uint32_t>(frame.size() - 4));
  EXPECT_THROW(ForEachTuple(frame, [](int, ByteReader&) {}), SerializationError);
}

TEST(FrameTest, HugeTupleCountOrSizeThrows) {
  std::vector<uint8_t> frame = FrameOf(1);
  frame[5] = 0xff;  // tuple count
  frame[6] = 0xff;
  frame[7] = 0xff;
  frame[8] = 0xff;
  EXPECT_THROW(Receive(frame), SerializationError);

  std::vector<uint8_t> big_size(kFrameHeaderBytes, 0);
  big_size[4] = static_cast<uint8_t>(FrameType::kTuples);
  ByteWriter w(big_size);
  w.PutFixed32(1);
  w.PutVarint(1);
  w.PutFixed32(UINT32_MAX);
  w.PutBytes("xyz", 3);
  SetLengthField(big_size, static_cast<uint32_t>(big_size.size() - 4));
  EXPECT_THROW(Receive(big_size), SerializationError);
}

// What decoding a frame came to: the tuples decoded, then either the end or
// the SerializationError that stopped it.
struct Outcome {
  size_t tuples = 0;
  bool rejected = false;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

Outcome Decode(const std::vector<uint8_t>& frame) {
  Outcome out;
  try {
    if (CheckFrame(frame) != FrameType::kTuples) return out;
    ForEachTuple(frame, [&out](int, ByteReader& bytes) {
      Tuple t;
      DeserializeTuple(bytes, t);
      ++out.tuples;
    });
  } catch (const SerializationError& e) {
    out.rejected = true;
    out.error = e.what();
  }
  return out;
}

// Garbage is rejected with a SerializationError that says what is wrong (any
// other exception fails the test), or decodes into as many tuples as its
// count field says; decoding it again comes to the same; and decoding leaves
// nothing behind: the valid frame decodes as before afterwards. Half the
// inputs get a consistent header so that they reach ForEachTuple and the
// tuple decoder; the other half are mutations of a valid frame.
TEST(FrameTest, RandomGarbageFramesAreRejectedOrDecoded) {
  std::mt19937_64 rng(99);
  std::uniform_int_distribution<int> length(0, 80);
  std::uniform_int_distribution<int> byte(0, 255);
  const std::vector<uint8_t> valid = FrameOf(3);
  std::uniform_int_distribution<size_t> pos(0, valid.size() - 1);
  size_t rejected = 0;
  size_t decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> frame;
    if (i % 2 == 0) {
      frame.resize(static_cast<size_t>(length(rng)));
      for (auto& b : frame) b = static_cast<uint8_t>(byte(rng));
      if (frame.size() >= kFrameHeaderBytes && i % 4 == 0) {
        SetLengthField(frame, static_cast<uint32_t>(frame.size() - 4));
        frame[4] = static_cast<uint8_t>(FrameType::kTuples);
      }
    } else {
      frame = valid;
      for (int k = 0; k < 1 + i % 3; ++k) frame[pos(rng)] = static_cast<uint8_t>(byte(rng));
    }
    const Outcome outcome = Decode(frame);
    ASSERT_EQ(Decode(frame), outcome) << "input " << i << " decoded differently twice";
    if (outcome.rejected) {
      ++rejected;
      ASSERT_FALSE(outcome.error.empty()) << "input " << i;
      continue;
    }
    ++decoded;
    if (frame[4] == static_cast<uint8_t>(FrameType::kTuples)) {
      const uint32_t count = frame[5] | frame[6] << 8 | frame[7] << 16 |
                             static_cast<uint32_t>(frame[8]) << 24;
      ASSERT_EQ(outcome.tuples, count) << "input " << i;
    }
    if (frame == valid) {
      ASSERT_EQ(outcome.tuples, 3u) << "input " << i;
    }
  }
  std::printf("random frames: %zu rejected, %zu decoded\n", rejected, decoded);
  EXPECT_GT(rejected, 0u);
  EXPECT_GT(decoded, 0u);  // some mutations keep a frame valid: the decoder was reached
  const std::vector<Received> got = Receive(valid);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].task, 102);
  const TupleSchema schema{"spout", "default", Fields{"w", "n", "l"}, 4};
  EXPECT_EQ(got[2].values, MakeTuple(&schema, 2).getValues());
}

// A frame shorter than its header is refused, not read past its end.
TEST(FrameTest, ForEachTupleRejectsAFrameShorterThanItsHeader) {
  const std::vector<uint8_t> frame = {1, 0, 0};
  EXPECT_THROW(ForEachTuple(frame, [](int, ByteReader&) {}), SerializationError);
}

}  // namespace
}  // namespace storm
