// The binary interface between the runtime (worker, CLI, LocalCluster) and
// topology libraries, checked against what was recorded for the current
// kTopologyAbiVersion (include/storm/submitter.h). A library built against
// other SDK headers is refused at load only if the version differs, so a
// change of layout or of the SDK's declarations without a bump would load
// and then corrupt memory.
//
// When a test here fails:
// - if the change alters a type or virtual interface that crosses the
//   library boundary, bump kTopologyAbiVersion;
// - then record what the failure prints into kRecorded below.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "storm/kafka/kafka_bolt.h"
#include "storm/kafka/kafka_spout.h"
#include "storm/kafka/kafka_spout_config.h"
#include "storm/local_cluster.h"
#include "storm/storm.h"
#include "support/build_paths.h"

namespace storm {
namespace {

namespace fs = std::filesystem;

// ---- Recorded for kTopologyAbiVersion 2 ------------------------------------
constexpr uint32_t kRecordedVersion = 3;
constexpr const char* kRecordedLayout = R"(
Bytes size 32 align 8
Value size 40 align 8
Values size 176 align 8
MessageId size 24 align 8
Tuple size 224 align 8
Fields size 24 align 8
Config size 8 align 8
StreamDeclaration size 32 align 8
OutputFieldsDeclarer size 48 align 8
StormTopology size 8 align 8
TopologyBuilder size 56 align 8
SpoutDeclarer size 8 align 8
BoltDeclarer size 8 align 8
BasicOutputCollector size 16 align 8
BasicBoltExecutor size 24 align 8
SpoutOutputCollector size 8 align 8
OutputCollector size 8 align 8
TopologyContext size 16 align 8
ISpout size 8 align 8
IBolt size 8 align 8
IBasicBolt size 8 align 8
StormError size 16 align 8
SubmissionHost size 8 align 8
TopologySummary size 184 align 8
ClusterSummary size 24 align 8
LocalCluster size 8 align 8
kafka::KafkaSpoutConfig size 272 align 8
kafka::KafkaSpout size 288 align 8
kafka::KafkaBolt size 232 align 8
detail::EntryCall size 1056 align 8
detail::EntryCall::host_abi_version offset 0
detail::EntryCall::library_abi_version offset 4
detail::EntryCall::argc offset 8
detail::EntryCall::argv offset 16
detail::EntryCall::host offset 24
detail::EntryCall::error offset 32
StreamDeclaration::fields offset 0
StreamDeclaration::direct offset 24
)";
constexpr uint64_t kRecordedHeaders = 7740198682299198671ULL;
// -----------------------------------------------------------------------------

#define STORM_LAYOUT(T) out << #T << " size " << sizeof(T) << " align " << alignof(T) << "\n"
#define STORM_OFFSET(T, field) out << #T << "::" #field << " offset " << offsetof(T, field) << "\n"

// Every type whose objects one side creates and the other reads.
std::string MeasuredLayout() {
  std::ostringstream out;
  out << "\n";
  STORM_LAYOUT(Bytes);
  STORM_LAYOUT(Value);
  STORM_LAYOUT(Values);
  STORM_LAYOUT(MessageId);
  STORM_LAYOUT(Tuple);
  STORM_LAYOUT(Fields);
  STORM_LAYOUT(Config);
  STORM_LAYOUT(StreamDeclaration);
  STORM_LAYOUT(OutputFieldsDeclarer);
  STORM_LAYOUT(StormTopology);
  STORM_LAYOUT(TopologyBuilder);
  STORM_LAYOUT(SpoutDeclarer);
  STORM_LAYOUT(BoltDeclarer);
  STORM_LAYOUT(BasicOutputCollector);
  STORM_LAYOUT(BasicBoltExecutor);
  STORM_LAYOUT(SpoutOutputCollector);
  STORM_LAYOUT(OutputCollector);
  STORM_LAYOUT(TopologyContext);
  STORM_LAYOUT(ISpout);
  STORM_LAYOUT(IBolt);
  STORM_LAYOUT(IBasicBolt);
  STORM_LAYOUT(StormError);
  STORM_LAYOUT(SubmissionHost);
  STORM_LAYOUT(TopologySummary);
  STORM_LAYOUT(ClusterSummary);
  STORM_LAYOUT(LocalCluster);
  STORM_LAYOUT(kafka::KafkaSpoutConfig);
  STORM_LAYOUT(kafka::KafkaSpout);
  STORM_LAYOUT(kafka::KafkaBolt);
  STORM_LAYOUT(detail::EntryCall);
  STORM_OFFSET(detail::EntryCall, host_abi_version);
  STORM_OFFSET(detail::EntryCall, library_abi_version);
  STORM_OFFSET(detail::EntryCall, argc);
  STORM_OFFSET(detail::EntryCall, argv);
  STORM_OFFSET(detail::EntryCall, host);
  STORM_OFFSET(detail::EntryCall, error);
  STORM_OFFSET(StreamDeclaration, fields);
  STORM_OFFSET(StreamDeclaration, direct);
  return out.str();
}

// The SDK's declarations: every header under include/storm/, without its
// comments and blank space, hashed (FNV-1a). A new virtual method, a
// reordered member or a changed signature changes it; a comment does not.
uint64_t HeadersFingerprint() {
  std::vector<fs::path> headers;
  const fs::path root = fs::path(testing::SourceDir()) / "include" / "storm";
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) headers.push_back(entry.path());
  }
  std::sort(headers.begin(), headers.end());
  uint64_t hash = 1469598103934665603ULL;
  auto mix = [&](char c) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  };
  for (const fs::path& header : headers) {
    for (char c : fs::relative(header, root).generic_string()) mix(c);
    std::istringstream lines(testing::ReadFile(header));
    std::string line;
    while (std::getline(lines, line)) {
      const size_t comment = line.find("//");
      if (comment != std::string::npos) line.erase(comment);
      for (char c : line) {
        if (c != ' ' && c != '\t' && c != '\r') mix(c);
      }
    }
  }
  return hash;
}

TEST(AbiLayoutTest, TheRecordIsForTheCurrentVersion) {
  EXPECT_EQ(kTopologyAbiVersion, kRecordedVersion)
      << "kTopologyAbiVersion was bumped: record the layout and the headers' fingerprint "
         "that the other tests print, for version "
      << kTopologyAbiVersion << ", in tests/unit/sdk/abi_layout_test.cc";
}

TEST(AbiLayoutTest, TheLayoutOfTypesCrossingTheLibraryBoundaryIsTheRecordedOne) {
  EXPECT_EQ(MeasuredLayout(), kRecordedLayout)
      << "the layout of a type crossing the topology library boundary changed: bump "
         "kTopologyAbiVersion (include/storm/submitter.h) and record, as kRecordedLayout:\n"
      << "R\"(" << MeasuredLayout() << ")\"";
}

TEST(AbiLayoutTest, TheSdkHeadersAreTheRecordedOnes) {
  EXPECT_EQ(HeadersFingerprint(), kRecordedHeaders)
      << "the SDK's headers (include/storm/) changed since the record. If a type or virtual "
         "interface crossing the topology library boundary changed, bump kTopologyAbiVersion; "
         "either way record kRecordedHeaders = "
      << HeadersFingerprint() << "ULL";
}

}  // namespace
}  // namespace storm
