#include "worker/grouping.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/topology/topology_layout.h"
#include "storm/component.h"
#include "storm/config.h"
#include "storm/errors.h"
#include "storm/topology_builder.h"
#include "support/declaring_components.h"
#include "worker/router.h"

namespace storm {
namespace {

using testing::DeclaringBoltFactory;
using testing::DeclaringSpoutFactory;
using testing::Streams;

// One spout "words" with a default stream [word, n], a direct stream and a
// side stream, and one bolt per grouping kind. Task ids (components in id
// order, from 1): __acker 1, all 2-4, count 5-8, global 9-11, local 12-15,
// none 16-18, shuffle 19-23, target 24-26, words 27-28.
std::shared_ptr<const TopologyLayout> WordsLayout() {
  const Streams streams = {{"default", {Fields{"word", "n"}, false}},
                           {"direct", {Fields{"word"}, true}},
                           {"side", {Fields{"x"}, false}}};
  const BoltFactory silent = DeclaringBoltFactory();
  TopologyBuilder b;
  b.setSpout("words", DeclaringSpoutFactory(streams), 2);
  b.setBolt("all", silent, 3).allGrouping("words");
  b.setBolt("count", silent, 2).setNumTasks(4).fieldsGrouping("words", Fields{"word"});
  b.setBolt("global", silent, 3).globalGrouping("words");
  b.setBolt("local", silent, 4).localOrShuffleGrouping("words");
  b.setBolt("none", silent, 3).noneGrouping("words");
  b.setBolt("shuffle", silent, 5).shuffleGrouping("words");
  b.setBolt("target", silent, 3).directGrouping("words", "direct");
  return TopologyLayout::Build("words-1", b.createTopology(), Config());
}

// The subscription of `subscriber` to words:`stream`.
const Subscription& SubscriptionOf(const TopologyLayout& layout, const std::string& subscriber,
                                   const std::string& stream = "default") {
  const int index = layout.StreamIndex("words", stream);
  for (const Subscription& sub : layout.Subscribers(index)) {
    if (sub.component == subscriber) return sub;
  }
  ADD_FAILURE() << subscriber << " does not subscribe to words:" << stream;
  static const Subscription kNone;
  return kNone;
}

const Fields kWordFields{"word", "n"};

int ChooseOne(Grouper& g, const Values& values) {
  std::vector<int> out;
  g.Choose(values, out);
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? -1 : out[0];
}

class GroupingTest : public ::testing::Test {
 protected:
  std::unique_ptr<Grouper> Make(const std::string& subscriber, uint64_t seed = 1,
                                const std::vector<int>& worker_tasks = {}) {
    return MakeGrouper(SubscriptionOf(*layout_, subscriber), kWordFields, worker_tasks, seed);
  }
  // Counts of each chosen task over `emits` single-choice emits.
  std::map<int, int> Histogram(Grouper& g, int emits) {
    std::map<int, int> counts;
    for (int i = 0; i < emits; ++i) ++counts[ChooseOne(g, Values{Value("w"), Value(i)})];
    return counts;
  }

  std::shared_ptr<const TopologyLayout> layout_ = WordsLayout();
};

TEST_F(GroupingTest, LayoutGivesTheExpectedTaskIds) {
  // The other tests rely on these ranges.
  EXPECT_EQ(layout_->TasksOf("count"), (std::vector<int>{5, 6, 7, 8}));
  EXPECT_EQ(layout_->TasksOf("local"), (std::vector<int>{12, 13, 14, 15}));
  EXPECT_EQ(layout_->TasksOf("shuffle"), (std::vector<int>{19, 20, 21, 22, 23}));
  EXPECT_EQ(layout_->TasksOf("target"), (std::vector<int>{24, 25, 26}));
  EXPECT_EQ(layout_->TasksOf("words"), (std::vector<int>{27, 28}));
}

// ---- Fields grouping ----

TEST_F(GroupingTest, FieldsGroupingSendsTheSameWordToTheSameTaskEveryTime) {
  auto g = Make("count");
  for (const char* word : {"apple", "banana", "cherry", ""}) {
    const int first = ChooseOne(*g, Values{Value(word), Value(0)});
    for (int n = 1; n < 50; ++n) {
      // Only the grouped field counts: a different `n` does not move the word.
      EXPECT_EQ(ChooseOne(*g, Values{Value(word), Value(n)}), first) << word;
    }
  }
}

TEST_F(GroupingTest, FieldsGroupingIgnoresTheSeedAndTheGrouperInstance) {
  auto a = Make("count", /*seed=*/1, /*worker_tasks=*/{27});
  auto b = Make("count", /*seed=*/0xdeadbeef, /*worker_tasks=*/{5, 6, 28});
  for (int i = 0; i < 500; ++i) {
    const Values v{Value("word" + std::to_string(i)), Value(i)};
    EXPECT_EQ(ChooseOne(*a, v), ChooseOne(*b, v)) << i;
  }
}

TEST_F(GroupingTest, FieldsGroupingSpreadsWordsOverAllTasks) {
  auto g = Make("count");
  std::map<int, int> counts;
  const int words = 4000;
  for (int i = 0; i < words; ++i) {
    ++counts[ChooseOne(*g, Values{Value(std::string("w").append(std::to_string(i))), int64_t{0}})];
  }
  ASSERT_EQ(counts.size(), 4u);
  for (const auto& [task, n] : counts) {
    EXPECT_GE(task, 5);
    EXPECT_LE(task, 8);
    // Expected 1000 each; a decent hash stays well within +-20%.
    EXPECT_GT(n, 800) << "task " << task;
    EXPECT_LT(n, 1200) << "task " << task;
  }
}

// These values are the cross-process contract: every worker of a topology,
// in any process, build or machine, must send a word to the same task, so
// StableHash and the fields grouper's choice must never change silently.
// They were computed once from this implementation; if this test fails the
// hash changed, and workers of different builds would disagree.
TEST_F(GroupingTest, FieldsGroupingChoicesArePinnedAcrossBuilds) {
  EXPECT_EQ(StableHash(Value("storm")), 0x5742702c22566966ULL);
  EXPECT_EQ(StableHash(Value(int64_t{42})), 0x61a9bca9ee1799d4ULL);
  EXPECT_EQ(StableHash(Value(ValueList{Value("a"), Value(true)})), 0x4ea5d0022f61da07ULL);

  auto g = Make("count");
  EXPECT_EQ(ChooseOne(*g, Values{Value("the"), int64_t{0}}), 5);
  EXPECT_EQ(ChooseOne(*g, Values{Value("storm"), int64_t{0}}), 7);
  EXPECT_EQ(ChooseOne(*g, Values{Value("apache"), int64_t{0}}), 5);
  EXPECT_EQ(ChooseOne(*g, Values{Value("word"), int64_t{0}}), 8);
}

TEST_F(GroupingTest, StableHashDependsOnTypeAndSeed) {
  EXPECT_EQ(StableHash(Value("1")), StableHash(Value("1")));
  EXPECT_NE(StableHash(Value("1")), StableHash(Value(int64_t{1})));
  EXPECT_NE(StableHash(Value("ab")), StableHash(Value(Bytes{"ab"})));
  EXPECT_NE(StableHash(Value("x"), 0), StableHash(Value("x"), 1));
}

TEST_F(GroupingTest, FieldsGroupingOnSeveralFieldsUsesEachInTheGroupingsOrder) {
  Subscription sub{"counter", GroupingDef{GroupingKind::kFields, Fields{"b", "a"}},
                   {1, 2, 3, 4, 5, 6, 7, 8}};
  auto g = MakeGrouper(sub, Fields{"a", "b", "c"}, {}, 0);
  // Field c is not grouped on.
  EXPECT_EQ(ChooseOne(*g, Values{1, 2, 3}), ChooseOne(*g, Values{1, 2, 99}));
  // Both a and b matter: over many a for a fixed b, several tasks are hit.
  std::set<int> tasks;
  for (int a = 0; a < 100; ++a) tasks.insert(ChooseOne(*g, Values{a, 7, int64_t{0}}));
  EXPECT_GT(tasks.size(), 1u);
}

TEST_F(GroupingTest, FieldsGroupingThrowsWhenTheTupleLacksTheGroupedValue) {
  auto g = Make("count");
  std::vector<int> out;
  EXPECT_THROW(g->Choose(Values{}, out), StormError);
}

// ---- Shuffle and none ----

TEST_F(GroupingTest, ShuffleGivesEveryTaskExactlyTheSameCount) {
  auto g = Make("shuffle", 12345);
  const std::map<int, int> counts = Histogram(*g, 5 * 200);
  ASSERT_EQ(counts.size(), 5u);
  for (const auto& [task, n] : counts) {
    EXPECT_GE(task, 19);
    EXPECT_LE(task, 23);
    EXPECT_EQ(n, 200) << "task " << task;
  }
}

TEST_F(GroupingTest, ShuffleOrderDependsOnTheSeed) {
  // Emitters with different seeds should not hit the same task in lock step.
  std::set<std::vector<int>> orders;
  for (uint64_t seed = 0; seed < 8; ++seed) {
    auto g = Make("shuffle", seed);
    std::vector<int> order;
    for (int i = 0; i < 5; ++i) order.push_back(ChooseOne(*g, Values{}));
    orders.insert(order);
  }
  EXPECT_GT(orders.size(), 1u);
}

TEST_F(GroupingTest, NoneGroupingPicksOnlySubscribedTasksAndAllOfThem) {
  auto g = Make("none", 3);
  const std::map<int, int> counts = Histogram(*g, 300);
  ASSERT_EQ(counts.size(), 3u);
  for (const auto& [task, n] : counts) {
    EXPECT_GE(task, 16);
    EXPECT_LE(task, 18);
  }
}

// ---- All and global ----

TEST_F(GroupingTest, AllGroupingReachesEveryTask) {
  auto g = Make("all");
  std::vector<int> out;
  g->Choose(Values{Value("w"), 1}, out);
  EXPECT_EQ(out, (std::vector<int>{2, 3, 4}));
}

TEST_F(GroupingTest, GlobalGroupingAlwaysPicksTheLowestTask) {
  auto g = Make("global", 77);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(ChooseOne(*g, Values{Value("w"), i}), 9);
}

// ---- Local or shuffle ----

TEST_F(GroupingTest, LocalOrShufflePrefersTasksOfThisWorker) {
  // This worker runs a spout task and local tasks 13 and 15.
  auto g = Make("local", 5, {1, 13, 15, 27});
  const std::map<int, int> counts = Histogram(*g, 100);
  EXPECT_EQ(counts, (std::map<int, int>{{13, 50}, {15, 50}}));
}

TEST_F(GroupingTest, LocalOrShuffleFallsBackToAllTasksWhenNoneIsLocal) {
  auto g = Make("local", 5, {1, 2, 27, 28});
  const std::map<int, int> counts = Histogram(*g, 400);
  EXPECT_EQ(counts, (std::map<int, int>{{12, 100}, {13, 100}, {14, 100}, {15, 100}}));
}

// ---- Direct ----

TEST_F(GroupingTest, DirectGroupingHasNoGrouper) {
  EXPECT_EQ(MakeGrouper(SubscriptionOf(*layout_, "target", "direct"), Fields{"word"}, {}, 0),
            nullptr);
}

// ---- StreamRouter ----

TEST_F(GroupingTest, RouterEmitDirectToASubscribedTaskReachesOnlyThatTask) {
  StreamRouter router(*layout_, "words", {27}, 1);
  std::vector<int> out;
  router.Route(router.StreamIndex("direct"), Values{Value("w")}, 25, out);
  EXPECT_EQ(out, std::vector<int>{25});
}

TEST_F(GroupingTest, RouterEmitDirectToATaskNotSubscribedThrows) {
  StreamRouter router(*layout_, "words", {27}, 1);
  std::vector<int> out;
  // Task 5 is "count", which subscribes to the default stream but not "direct".
  EXPECT_THROW(router.Route(router.StreamIndex("direct"), Values{Value("w")}, 5, out),
               StormError);
  EXPECT_THROW(router.Route(router.StreamIndex("direct"), Values{Value("w")}, 1000, out),
               StormError);
  EXPECT_TRUE(out.empty());
}

TEST_F(GroupingTest, RouterEmitDirectOnANonDirectStreamThrows) {
  StreamRouter router(*layout_, "words", {27}, 1);
  std::vector<int> out;
  EXPECT_THROW(router.Route(router.default_stream(), Values{Value("w"), 1}, 5, out), StormError);
}

TEST_F(GroupingTest, RouterRegularEmitOnADirectStreamThrows) {
  StreamRouter router(*layout_, "words", {27}, 1);
  std::vector<int> out;
  EXPECT_THROW(router.Route(router.StreamIndex("direct"), Values{Value("w")}, -1, out),
               StormError);
}

TEST_F(GroupingTest, RouterUndeclaredStreamThrowsNamingIt) {
  StreamRouter router(*layout_, "words", {27}, 1);
  try {
    router.StreamIndex("nonexistent");
    FAIL() << "expected a StormError";
  } catch (const StormError& e) {
    EXPECT_NE(std::string(e.what()).find("nonexistent"), std::string::npos) << e.what();
  }
}

TEST_F(GroupingTest, RouterEmitOnAnUndeclaredDefaultStreamThrows) {
  // "count" declares no default stream (only the system ack streams).
  StreamRouter router(*layout_, "count", {5}, 1);
  EXPECT_EQ(router.default_stream(), -1);
  std::vector<int> out;
  EXPECT_THROW(router.Route(router.default_stream(), Values{}, -1, out), StormError);
}

TEST_F(GroupingTest, RouterRegularEmitReachesOneTaskPerSubscriptionAndAllForAllGrouping) {
  StreamRouter router(*layout_, "words", {27}, 1);
  std::vector<int> out;
  router.Route(router.default_stream(), Values{Value("w"), 1}, -1, out);
  // all: 3 tasks; count, global, local, none, shuffle: one each.
  ASSERT_EQ(out.size(), 8u);
  std::multiset<std::string> components;
  for (int task : out) components.insert(*layout_->ComponentOfTask(task));
  EXPECT_EQ(components.count("all"), 3u);
  for (const char* c : {"count", "global", "local", "none", "shuffle"}) {
    EXPECT_EQ(components.count(c), 1u) << c;
  }
  EXPECT_EQ(components.count("target"), 0u);
}

TEST_F(GroupingTest, RouterSendsAcksToTheAckerByRootId) {
  // The acker groups a bolt's __ack_ack by "id", so one root reaches one acker.
  StreamRouter router(*layout_, "count", {5}, 1);
  std::vector<int> out;
  router.Route(router.StreamIndex(kAckAckStreamId), Values{int64_t{99}, int64_t{1}}, -1, out);
  EXPECT_EQ(out, std::vector<int>{1});
}

}  // namespace
}  // namespace storm
