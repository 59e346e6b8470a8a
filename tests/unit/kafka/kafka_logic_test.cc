// The Kafka spout's pure logic, without Kafka: which offsets may be
// committed, when failed tuples are retried and given up, how partitions are
// dealt to tasks, and the options a KafkaSpoutConfig or KafkaBolt refuses.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>

#include "kafka/offset_manager.h"
#include "kafka/partition_assignment.h"
#include "kafka/retry_schedule.h"
#include "storm/errors.h"
#include "storm/kafka/kafka_bolt.h"
#include "storm/kafka/kafka_spout_config.h"

namespace storm::kafka {
namespace {

TEST(OffsetManagerTest, CommitsOnlyUpToTheFirstPendingOffset) {
  OffsetManager m(10);
  EXPECT_EQ(m.NextCommitOffset(), std::nullopt);
  for (int64_t o = 10; o < 15; ++o) m.AddEmitted(o);
  EXPECT_EQ(m.numUncommitted(), 5);
  EXPECT_TRUE(m.AddAcked(11));
  EXPECT_TRUE(m.AddAcked(12));
  EXPECT_EQ(m.NextCommitOffset(), std::nullopt);  // 10 still pending
  EXPECT_TRUE(m.AddAcked(10));
  EXPECT_EQ(m.NextCommitOffset(), 13);
  m.Commit(13);
  EXPECT_EQ(m.committed(), 13);
  EXPECT_EQ(m.numUncommitted(), 2);
  EXPECT_TRUE(m.IsEmittedOrCommitted(12));
  EXPECT_FALSE(m.AddAcked(12));  // already committed
  EXPECT_TRUE(m.AddAcked(14));
  EXPECT_EQ(m.NextCommitOffset(), std::nullopt);
  EXPECT_TRUE(m.AddAcked(13));
  EXPECT_EQ(m.NextCommitOffset(), 15);
}

TEST(OffsetManagerTest, PassesOverGapsButNotOverPendingOffsets) {
  OffsetManager m(0);
  m.AddEmitted(2);  // 0 and 1 compacted away
  m.AddEmitted(5);  // 3 and 4 too
  m.AddEmitted(6);
  EXPECT_FALSE(m.IsEmittedOrCommitted(3));
  EXPECT_FALSE(m.AddAcked(3));  // never emitted
  m.AddAcked(5);
  EXPECT_EQ(m.NextCommitOffset(), 2);  // past the gap, not past pending 2
  m.AddAcked(2);
  EXPECT_EQ(m.NextCommitOffset(), 6);  // 6 pending
  m.AddAcked(6);
  EXPECT_EQ(m.NextCommitOffset(), 7);
}

TEST(OffsetManagerTest, AFailedOffsetHoldsCommitsBackUntilDone) {
  OffsetManager m(100);
  for (int64_t o = 100; o < 200; ++o) m.AddEmitted(o);
  for (int64_t o = 100; o < 200; ++o) {
    if (o != 150) m.AddAcked(o);
  }
  EXPECT_EQ(m.NextCommitOffset(), 150);
  m.Commit(150);
  m.AddEmitted(150);  // the retry: nothing changes
  EXPECT_EQ(m.numUncommitted(), 50);
  EXPECT_FALSE(m.IsDone(150));
  m.AddAcked(150);
  EXPECT_EQ(m.NextCommitOffset(), 200);
}

TEST(RetryScheduleTest, BacksOffExponentiallyUpToTheMaximumDelay) {
  RetrySchedule s(KafkaSpoutRetryExponentialBackoff(/*initial*/ 10, /*period*/ 20,
                                                    /*retries*/ 100, /*max delay*/ 1000));
  EXPECT_EQ(s.DelayMs(1), 10);
  EXPECT_EQ(s.DelayMs(2), 40);
  EXPECT_EQ(s.DelayMs(3), 80);
  EXPECT_EQ(s.DelayMs(4), 160);
  EXPECT_EQ(s.DelayMs(6), 640);
  EXPECT_EQ(s.DelayMs(7), 1000);
  EXPECT_EQ(s.DelayMs(1000), 1000);  // no overflow
}

TEST(RetryScheduleTest, SchedulesRetriesAndGivesUpAfterTheLimit) {
  RetrySchedule s(KafkaSpoutRetryExponentialBackoff(100, 100, /*retries*/ 2, 10'000));
  const uint64_t a = PackMessageId(1, 7);
  int64_t now = 1'000;
  ASSERT_TRUE(s.Schedule(a, now));  // first failure: due at 1100
  EXPECT_TRUE(s.IsScheduled(a));
  EXPECT_FALSE(s.IsReady(a, now + 99));
  EXPECT_TRUE(s.IsReady(a, now + 100));
  EXPECT_EQ(s.Ready(now + 100), std::vector<uint64_t>{a});
  s.Retrying(a);
  EXPECT_FALSE(s.IsScheduled(a));
  EXPECT_EQ(s.Fails(a), 1);
  now += 500;
  ASSERT_TRUE(s.Schedule(a, now));  // second failure: 100 * 2^1
  EXPECT_FALSE(s.IsReady(a, now + 199));
  EXPECT_TRUE(s.IsReady(a, now + 200));
  s.Retrying(a);
  EXPECT_FALSE(s.Schedule(a, now + 1000));  // third failure: more than 2 retries
  EXPECT_FALSE(s.IsScheduled(a));
  EXPECT_EQ(s.Fails(a), 0);
}

TEST(RetryScheduleTest, ListsDueKeysPerPartitionInOffsetOrderAndForgetsAPartition) {
  RetrySchedule s(KafkaSpoutRetryExponentialBackoff(0, 0, 10, 0));
  for (int64_t o : {9, 3, 5}) s.Schedule(PackMessageId(2, o), 0);
  s.Schedule(PackMessageId(1, 8), 0);
  EXPECT_EQ(s.Ready(0), (std::vector<uint64_t>{PackMessageId(1, 8), PackMessageId(2, 3),
                                               PackMessageId(2, 5), PackMessageId(2, 9)}));
  s.ForgetRange(PackMessageId(2, 0), PackMessageId(2, (int64_t{1} << kOffsetBits) - 1));
  EXPECT_EQ(s.Ready(0), std::vector<uint64_t>{PackMessageId(1, 8)});
  s.Forget(PackMessageId(1, 8));
  EXPECT_EQ(s.size(), 0u);
}

TEST(MessageIdTest, PacksSlotAndOffsetIntoAPositiveInt64) {
  const uint64_t id = PackMessageId(kMaxSlot, (int64_t{1} << 47) + 5);
  EXPECT_GT(static_cast<int64_t>(id), 0);
  EXPECT_EQ(SlotOf(id), kMaxSlot);
  EXPECT_EQ(OffsetOf(id), (int64_t{1} << 47) + 5);
}

std::vector<TopicPartition> Partitions(const std::string& topic, int n) {
  std::vector<TopicPartition> out;
  for (int p = n - 1; p >= 0; --p) out.push_back({topic, p});  // unsorted on purpose
  return out;
}

TEST(PartitionAssignmentTest, DealsSortedPartitionsRoundRobinWithoutOverlap) {
  auto all = Partitions("b", 4);
  auto more = Partitions("a", 3);
  all.insert(all.end(), more.begin(), more.end());
  std::set<TopicPartition> seen;
  size_t total = 0;
  for (int task = 0; task < 3; ++task) {
    auto mine = AssignPartitions(all, task, 3);
    EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end()));
    EXPECT_GE(mine.size(), 2u);
    total += mine.size();
    seen.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(total, 7u);
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(AssignPartitions(all, 0, 3),
            (std::vector<TopicPartition>{{"a", 0}, {"b", 0}, {"b", 3}}));
}

TEST(PartitionAssignmentTest, TwoTasksShareFourPartitionsAndFollowAGrowth) {
  EXPECT_EQ(AssignPartitions(Partitions("t", 4), 0, 2),
            (std::vector<TopicPartition>{{"t", 0}, {"t", 2}}));
  EXPECT_EQ(AssignPartitions(Partitions("t", 4), 1, 2),
            (std::vector<TopicPartition>{{"t", 1}, {"t", 3}}));
  EXPECT_EQ(AssignPartitions(Partitions("t", 5), 0, 2),
            (std::vector<TopicPartition>{{"t", 0}, {"t", 2}, {"t", 4}}));
  EXPECT_TRUE(AssignPartitions(Partitions("t", 1), 1, 2).empty());  // more tasks than partitions
}

std::string BuildError(const std::function<void()>& build) {
  try {
    build();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(KafkaSpoutConfigTest, DefaultsAreStormKafkaClients) {
  KafkaSpoutConfig c = KafkaSpoutConfig::builder("h:9092", {"t"}).build();
  EXPECT_EQ(c.firstPollOffsetStrategy(), FirstPollOffsetStrategy::UNCOMMITTED_EARLIEST);
  EXPECT_EQ(c.processingGuarantee(), ProcessingGuarantee::AT_LEAST_ONCE);
  EXPECT_EQ(c.offsetCommitPeriodMs(), 30'000);
  EXPECT_EQ(c.maxUncommittedOffsets(), 10'000'000);
  EXPECT_EQ(c.translator().fields(), (Fields{"topic", "partition", "offset", "key", "value"}));
  EXPECT_EQ(ParseProcessingGuarantee("AT_MOST_ONCE"), ProcessingGuarantee::AT_MOST_ONCE);
  EXPECT_EQ(ParseFirstPollOffsetStrategy("LATEST"), FirstPollOffsetStrategy::LATEST);
}

TEST(KafkaSpoutConfigTest, BadOptionsAreRefusedNamingTheOption) {
  EXPECT_NE(BuildError([] { KafkaSpoutConfig::builder("h:9092", {}).build(); }).find("no topics"),
            std::string::npos);
  EXPECT_NE(BuildError([] {
              KafkaSpoutConfig::builderWithPattern("h:9092", "topic[").build();
            }).find("topic pattern 'topic[' is not a regular expression"),
            std::string::npos);
  EXPECT_NE(BuildError([] {
              KafkaSpoutConfig::builder("h:9092", {"t"}).setMaxUncommittedOffsets(0).build();
            }).find("max.uncommitted.offsets must be at least 1, got 0"),
            std::string::npos);
  EXPECT_NE(BuildError([] {
              KafkaSpoutConfig::builder("h:9092", {"t"}).setOffsetCommitPeriodMs(-5).build();
            }).find("offset.commit.period.ms"),
            std::string::npos);
  EXPECT_NE(
      BuildError([] {
        KafkaSpoutConfig::builder("h:9092", {"t"}).setProp("fetch.wait.max.ms", "soon").build();
      }).find("property 'fetch.wait.max.ms' = 'soon'"),
      std::string::npos);
  EXPECT_NE(BuildError([] {
              KafkaSpoutConfig::builder("h:9092", {"t"}).setProp("no.such.thing", "1").build();
            }).find("property 'no.such.thing'"),
            std::string::npos);
  EXPECT_NE(BuildError([] {
              ParseProcessingGuarantee("EXACTLY_ONCE");
            }).find("unknown processing guarantee 'EXACTLY_ONCE'"),
            std::string::npos);
  EXPECT_NE(BuildError([] {
              KafkaBolt().withProducerProperty("acks", "several");
            }).find("kafka bolt: property 'acks' = 'several'"),
            std::string::npos);
  EXPECT_NE(BuildError([] { KafkaBolt().withTopic(""); }).find("empty topic"), std::string::npos);
}

}  // namespace
}  // namespace storm::kafka
