#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "acker/ack_pack.h"
#include "acker/acker_bolt.h"
#include "acker/flat_map.h"
#include "acker/rotating_map.h"
#include "common/topology/topology_layout.h"
#include "storm/errors.h"
#include "storm/output_collector.h"
#include "storm/topology_context.h"
#include "worker/id_generator.h"

namespace storm {
namespace {

using Outcome = AckerCore::Outcome;

// ---- FlatU64Map ----

// Every key/value of the map, for comparison with an oracle.
std::map<uint64_t, int> Contents(FlatU64Map<int>& map) {
  std::map<uint64_t, int> out;
  map.ForEach([&out](uint64_t k, int v) { out.emplace(k, v); });
  return out;
}

TEST(AckerCoreTest, FlatMapMatchesUnorderedMapUnderRandomInsertsFindsAndTakes) {
  std::mt19937_64 rng(4242);
  // A small pool of keys keeps the map churning: the same keys come and go,
  // so deletions constantly backward-shift through probe chains (including
  // ones that wrap around the end of the table).
  std::vector<uint64_t> pool(3000);
  for (auto& k : pool) k = rng() | 1;  // never 0, the empty-slot key
  std::uniform_int_distribution<size_t> pick(0, pool.size() - 1);
  std::uniform_int_distribution<int> op(0, 9);

  FlatU64Map<int> map(16);
  std::unordered_map<uint64_t, int> oracle;
  for (int i = 0; i < 300000; ++i) {
    const uint64_t key = pool[pick(rng)];
    const int o = op(rng);
    if (o < 4) {
      map[key] = i;
      oracle[key] = i;
    } else if (o < 8) {
      int taken = -1;
      const bool had = map.Take(key, &taken);
      auto it = oracle.find(key);
      ASSERT_EQ(had, it != oracle.end()) << "op " << i;
      if (had) {
        EXPECT_EQ(taken, it->second);
        oracle.erase(it);
      }
    } else {
      int* found = map.Find(key);
      auto it = oracle.find(key);
      ASSERT_EQ(found != nullptr, it != oracle.end()) << "op " << i;
      if (found != nullptr) {
        EXPECT_EQ(*found, it->second);
      }
    }
    ASSERT_EQ(map.size(), oracle.size()) << "op " << i;
  }
  // Every surviving key is still reachable (no probe chain was broken).
  for (const auto& [k, v] : oracle) {
    int* found = map.Find(k);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(*found, v);
  }
  EXPECT_EQ(Contents(map), (std::map<uint64_t, int>(oracle.begin(), oracle.end())));
}

TEST(AckerCoreTest, FlatMapGrowsPastItsInitialCapacityAndEmptiesAgain) {
  FlatU64Map<int> map(16);
  for (uint64_t k = 1; k <= 10000; ++k) map[k * 0x9e3779b97f4a7c15ULL] = static_cast<int>(k);
  EXPECT_EQ(map.size(), 10000u);
  for (uint64_t k = 1; k <= 10000; ++k) {
    int v = 0;
    ASSERT_TRUE(map.Take(k * 0x9e3779b97f4a7c15ULL, &v));
    EXPECT_EQ(v, static_cast<int>(k));
  }
  EXPECT_TRUE(map.empty());
  EXPECT_FALSE(map.Take(0x9e3779b97f4a7c15ULL, nullptr));
}

TEST(AckerCoreTest, FlatMapIndexInsertsDefaultAndFindsExisting) {
  FlatU64Map<int> map;
  EXPECT_EQ(map[7], 0);
  map[7] = 3;
  map[7] += 1;
  EXPECT_EQ(map.size(), 1u);
  EXPECT_EQ(*map.Find(7), 4);
  EXPECT_EQ(map.Find(8), nullptr);
  map.Clear();
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.Find(7), nullptr);
}

// ---- RotatingMap ----

TEST(AckerCoreTest, MixAndUnmixAreInverses) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; ++i) {
    const uint64_t x = rng();
    EXPECT_EQ(MixU64(UnmixU64(x)), x);
    EXPECT_EQ(UnmixU64(MixU64(x)), x);
  }
}

// Root ids are distinct and non-zero, spread over all 64 bits, and land two
// slots apart in a FlatU64Map (what keeps the spout's and the acker's
// look-ups in cache).
TEST(AckerCoreTest, RootIdsAreDistinctAndTakeEveryOtherSlot) {
  IdGenerator random(42);
  RootIdGenerator roots(random);
  std::set<uint64_t> seen;
  uint64_t previous_hash = MixU64(roots.Next());
  uint64_t high_bits = 0;
  size_t apart_by_two = 0;
  for (int i = 0; i < 100000; ++i) {
    const uint64_t id = roots.Next();
    ASSERT_NE(id, 0u);
    ASSERT_TRUE(seen.insert(id).second) << "repeated root id " << id;
    high_bits |= id >> 40;
    const uint64_t hash = MixU64(id);
    if (hash - previous_hash == 2) ++apart_by_two;
    previous_hash = hash;
  }
  EXPECT_EQ(high_bits, (uint64_t{1} << 24) - 1);  // ids are not small numbers
  EXPECT_GE(apart_by_two, 99990u);  // all but where the 24-bit counter wraps

  // Such ids in a map: inserted, found, taken in any order, as random ones.
  FlatU64Map<int> map;
  std::vector<uint64_t> ids(seen.begin(), seen.end());
  for (size_t i = 0; i < ids.size(); ++i) map[ids[i]] = static_cast<int>(i);
  std::shuffle(ids.begin(), ids.end(), std::mt19937_64(3));
  for (uint64_t id : ids) ASSERT_TRUE(map.Take(id, nullptr));
  EXPECT_TRUE(map.empty());
}

TEST(AckerCoreTest, RotatingMapExpiresAnEntryAfterAsManyRotationsAsBuckets) {
  RotatingMap<int> map(3);
  map.Get(11) = 1;
  std::vector<uint64_t> expired;
  auto collect = [&expired](uint64_t k, int&) { expired.push_back(k); };
  map.Rotate(collect);
  map.Rotate(collect);
  EXPECT_TRUE(expired.empty());
  ASSERT_NE(map.Find(11), nullptr);
  map.Rotate(collect);
  EXPECT_EQ(expired, std::vector<uint64_t>{11});
  EXPECT_EQ(map.Find(11), nullptr);
  EXPECT_EQ(map.size(), 0u);
}

TEST(AckerCoreTest, RotatingMapKeepsAnExistingEntryInItsBucketOnGet) {
  RotatingMap<int> map(2);
  map.Get(5) = 1;
  map.Rotate([](uint64_t, int&) {});
  map.Get(5) += 1;  // found in the older bucket; not refreshed
  map.Get(6) = 1;   // new: newest bucket
  std::vector<uint64_t> expired;
  map.Rotate([&expired](uint64_t k, int& v) {
    expired.push_back(k);
    EXPECT_EQ(v, 2);
  });
  EXPECT_EQ(expired, std::vector<uint64_t>{5});
  EXPECT_NE(map.Find(6), nullptr);
}

TEST(AckerCoreTest, RotatingMapTakeRemovesFromAnyBucket) {
  RotatingMap<int> map(2);
  map.Get(1) = 10;
  map.Rotate([](uint64_t, int&) {});
  map.Get(2) = 20;
  int v = 0;
  EXPECT_TRUE(map.Take(1, &v));
  EXPECT_EQ(v, 10);
  EXPECT_TRUE(map.Take(2, &v));
  EXPECT_EQ(v, 20);
  EXPECT_FALSE(map.Take(1, &v));
  EXPECT_EQ(map.size(), 0u);
}

TEST(AckerCoreTest, RotatingMapHasAtLeastTwoBuckets) {
  RotatingMap<int> map(0);
  map.Get(1) = 1;
  size_t expired = 0;
  map.Rotate([&expired](uint64_t, int&) { ++expired; });
  EXPECT_EQ(expired, 0u);  // survives one rotation
  map.Rotate([&expired](uint64_t, int&) { ++expired; });
  EXPECT_EQ(expired, 1u);
}

// ---- AckerCore ----

constexpr uint64_t kRoot = 0x1234567890abcdefULL;

TEST(AckerCoreTest, InitThenAcksThatXorToZeroAckOnceToTheSpoutTask) {
  AckerCore acker;
  int notify = -1;
  // Spout tuple edge e1 -> bolt acks e1 and anchors e2 -> next bolt acks e2.
  const uint64_t e1 = 0x1111, e2 = 0x2222;
  EXPECT_EQ(acker.Init(kRoot, e1, 7, &notify), Outcome::kPending);
  EXPECT_EQ(acker.Ack(kRoot, e1 ^ e2, &notify), Outcome::kPending);
  EXPECT_EQ(notify, -1);
  EXPECT_EQ(acker.Ack(kRoot, e2, &notify), Outcome::kAcked);
  EXPECT_EQ(notify, 7);
  EXPECT_EQ(acker.size(), 0u);

  // A late duplicate does not complete the tree a second time.
  notify = -1;
  EXPECT_EQ(acker.Ack(kRoot, e2, &notify), Outcome::kPending);
  EXPECT_EQ(notify, -1);
}

TEST(AckerCoreTest, AcksArrivingBeforeTheInitCompleteOnTheInit) {
  AckerCore acker;
  int notify = -1;
  const uint64_t e1 = 0xaaaa, e2 = 0xbbbb;
  EXPECT_EQ(acker.Ack(kRoot, e2, &notify), Outcome::kPending);
  // Zero before the init: still pending, the spout task is not known.
  EXPECT_EQ(acker.Ack(kRoot, e1 ^ e2, &notify), Outcome::kPending);
  EXPECT_EQ(acker.Ack(kRoot, e1, &notify), Outcome::kPending);
  EXPECT_EQ(acker.Ack(kRoot, e1, &notify), Outcome::kPending);
  EXPECT_EQ(notify, -1);
  EXPECT_EQ(acker.Init(kRoot, e1, 3, &notify), Outcome::kAcked);
  EXPECT_EQ(notify, 3);
  EXPECT_EQ(acker.size(), 0u);
}

// A tree in which a bolt joins two inputs and anchors its output to both
// (Storm gives the new tuple one edge id, XORed into each anchor's root).
TEST(AckerCoreTest, MultiAnchoredTreesCompleteIndependently) {
  AckerCore acker;
  const uint64_t root_a = 0xa0a0, root_b = 0xb0b0;
  const uint64_t a1 = 0x11, b1 = 0x22, c = 0x33, d = 0x44;
  int notify = -1;
  EXPECT_EQ(acker.Init(root_a, a1, 1, &notify), Outcome::kPending);
  EXPECT_EQ(acker.Init(root_b, b1, 2, &notify), Outcome::kPending);
  // Join bolt acks a1 and b1, emits c anchored to both.
  EXPECT_EQ(acker.Ack(root_a, a1 ^ c, &notify), Outcome::kPending);
  EXPECT_EQ(acker.Ack(root_b, b1 ^ c, &notify), Outcome::kPending);
  // Next bolt acks c and emits d anchored to it (so to both roots).
  EXPECT_EQ(acker.Ack(root_a, c ^ d, &notify), Outcome::kPending);
  EXPECT_EQ(acker.Ack(root_b, c ^ d, &notify), Outcome::kPending);
  // Last bolt acks d.
  EXPECT_EQ(acker.Ack(root_b, d, &notify), Outcome::kAcked);
  EXPECT_EQ(notify, 2);
  EXPECT_EQ(acker.Ack(root_a, d, &notify), Outcome::kAcked);
  EXPECT_EQ(notify, 1);
  EXPECT_EQ(acker.size(), 0u);
}

// Random trees acked in random order complete exactly at their last message.
TEST(AckerCoreTest, RandomTreesCompleteExactlyOnTheirLastMessage) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    AckerCore acker;
    const uint64_t root = rng() | 1;
    // Edges form a tree: the spout emits edges[0..k), each later edge is
    // created by the bolt that acks some earlier edge.
    const int n = 2 + static_cast<int>(rng() % 30);
    std::vector<uint64_t> edges(n);
    for (auto& e : edges) e = rng() | 1;
    const int spout_edges = 1 + static_cast<int>(rng() % 3);
    uint64_t init = 0;
    for (int i = 0; i < spout_edges && i < n; ++i) init ^= edges[i];
    // Each edge i is acked with its own id XOR the children it anchored.
    std::vector<uint64_t> ack_values(edges.begin(), edges.end());
    for (int i = spout_edges; i < n; ++i) {
      const int parent = static_cast<int>(rng() % static_cast<uint64_t>(i));
      ack_values[parent] ^= edges[i];
    }
    std::vector<std::pair<bool, uint64_t>> messages;  // (is_init, value)
    messages.emplace_back(true, init);
    for (uint64_t v : ack_values) messages.emplace_back(false, v);
    std::shuffle(messages.begin(), messages.end(), rng);

    for (size_t m = 0; m < messages.size(); ++m) {
      int notify = -1;
      const auto [is_init, value] = messages[m];
      const Outcome got = is_init ? acker.Init(root, value, 4, &notify)
                                  : acker.Ack(root, value, &notify);
      if (m + 1 < messages.size()) {
        ASSERT_EQ(got, Outcome::kPending) << "trial " << trial << " message " << m;
      } else {
        ASSERT_EQ(got, Outcome::kAcked) << "trial " << trial;
        EXPECT_EQ(notify, 4);
      }
    }
    EXPECT_EQ(acker.size(), 0u);
  }
}

TEST(AckerCoreTest, FailAfterTheInitFailsAtOnce) {
  AckerCore acker;
  int notify = -1;
  EXPECT_EQ(acker.Init(kRoot, 0x5, 9, &notify), Outcome::kPending);
  EXPECT_EQ(acker.Ack(kRoot, 0x5 ^ 0x6, &notify), Outcome::kPending);
  EXPECT_EQ(acker.Fail(kRoot, &notify), Outcome::kFailed);
  EXPECT_EQ(notify, 9);
  EXPECT_EQ(acker.size(), 0u);
}

TEST(AckerCoreTest, FailBeforeTheInitFailsOnTheInit) {
  AckerCore acker;
  int notify = -1;
  EXPECT_EQ(acker.Fail(kRoot, &notify), Outcome::kPending);
  EXPECT_EQ(notify, -1);
  // Even though the acks XOR to zero, a failed tree stays failed.
  EXPECT_EQ(acker.Ack(kRoot, 0x5, &notify), Outcome::kPending);
  EXPECT_EQ(acker.Init(kRoot, 0x5, 2, &notify), Outcome::kFailed);
  EXPECT_EQ(notify, 2);
  EXPECT_EQ(acker.size(), 0u);
}

TEST(AckerCoreTest, FailOfOneTreeLeavesOthersPending) {
  AckerCore acker;
  int notify = -1;
  acker.Init(1, 0x10, 1, &notify);
  acker.Init(2, 0x20, 2, &notify);
  EXPECT_EQ(acker.Fail(1, &notify), Outcome::kFailed);
  EXPECT_EQ(acker.size(), 1u);
  EXPECT_EQ(acker.Ack(2, 0x20, &notify), Outcome::kAcked);
  EXPECT_EQ(notify, 2);
}

TEST(AckerCoreTest, ExpireDropsTreesOlderThanTwoRotations) {
  AckerCore acker;  // two buckets
  int notify = -1;
  acker.Init(kRoot, 0x1, 5, &notify);
  acker.Ack(0x77, 0x2, &notify);  // an ack whose init never comes
  EXPECT_EQ(acker.Expire(), 0u);  // now in the older bucket
  EXPECT_EQ(acker.size(), 2u);
  acker.Init(0x99, 0x3, 5, &notify);  // a newer tree
  EXPECT_EQ(acker.Expire(), 2u);
  EXPECT_EQ(acker.size(), 1u);

  // An ack of the expired tree no longer completes it: the spout has timed
  // it out already.
  notify = -1;
  EXPECT_EQ(acker.Ack(kRoot, 0x1, &notify), Outcome::kPending);
  EXPECT_EQ(notify, -1);
}

TEST(AckerCoreTest, MoreBucketsKeepTreesLonger) {
  AckerCore acker(4);
  int notify = -1;
  acker.Init(kRoot, 0x1, 5, &notify);
  EXPECT_EQ(acker.Expire(), 0u);
  EXPECT_EQ(acker.Expire(), 0u);
  EXPECT_EQ(acker.Expire(), 0u);
  EXPECT_EQ(acker.Ack(kRoot, 0x1, &notify), Outcome::kAcked);
}

// ---- AckerBolt: packed messages (acker/ack_pack.h) ----

// Records what the acker emits: (task, stream, roots of the pack).
class RecordingCollector final : public OutputCollector {
 public:
  struct Emit {
    int task;
    std::string stream;
    std::vector<uint64_t> roots;
  };
  std::vector<Emit> emits;

  void ack(const Tuple&) override {}
  void fail(const Tuple&) override {}
  void reportError(const std::string&) override {}

 protected:
  const TaskIds& emitImpl(const std::string* stream, const Tuple* const*, size_t,
                          const Values& values, int direct_task) override {
    Emit e{direct_task, stream ? *stream : "default", {}};
    ForEachPackEntry(values.at(0).asBytes(), kSpoutEntryBytes, e.stream,
                     [&e](ByteReader& r) { e.roots.push_back(r.GetFixed64()); });
    emits.push_back(std::move(e));
    return none_;
  }

 private:
  TaskIds none_;
};

// The acker asks its context nothing.
class UnusedContext final : public TopologyContext {
 public:
  const std::string& getStormId() const override { return none_; }
  int getThisTaskId() const override { return 1; }
  const std::string& getThisComponentId() const override { return none_; }
  int getThisTaskIndex() const override { return 0; }
  const std::vector<int>& getComponentTasks(const std::string&) const override { return no_; }
  const std::string& getComponentId(int) const override { return none_; }
  const Fields& getComponentOutputFields(const std::string&, const std::string&) const override {
    return fields_;
  }
  std::vector<std::string> getComponentIds() const override { return {}; }
  const std::vector<int>& getThisWorkerTasks() const override { return no_; }
  int getThisWorkerPort() const override { return 0; }

 private:
  std::string none_;
  std::vector<int> no_;
  Fields fields_;
};

struct PackedAcker {
  PackedAcker() { bolt.prepare(Config(), context, out); }
  // A pack of (root, value) entries on `schema` from `task`.
  void Send(const TupleSchema& schema, int task,
            const std::vector<std::pair<uint64_t, uint64_t>>& entries) {
    std::string pack;
    for (const auto& [root, value] : entries) AppendAckerEntry(pack, root, value);
    Tuple t;
    SetOrigin(t, &schema, task);
    MutableValues(t) = Values{Value(Bytes{pack})};
    bolt.execute(t);
  }
  UnusedContext context;
  AckerBolt bolt;
  RecordingCollector out;
  TupleSchema init{"spout", kAckInitStreamId, Fields{"pack"}, 1};
  TupleSchema ack{"bolt", kAckAckStreamId, Fields{"pack"}, 2};
  TupleSchema fail{"bolt", kAckFailStreamId, Fields{"pack"}, 3};
};

TEST(AckerCoreTest, APackOfAcksTellsTheSpoutTaskOfEveryTreeItCompletesInOnePack) {
  PackedAcker acker;
  // Three trees from spout task 7, one edge each.
  acker.Send(acker.init, 7, {{0xa1, 0x11}, {0xa2, 0x22}, {0xa3, 0x33}});
  EXPECT_TRUE(acker.out.emits.empty());
  // The bolt acks the first and third; the second gets a new edge.
  acker.Send(acker.ack, 9, {{0xa1, 0x11}, {0xa2, 0x22 ^ 0x44}, {0xa3, 0x33}});
  ASSERT_EQ(acker.out.emits.size(), 1u);
  EXPECT_EQ(acker.out.emits[0].task, 7);
  EXPECT_EQ(acker.out.emits[0].stream, kAckAckStreamId);
  EXPECT_EQ(acker.out.emits[0].roots, (std::vector<uint64_t>{0xa1, 0xa3}));
  // A fail of the second goes on __ack_fail to the spout task of its init.
  acker.Send(acker.fail, 9, {{0xa2, 0}});
  ASSERT_EQ(acker.out.emits.size(), 2u);
  EXPECT_EQ(acker.out.emits[1].task, 7);
  EXPECT_EQ(acker.out.emits[1].stream, kAckFailStreamId);
  EXPECT_EQ(acker.out.emits[1].roots, (std::vector<uint64_t>{0xa2}));
}

TEST(AckerCoreTest, APackDecidingTreesOfTwoSpoutTasksRepliesToEach) {
  PackedAcker acker;
  acker.Send(acker.init, 3, {{0xb1, 0x1}});
  acker.Send(acker.init, 4, {{0xb2, 0x2}, {0xb3, 0x3}});
  acker.Send(acker.ack, 9, {{0xb2, 0x2}, {0xb1, 0x1}, {0xb3, 0x3}});
  ASSERT_EQ(acker.out.emits.size(), 2u);
  std::map<int, std::vector<uint64_t>> by_task;
  for (const auto& e : acker.out.emits) by_task[e.task] = e.roots;
  EXPECT_EQ(by_task[3], (std::vector<uint64_t>{0xb1}));
  EXPECT_EQ(by_task[4], (std::vector<uint64_t>{0xb2, 0xb3}));
}

TEST(AckerCoreTest, AMalformedPackIsRefusedNamingItsStreamAndChangesNothing) {
  PackedAcker acker;
  acker.Send(acker.init, 7, {{0xc1, 0x5}});
  Tuple t;
  SetOrigin(t, &acker.ack, 9);
  std::string pack;
  AppendAckerEntry(pack, 0xc1, 0x5);
  pack.push_back('x');  // 17 bytes
  MutableValues(t) = Values{Value(Bytes{pack})};
  try {
    acker.bolt.execute(t);
    FAIL() << "a 17-byte pack was taken";
  } catch (const StormError& e) {
    EXPECT_NE(std::string(e.what()).find(kAckAckStreamId), std::string::npos) << e.what();
  }
  MutableValues(t) = Values{int64_t{0xc1}, int64_t{0x5}};  // not a pack
  EXPECT_THROW(acker.bolt.execute(t), StormError);
  EXPECT_TRUE(acker.out.emits.empty());
  // The tree is still tracked: a well-formed ack completes it.
  acker.Send(acker.ack, 9, {{0xc1, 0x5}});
  ASSERT_EQ(acker.out.emits.size(), 1u);
  EXPECT_EQ(acker.out.emits[0].roots, (std::vector<uint64_t>{0xc1}));
}

TEST(AckerCoreTest, EveryMessageOfATreeGoesToOneAckerAndTheTreesSpreadOverAll) {
  const std::vector<int> ackers{5, 6, 7};
  IdGenerator random(7);
  RootIdGenerator roots(random);
  std::map<int, int> trees;
  for (int i = 0; i < 3000; ++i) {
    const uint64_t root = roots.Next();
    const int task = AckerTaskFor(root, ackers);
    EXPECT_EQ(AckerTaskFor(root, ackers), task);
    ++trees[task];
  }
  ASSERT_EQ(trees.size(), 3u);
  for (const auto& [task, n] : trees) EXPECT_NEAR(n, 1000, 50) << "acker task " << task;
}

}  // namespace
}  // namespace storm
