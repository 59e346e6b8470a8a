// Local mode end to end: the word count example's exact counts over a
// finite input, backpressure under a slow bolt, and the clear errors a user
// gets for a bad library, a bad config value and an invalid topology, both
// through the library API and through `storm local`.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "common/topology/topology_library.h"
#include "storm/errors.h"
#include "storm/storm.h"
#include "local/in_process_cluster.h"
#include "support/build_paths.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

namespace storm {
namespace {

namespace fs = std::filesystem;
using testing::BuildDir;
using testing::ReadFile;
using testing::TempDir;
using testing::WaitUntil;

TEST(LocalModeTest, WordCountGivesExactCountsOverAFiniteInput) {
  TempDir dir;
  const std::vector<std::string> vocabulary = {"storm", "tuple", "bolt", "spout", "acker",
                                               "nimbus", "worker", "stream"};
  std::map<std::string, int64_t> expected;
  {
    std::ofstream input(dir / "input.txt");
    for (int line = 0; line < 400; ++line) {
      std::string sentence;
      for (int w = 0; w <= line % 7; ++w) {
        const std::string& word = vocabulary[(line * 31 + w * 17) % vocabulary.size()];
        sentence += (w ? " " : "") + word;
        ++expected[word];
      }
      input << sentence << "\n";
    }
  }
  auto library = TopologyLibrary::Load(BuildDir() + "/examples/libword_count.so");
  auto submissions = library->Run({"word-count"});
  ASSERT_EQ(submissions.size(), 1u);
  Config conf = submissions[0].conf;
  conf.put("wordcount.input.file", (dir / "input.txt").string());
  conf.put("wordcount.output.file", (dir / "counts.txt").string());

  InProcessCluster cluster;
  cluster.SubmitTopology("word-count", conf, submissions[0].topology, library);
  ASSERT_TRUE(WaitUntil([&] { return cluster.Totals("word-count").totals.spout_acked == 400; }));
  TopologyTotals totals = cluster.KillTopology("word-count", 5);
  EXPECT_EQ(totals.totals.spout_failed, 0u);

  std::map<std::string, int64_t> counted;
  std::istringstream lines(ReadFile(dir / "counts.txt"));
  std::string word;
  int64_t count;
  while (lines >> word >> count) counted[word] = count;
  EXPECT_EQ(counted, expected);
}

// Busy for ~20 us per tuple: far slower than the spout.
class SlowBolt : public BaseRichBolt {
 public:
  void prepare(const Config&, TopologyContext&, OutputCollector& collector) override {
    collector_ = &collector;
  }
  void execute(const Tuple& input) override {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(20);
    while (std::chrono::steady_clock::now() < until) {
    }
    collector_->ack(input);
  }
  void declareOutputFields(OutputFieldsDeclarer&) override {}

 private:
  OutputCollector* collector_ = nullptr;
};

class FastSpout : public BaseRichSpout {
 public:
  void open(const Config&, TopologyContext&, SpoutOutputCollector& collector) override {
    collector_ = &collector;
  }
  void nextTuple() override { collector_->emit(Values{int64_t{7}, std::string("payload")}); }
  void declareOutputFields(OutputFieldsDeclarer& d) override { d.declare(Fields{"n", "s"}); }

 private:
  SpoutOutputCollector* collector_ = nullptr;
};

TEST(LocalModeTest, SlowBoltThrottlesTheSpoutAndNothingIsDropped) {
  TopologyBuilder builder;
  builder.setSpout("spout", std::make_shared<FastSpout>());
  builder.setBolt("slow", std::make_shared<SlowBolt>()).shuffleGrouping("spout");
  Config conf;
  conf.setNumWorkers(2).setNumAckers(0);  // no acking: nothing but queues can slow the spout
  conf.put(Config::kTopologyExecutorReceiveBufferSize, 1024);
  conf.put(Config::kTopologyProducerBatchSize, 64);
  InProcessCluster cluster;
  cluster.SubmitTopology("slow", conf, builder.createTopology());

  // Tuples in flight are bounded by what the queues between the spout and
  // the bolt hold: each executor's out- and in-queue (1024 tuples each, as
  // configured), each worker's transfer queue (1000, Storm's default), the
  // frames being built and sent (32 KiB each) and the receiving worker's
  // inbox (512 KiB), where a tuple here takes at least 20 bytes, plus the
  // batches being filled (64 each).
  const uint64_t bound = 4 * 1024 + 2 * 1024 + (2 * 32 * 1024 + 512 * 1024) / 20 + 8 * 64;
  // Sampled while the bolt executes 50,000 tuples (the spout could send
  // millions meanwhile), not for a fixed time.
  uint64_t max_in_flight = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  WorkerTotals sample = cluster.Totals("slow").totals;
  while (sample.executed <= 50000 && std::chrono::steady_clock::now() < deadline) {
    max_in_flight = std::max(max_in_flight, sample.transferred - sample.executed);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the sampling period
    sample = cluster.Totals("slow").totals;
  }
  max_in_flight = std::max(max_in_flight, sample.transferred - sample.executed);
  EXPECT_LE(max_in_flight, bound);
  EXPECT_GT(sample.executed, 50000u)
      << "the bolt executed " << sample.executed << " tuples in 60 s";

  // Deactivated, the spout stops; every tuple it sent is executed.
  cluster.Deactivate("slow");
  ASSERT_TRUE(WaitUntil([&] {
    WorkerTotals t = cluster.Totals("slow").totals;
    return t.transferred == t.executed;
  })) << cluster.Totals("slow").totals.transferred << " sent, "
      << cluster.Totals("slow").totals.executed << " executed";
}

std::string LibPath(const std::string& name) { return BuildDir() + "/tests/libs/lib" + name + ".so"; }

std::string LoadError(const std::string& path, const std::vector<std::string>& args = {}) {
  try {
    TopologyLibrary::Load(path)->Run(args);
  } catch (const LibraryError& e) {
    return e.what();
  }
  return "";
}

TEST(LocalModeTest, BadLibrariesGiveClearErrors) {
  TempDir dir;
  const std::string garbage = dir.Write("garbage.so", "this is not an ELF file");
  EXPECT_NE(LoadError("/nonexistent/libnothing.so").find("no such file"), std::string::npos);
  EXPECT_NE(LoadError(garbage).find("cannot be loaded"), std::string::npos);
  EXPECT_NE(LoadError(LibPath("test_no_entry")).find("has no entry point storm_topology_entry"),
            std::string::npos);
  EXPECT_NE(LoadError(LibPath("test_wrong_abi")).find("built for topology ABI version 99"),
            std::string::npos);
  EXPECT_NE(LoadError(LibPath("test_throwing_main")).find("its main failed: boom"),
            std::string::npos);
}

TEST(LocalModeTest, InvalidTopologiesAreRefusedWithTheReason) {
  auto library = TopologyLibrary::Load(LibPath("test_invalid_topology"));
  const std::map<std::string, std::string> reasons = {
      {"unknown-component", "unknown component 'nowhere'"},
      {"undeclared-stream", "undeclared stream 'other'"},
      {"undeclared-field", "groups on field 'w'"},
      {"zero-parallelism", "parallelism 0"},
  };
  for (const auto& [how, reason] : reasons) {
    auto submissions = library->Run({how});
    InProcessCluster cluster;
    try {
      cluster.SubmitTopology("invalid", submissions[0].conf, submissions[0].topology);
      ADD_FAILURE() << how << " was accepted";
    } catch (const InvalidTopologyError& e) {
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
  }
}

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};

CommandResult RunCommand(const std::string& command_line) {
  TempDir dir;
  const std::string command = command_line + " >" + (dir / "out").string() +
                              " 2>" + (dir / "err").string() + " </dev/null";
  const int rc = std::system(command.c_str());
  return CommandResult{WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, ReadFile(dir / "out"),
                       ReadFile(dir / "err")};
}

CommandResult RunStorm(const std::string& args) {
  return RunCommand(BuildDir() + "/bin/storm " + args);
}

TEST(LocalModeTest, StormLocalRunsWordCountAndPrintsTheSummary) {
  CommandResult r =
      RunStorm("local " + BuildDir() + "/examples/libword_count.so wc --duration 1");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("top words:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("storm local: topology wc ran"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed 0"), std::string::npos) << r.out;
}

TEST(LocalModeTest, StormLocalStopsOnCtrlCAndPrintsTheSummary) {
  // SIGINT after 1.5 s of a 60 s run: the topology stops cleanly, exit 0.
  const std::string command = "timeout --preserve-status -s INT 1.5 " + BuildDir() +
                              "/bin/storm local " + BuildDir() +
                              "/examples/libexclamation.so ex --duration 60";
  CommandResult r = RunCommand(command);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("storm local: topology ex ran "), std::string::npos) << r.out;
}

TEST(LocalModeTest, StormLocalReportsErrorsInOneLine) {
  const std::string wc = BuildDir() + "/examples/libword_count.so";
  // Failures exit 1; command lines that make no sense exit 2.
  const std::vector<std::tuple<std::string, int, std::string>> cases = {
      {"local /nonexistent.so", 1, "storm local: topology library /nonexistent.so: no such file\n"},
      {"local " + LibPath("test_wrong_abi"), 1, "built for topology ABI version 99"},
      {"local " + LibPath("test_invalid_topology"), 1,
       "storm local: invalid topology: bolt 'bolt' subscribes to unknown component 'nowhere'"},
      {"local " + wc + " -c topology.workers=abc --duration 1", 1,
       "config key 'topology.workers': expected a positive integer"},
      // Options may stand before the command too, as in Storm.
      {"-c topology.workers=0 local " + wc, 1,
       "config key 'topology.workers': expected a positive integer"},
      {"--log-level info frobnicate", 2, "storm: unknown command 'frobnicate' (see storm --help)\n"},
      {"local " + wc + " --duration soon", 2,
       "storm local: --local-ttl: expected a number of seconds, got 'soon'\n"},
      {"local " + wc + " --local-ttl", 2, "storm local: option --local-ttl needs a value\n"},
      {"local", 2, "storm local: a topology library (.so) is required\n"},
      {"local --log-level loud " + wc, 2,
       "storm local: --log-level: unknown level 'loud' (trace, debug, info, warn, error, critical "
       "or off)\n"},
  };
  for (const auto& [args, status, message] : cases) {
    CommandResult r = RunStorm(args);
    EXPECT_EQ(r.status, status) << args << " printed: " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << " printed: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": " << r.err;
  }
}

TEST(LocalModeTest, StormLocalHasHelp) {
  CommandResult r = RunStorm("local --help");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("Usage: storm local [OPTIONS] <topology.so> [args...]"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("--local-ttl,--duration SECS"), std::string::npos) << r.out;
  r = RunStorm("--help");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Usage: storm [OPTIONS] <command> [args...]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  local "), std::string::npos) << r.out;
}

// How long `storm local` says topology `name` ran; -1 if it does not say.
double SecondsRan(const std::string& out, const std::string& name) {
  const std::string prefix = "storm local: topology " + name + " ran ";
  const size_t at = out.find(prefix);
  return at == std::string::npos ? -1 : std::stod(out.substr(at + prefix.size()));
}

// The words after the library are its main's (the word count names its
// topology after the first), even when they look like options; storm's own
// options are taken wherever they stand, up to a "--".
TEST(LocalModeTest, StormLocalPassesTheLibrarysArgumentsOnUnchanged) {
  const std::string wc = BuildDir() + "/examples/libword_count.so";
  CommandResult r = RunStorm("local " + wc + " --odd --local-ttl 0.5");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_GE(SecondsRan(r.out, "--odd"), 0.5) << r.out;
  EXPECT_LT(SecondsRan(r.out, "--odd"), 10) << r.out;
  r = RunStorm("local --duration 0.5 " + wc + " -- --local-ttl 60");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_GE(SecondsRan(r.out, "--local-ttl"), 0.5) << r.out;
  EXPECT_LT(SecondsRan(r.out, "--local-ttl"), 10) << "the --local-ttl after '--' reached storm: "
                                                  << r.out;
}

TEST(LocalModeTest, TopologyDebugLogsEveryEmittedTuple) {
  CommandResult r = RunStorm("local " + BuildDir() +
                             "/examples/libexclamation.so ex --duration 0.5 -c topology.debug=true");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("Emitting: word default [\"nathan\"]"), std::string::npos);
  EXPECT_NE(r.err.find("Emitting: exclaim1 default [\"nathan!!!\"]"), std::string::npos);
}

}  // namespace
}  // namespace storm
