// ZooKeeperStorage against a real ZooKeeper server: the StateStorage
// operations, roots, ephemeral nodes, watches on the dispatch thread,
// listeners removed while running, and the failures it must ride out: a
// ZooKeeper stopped and started again, an expired session, and a ZooKeeper
// that is not there at all; and a storage that stops retrying.
//
// Tests that leave ZooKeeper running use AnyZooKeeper() (scripts/test.sh's
// server, or one started for this binary) under a root of their own; those
// that stop it start their own server.
#include "common/state/zookeeper_storage.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/ports.h"
#include "support/test_support.h"
#include "support/watch_event_log.h"
#include "support/zookeeper_server.h"

namespace storm {
namespace {

using namespace std::chrono_literals;
using testing::AnyZooKeeper;
using testing::TestZooKeeperOptions;
using testing::UniqueTestRoot;
using testing::WaitUntil;
using testing::ZooKeeperServer;
using Type = WatchEvent::Type;

using EventLog = storm::testing::WatchEventLog;

// Whether thread `tid` of this process is asleep (state S: waiting on a
// futex, a socket, a timer), read from /proc.
bool ThreadIsAsleep(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t end_of_name = stat.rfind(") ");
  return end_of_name != std::string::npos && stat.size() > end_of_name + 2 &&
         stat[end_of_name + 2] == 'S';
}

std::unique_ptr<ZooKeeperStorage> ConnectShared(const std::string& root) {
  return ZooKeeperStorage::Connect(TestZooKeeperOptions(AnyZooKeeper(), root));
}

// Waits for the watch on `path` to fire: ZooKeeper delivers a session's
// events in order, so events caused before this one have arrived too.
void Barrier(ZooKeeperStorage& storage, EventLog& log, const std::string& path) {
  const int before = log.Count(Type::kDataChanged, path);
  storage.Exists(path, true);
  storage.Set(path, "x");
  ASSERT_TRUE(WaitUntil([&] { return log.Count(Type::kDataChanged, path) > before; }));
}

TEST(ZooKeeperStorageTest, SetGetExistsChildrenAndDelete) {
  auto zk = ConnectShared(UniqueTestRoot());
  EXPECT_FALSE(zk->Get("/a/b").has_value());
  EXPECT_FALSE(zk->Exists("/a"));
  EXPECT_TRUE(zk->Children("/a").empty());

  zk->Set("/a/b/c", "one");  // parents are created
  EXPECT_TRUE(zk->Exists("/a"));
  EXPECT_EQ(zk->Get("/a/b"), "");
  EXPECT_EQ(zk->Get("/a/b/c"), "one");
  zk->Set("/a/b/c", "two");
  EXPECT_EQ(zk->Get("/a/b/c"), "two");
  zk->Set("/a/b/c", "");
  EXPECT_EQ(zk->Get("/a/b/c"), "");

  for (const char* name : {"z", "m", "a2", "a10"}) zk->Set(std::string("/a/") + name, name);
  EXPECT_EQ(zk->Children("/a"), (std::vector<std::string>{"a10", "a2", "b", "m", "z"}));
  EXPECT_EQ(zk->Children("/"), std::vector<std::string>{"a"});

  zk->DeleteRecursive("/a/b");
  EXPECT_FALSE(zk->Exists("/a/b/c"));
  EXPECT_FALSE(zk->Exists("/a/b"));
  EXPECT_EQ(zk->Children("/a"), (std::vector<std::string>{"a10", "a2", "m", "z"}));
  zk->DeleteRecursive("/a/b");  // missing: no error
  zk->DeleteRecursive("/a");
  EXPECT_TRUE(zk->Children("/").empty());
}

TEST(ZooKeeperStorageTest, LargeAndBinaryValuesRoundTrip) {
  auto zk = ConnectShared(UniqueTestRoot());
  std::string big(300 * 1024, '\0');  // larger than the first read buffer
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  zk->Set("/big", big);
  EXPECT_EQ(zk->Get("/big"), big);
  EXPECT_EQ(zk->Get("/big", true), big);
}

TEST(ZooKeeperStorageTest, CreateSequentialNumbersChildrenInOrder) {
  auto zk = ConnectShared(UniqueTestRoot());
  const std::string first = zk->CreateSequential("/errors/topo/e", "1");
  const std::string second = zk->CreateSequential("/errors/topo/e", "2");
  EXPECT_EQ(first, "/errors/topo/e0000000000");
  EXPECT_EQ(second, "/errors/topo/e0000000001");
  EXPECT_EQ(zk->Get(second), "2");
  EXPECT_EQ(zk->Children("/errors/topo"),
            (std::vector<std::string>{"e0000000000", "e0000000001"}));
}

TEST(ZooKeeperStorageTest, RootsKeepStoragesApart) {
  const std::string root = UniqueTestRoot();
  auto outer = ConnectShared(root);
  auto inner = ConnectShared(root + "/inner/");  // trailing slash is dropped
  inner->Set("/x", "in");
  EXPECT_EQ(outer->Get("/inner/x"), "in");
  EXPECT_FALSE(inner->Exists("/inner"));
  EXPECT_EQ(outer->Children("/"), std::vector<std::string>{"inner"});
  EXPECT_THROW(inner->Get("relative"), StateStorageError);
  EXPECT_THROW(inner->Get("/a//b"), StateStorageError);
}

TEST(ZooKeeperStorageTest, EphemeralNodeVanishesWithItsStorage) {
  const std::string root = UniqueTestRoot();
  auto observer = ConnectShared(root);
  auto owner = ConnectShared(root);
  owner->Set("/supervisors/s1", "alive", NodeMode::kEphemeral);
  owner->Set("/supervisors/s1", "still alive", NodeMode::kEphemeral);
  owner->Set("/kept", "persistent");
  EXPECT_EQ(observer->Get("/supervisors/s1"), "still alive");
  owner.reset();
  EXPECT_FALSE(observer->Exists("/supervisors/s1"));  // the close is synchronous
  EXPECT_EQ(observer->Get("/kept"), "persistent");
}

TEST(ZooKeeperStorageTest, WatchesFireOnceOnTheDispatchThread) {
  auto zk = ConnectShared(UniqueTestRoot());
  EventLog log;
  std::atomic<bool> read_inside{false};
  zk->AddListener([&](const WatchEvent& event) {
    log.Add(event);
    // A listener may call the storage (the C client's thread could not).
    if (event.path == "/data") read_inside = zk->Get("/data").has_value();
  });

  zk->Set("/data", "v1");
  EXPECT_EQ(zk->Get("/data", true), "v1");
  zk->Set("/data", "v2");
  zk->Set("/data", "v3");  // the watch was used up by v2
  EXPECT_TRUE(zk->Children("/parent", true).empty());  // missing: fires on creation
  EXPECT_FALSE(zk->Exists("/later", true));
  zk->Set("/parent/child", "");
  zk->Set("/later", "");
  EXPECT_EQ(zk->Children("/parent", true), std::vector<std::string>{"child"});
  zk->Set("/parent/child2", "");
  EXPECT_EQ(zk->Get("/later", true), "");
  EXPECT_FALSE(zk->Get("/missing", true).has_value());
  zk->Set("/missing", "now");
  zk->DeleteRecursive("/later");
  Barrier(*zk, log, "/barrier");

  EXPECT_EQ(log.Count(Type::kDataChanged, "/data"), 1);
  EXPECT_TRUE(read_inside);
  EXPECT_EQ(log.Count(Type::kChildrenChanged, "/parent"), 2);  // creation, then child2
  EXPECT_EQ(log.Count(Type::kDataChanged, "/later"), 1);
  EXPECT_EQ(log.Count(Type::kNodeDeleted, "/later"), 1);
  EXPECT_EQ(log.Count(Type::kDataChanged, "/missing"), 1);
  const std::vector<std::thread::id> threads = log.threads();
  ASSERT_FALSE(threads.empty());
  for (std::thread::id id : threads) {
    EXPECT_EQ(id, threads.front());
    EXPECT_NE(id, std::this_thread::get_id());
  }
}

TEST(ZooKeeperStorageTest, RemovedListenerIsNotCalledAfterRemoveReturns) {
  auto zk = ConnectShared(UniqueTestRoot());
  std::atomic<bool> in_listener{false};
  std::atomic<bool> release{false};
  std::atomic<int> calls_after_remove{0};
  std::atomic<bool> removed{false};
  const int slow = zk->AddListener([&](const WatchEvent&) {
    if (removed) ++calls_after_remove;
    in_listener = true;
    while (!release) std::this_thread::sleep_for(1ms);  // held until the test releases it
  });
  // A listener that removes itself from inside its call: no deadlock.
  std::atomic<int> self_calls{0};
  int self = 0;
  self = zk->AddListener([&](const WatchEvent&) {
    ++self_calls;
    zk->RemoveListener(self);
  });

  zk->Exists("/n", true);
  zk->Set("/n", "");
  ASSERT_TRUE(WaitUntil([&] { return in_listener.load(); }));
  // RemoveListener waits for the call in progress: the remover is seen
  // asleep in it (nothing else in the remover can sleep) and has not
  // returned. A RemoveListener that did not wait would return at once.
  std::atomic<pid_t> remover_tid{0};
  std::thread remover([&] {
    remover_tid = static_cast<pid_t>(::syscall(SYS_gettid));
    zk->RemoveListener(slow);
    removed = true;
  });
  ASSERT_TRUE(
      WaitUntil([&] { return removed || (remover_tid != 0 && ThreadIsAsleep(remover_tid)); }));
  EXPECT_FALSE(removed) << "RemoveListener returned while the listener was still running";
  release = true;
  remover.join();

  EventLog log;
  zk->AddListener([&](const WatchEvent& e) { log.Add(e); });
  zk->Exists("/n", true);
  zk->Set("/n", "again");
  Barrier(*zk, log, "/barrier");
  EXPECT_EQ(calls_after_remove, 0);
  EXPECT_EQ(self_calls, 1);
}

TEST(ZooKeeperStorageTest, RidesOutZooKeeperRestart) {
  ZooKeeperServer server;
  auto zk = ZooKeeperStorage::Connect(TestZooKeeperOptions(server, "/storm"));
  auto observer = ZooKeeperStorage::Connect(TestZooKeeperOptions(server, "/storm"));
  zk->Set("/supervisors/s1", "alive", NodeMode::kEphemeral);
  zk->Set("/storms/t", "v1");
  const int64_t session = zk->SessionIdForTest();
  EventLog log;
  zk->AddListener([&](const WatchEvent& e) { log.Add(e); });
  EXPECT_EQ(zk->Get("/storms/t", true), "v1");

  server.Stop();
  std::optional<std::string> read;
  std::thread reader([&] { read = zk->Get("/storms/t"); });
  std::thread writer([&] { zk->Set("/storms/u", "written during the outage"); });
  std::this_thread::sleep_for(2500ms);  // the outage lasts: the calls wait for ZooKeeper
  server.Start();  // from this thread: the server dies with the thread that starts it
  reader.join();
  writer.join();

  EXPECT_EQ(read, "v1");
  EXPECT_EQ(zk->Get("/storms/u"), "written during the outage");
  EXPECT_EQ(zk->SessionIdForTest(), session);  // the session survived
  EXPECT_EQ(observer->Get("/supervisors/s1"), "alive");
  observer->Set("/storms/t", "v2");  // the watch set before the outage still fires
  EXPECT_TRUE(WaitUntil([&] { return log.Count(Type::kDataChanged, "/storms/t") == 1; }));
  EXPECT_EQ(log.Count(Type::kSessionRestored), 0);
}

TEST(ZooKeeperStorageTest, GivesUpWhenZooKeeperStaysAwayAndRecoversAfter) {
  ZooKeeperServer server;
  ZooKeeperOptions options = TestZooKeeperOptions(server, "/storm");
  options.retry_times = 2;  // back-off 0.1 + 0.2 s
  options.retry_interval_ms = 100;
  options.retry_ceiling_ms = 200;
  options.connection_timeout_ms = 1000;
  auto zk = ZooKeeperStorage::Connect(options);
  zk->Set("/x", "v");

  server.Stop();
  const auto start = std::chrono::steady_clock::now();
  try {
    zk->Get("/x");
    FAIL() << "Get succeeded without a server";
  } catch (const StateStorageError& e) {
    EXPECT_NE(std::string(e.what()).find("get /storm/x failed after 3 attempts"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(zk->Set("/y", ""), StateStorageError);
  EXPECT_THROW(zk->CreateSequential("/q/e", ""), StateStorageError);  // waits 1 s at most
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);

  server.Start();
  EXPECT_TRUE(WaitUntil([&] {
    try {
      return zk->Get("/x") == "v";
    } catch (const StateStorageError&) {
      return false;
    }
  }));
  EXPECT_EQ(zk->CreateSequential("/q/e", ""), "/q/e0000000000");
}

// What a stopping daemon does, so that a lost ZooKeeper does not hold its
// stop up for the retries' whole back-off (31 s here).
TEST(ZooKeeperStorageTest, StopRetryingEndsTheWaitForALostZooKeeper) {
  ZooKeeperServer server;
  ZooKeeperOptions options = TestZooKeeperOptions(server, "/storm");
  options.retry_times = 5;  // back-off 1 + 2 + 4 + 8 + 16 s
  options.retry_interval_ms = 1000;
  options.retry_ceiling_ms = 30000;
  auto zk = ZooKeeperStorage::Connect(options);
  zk->StopRetrying();
  zk->Set("/x", "v");  // calls that reach the server still work
  EXPECT_EQ(zk->Get("/x"), "v");

  auto waiting = ZooKeeperStorage::Connect(options);
  server.Stop();
  auto call = std::async(std::launch::async, [&] { return waiting->Get("/x"); });
  ASSERT_EQ(call.wait_for(300ms), std::future_status::timeout) << "no retries at all";
  waiting->StopRetrying();
  ASSERT_EQ(call.wait_for(10s), std::future_status::ready)
      << "still waiting for ZooKeeper after StopRetrying";
  try {
    call.get();
    FAIL() << "Get succeeded without a server";
  } catch (const StateStorageError& e) {
    EXPECT_NE(std::string(e.what()).find("no more retries: stopping"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(waiting->Set("/y", ""), StateStorageError);  // at once, too
  EXPECT_THROW(zk->Get("/x"), StateStorageError);
}

TEST(ZooKeeperStorageTest, ExpiredSessionIsReplacedAndEphemeralNodesRecreated) {
  const std::string root = UniqueTestRoot();
  auto zk = ConnectShared(root);
  auto observer = ConnectShared(root);
  EventLog log;
  zk->AddListener([&](const WatchEvent& e) { log.Add(e); });
  zk->Set("/supervisors/s1", "first", NodeMode::kEphemeral);
  zk->Set("/supervisors/s1", "last", NodeMode::kEphemeral);
  zk->Set("/supervisors/gone", "", NodeMode::kEphemeral);
  zk->DeleteRecursive("/supervisors/gone");  // not wanted any more
  const int64_t old_session = zk->SessionIdForTest();

  zk->ExpireSessionForTest();
  ASSERT_TRUE(WaitUntil([&] { return log.Count(Type::kSessionRestored) == 1; }, 15s));
  EXPECT_NE(zk->SessionIdForTest(), old_session);
  EXPECT_EQ(observer->Get("/supervisors/s1"), "last");
  EXPECT_FALSE(observer->Exists("/supervisors/gone"));
  // The new session works and owns the node: it goes when zk closes.
  zk->Set("/supervisors/s1", "after", NodeMode::kEphemeral);
  EXPECT_EQ(observer->Get("/supervisors/s1"), "after");
  zk.reset();
  EXPECT_FALSE(observer->Exists("/supervisors/s1"));
}

// The fencing a leader relies on: a guarded write lands only while the
// guard (its lock node, ephemeral sequential) exists; after the session that
// made it expires, the same storage's writes are refused in the new session,
// and the lock node is not re-created (unlike Set(kEphemeral) nodes).
TEST(ZooKeeperStorageTest, GuardedWritesAreRefusedOnceTheGuardsSessionExpired) {
  const std::string root = UniqueTestRoot();
  auto zk = ConnectShared(root);
  auto observer = ConnectShared(root);
  const std::string lock = zk->CreateEphemeralSequential("/leader-lock/n-latch-", "me:1");
  EXPECT_EQ(lock, "/leader-lock/n-latch-0000000000");
  EXPECT_EQ(observer->Get(lock), "me:1");

  zk->SetGuarded(lock, "/assignments/t", "a1");  // created, parents too
  zk->SetGuarded(lock, "/assignments/t", "a2");  // set
  EXPECT_EQ(observer->Get("/assignments/t"), "a2");
  zk->Set("/storms/gone", "");
  zk->DeleteGuarded(lock, "/storms/gone");
  zk->DeleteGuarded(lock, "/storms/never");  // missing: no error
  EXPECT_FALSE(observer->Exists("/storms/gone"));

  zk->ExpireSessionForTest();
  EXPECT_FALSE(observer->Exists(lock));
  EXPECT_THROW(zk->SetGuarded(lock, "/assignments/t", "stale"), GuardLostError);
  EXPECT_THROW(zk->SetGuarded(lock, "/assignments/new", "stale"), GuardLostError);
  observer->Set("/storms/kept", "");
  EXPECT_THROW(zk->DeleteGuarded(lock, "/storms/kept"), GuardLostError);
  EXPECT_EQ(observer->Get("/assignments/t"), "a2");
  EXPECT_FALSE(observer->Exists("/assignments/new"));
  EXPECT_TRUE(observer->Exists("/storms/kept"));
  EXPECT_FALSE(observer->Exists(lock));  // not re-created in the new session

  // A new lock node of the new session guards again, and dies with it.
  const std::string again = zk->CreateEphemeralSequential("/leader-lock/n-latch-", "me:1");
  EXPECT_EQ(again, "/leader-lock/n-latch-0000000001");
  zk->SetGuarded(again, "/assignments/t", "a3");
  EXPECT_EQ(observer->Get("/assignments/t"), "a3");
  zk.reset();
  EXPECT_FALSE(observer->Exists(again));
}

TEST(ZooKeeperStorageTest, CallsDuringAnExpiryWaitForTheNewSession) {
  const std::string root = UniqueTestRoot();
  auto zk = ConnectShared(root);
  zk->Set("/x", "v");
  zk->ExpireSessionForTest();
  // No waiting: whichever of this call and the dispatch thread meets the
  // expired session first replaces it.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(zk->Get("/x"), "v");
    zk->Set("/e", std::to_string(i), NodeMode::kEphemeral);
    std::this_thread::sleep_for(20ms);  // pacing: the calls spread over the replacement
  }
  EXPECT_EQ(zk->Get("/e"), "19");
}

TEST(ZooKeeperStorageTest, UnreachableZooKeeperIsAClearErrorWithinTheTimeout) {
  const testing::RefusingPort refusing;  // held, nobody listens there
  const int port = refusing.port();
  ZooKeeperOptions options = TestZooKeeperOptions("127.0.0.1:" + std::to_string(port), "/s");
  options.connection_timeout_ms = 1500;
  const auto start = std::chrono::steady_clock::now();
  try {
    ZooKeeperStorage::Connect(options);
    FAIL() << "Connect succeeded without a server";
  } catch (const StateStorageError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot reach ZooKeeper at 127.0.0.1:" +
                                         std::to_string(port)),
              std::string::npos)
        << e.what();
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 1400ms);
  EXPECT_LT(took, 4000ms);
}

TEST(ZooKeeperStorageTest, OptionsComeFromStormConfig) {
  Config conf;
  conf.put(Config::kStormZookeeperServers, std::vector<std::string>{"zk1", "zk2:2182"});
  conf.put(Config::kStormZookeeperPort, 2281);
  conf.put("storm.zookeeper.retry.times", 7);
  const ZooKeeperOptions options = ZooKeeperOptionsFromConfig(conf);
  EXPECT_EQ(options.servers, (std::vector<std::string>{"zk1", "zk2:2182"}));
  EXPECT_EQ(options.port, 2281);
  EXPECT_EQ(options.retry_times, 7);
  EXPECT_EQ(options.root, "/storm");  // defaults for the rest
  EXPECT_EQ(options.session_timeout_ms, 20000);
  EXPECT_EQ(options.connection_timeout_ms, 15000);
  EXPECT_EQ(options.retry_interval_ms, 1000);
  EXPECT_EQ(options.retry_ceiling_ms, 30000);
}

}  // namespace
}  // namespace storm
