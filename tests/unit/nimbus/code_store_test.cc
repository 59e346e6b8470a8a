// Nimbus's code store on a temp dir: chunked uploads bounded in size,
// installs into stormdist/<id>/, expiry of idle uploads on a ManualClock,
// clean-up at start, and chunked downloads that never leave stormdist.
#include "nimbus/code_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/util/clock.h"
#include "storm/errors.h"
#include "support/build_paths.h"
#include "support/temp_dir.h"

namespace storm {
namespace {

namespace fs = std::filesystem;
using storm::testing::ReadFile;
using storm::testing::TempDir;

constexpr int64_t kMaxBytes = 1000;
constexpr int64_t kExpirySecs = 60;

std::vector<std::string> FilesIn(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  return out;
}

// Bytes that are not all alike, so that a chunk out of order would show.
std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return s;
}

template <class F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const StormError& e) {
    return e.what();
  }
  return "(no error)";
}

class CodeStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<CodeStore> NewStore() {
    return std::make_unique<CodeStore>((dir_ / "nimbus").string(), kMaxBytes, kExpirySecs, &clock_);
  }
  std::string Upload(const std::string& bytes, size_t chunk) {
    std::string location = store_->BeginUpload();
    for (size_t i = 0; i < bytes.size(); i += chunk) store_->UploadChunk(location, bytes.substr(i, chunk));
    store_->FinishUpload(location);
    return location;
  }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<CodeStore> store_ = NewStore();
};

TEST_F(CodeStoreTest, MakesItsDirectories) {
  EXPECT_TRUE(fs::is_directory(store_->inbox_dir()));
  EXPECT_TRUE(fs::is_directory(store_->stormdist_dir()));
  EXPECT_EQ(fs::path(store_->inbox_dir()), dir_ / "nimbus" / "inbox");
  EXPECT_EQ(fs::path(store_->stormdist_dir()), dir_ / "nimbus" / "stormdist");
  EXPECT_TRUE(store_->InstalledIds().empty());
}

TEST_F(CodeStoreTest, UploadInChunksThenInstall) {
  const std::string library = Pattern(900);
  const std::string location = store_->BeginUpload();
  EXPECT_EQ(fs::path(location).parent_path(), fs::path(store_->inbox_dir()));
  EXPECT_FALSE(store_->IsFinishedUpload(location));
  for (size_t i = 0; i < library.size(); i += 128) store_->UploadChunk(location, library.substr(i, 128));
  store_->FinishUpload(location);
  EXPECT_TRUE(store_->IsFinishedUpload(location));
  EXPECT_EQ(ReadFile(location), library);
  // A finished upload takes no more chunks and cannot be finished twice.
  EXPECT_THROW(store_->UploadChunk(location, "x"), StormError);
  EXPECT_THROW(store_->FinishUpload(location), StormError);

  store_->Install("words-1-100", location, "TOPOLOGY", R"({"topology.workers":2})");
  const fs::path dir = store_->TopologyDir("words-1-100");
  EXPECT_EQ(dir, fs::path(store_->stormdist_dir()) / "words-1-100");
  EXPECT_EQ(ReadFile(dir / CodeStore::kLibraryFile), library);
  EXPECT_EQ(ReadFile(dir / "stormcode.ser"), "TOPOLOGY");
  EXPECT_EQ(ReadFile(dir / "stormconf.ser"), R"({"topology.workers":2})");
  EXPECT_EQ(store_->ReadTopology("words-1-100"), "TOPOLOGY");
  EXPECT_EQ(store_->ReadConf("words-1-100"), R"({"topology.workers":2})");
  EXPECT_FALSE(fs::exists(location));  // moved, not copied
  EXPECT_FALSE(store_->IsFinishedUpload(location));
  EXPECT_TRUE(store_->Has("words-1-100"));
  EXPECT_FALSE(store_->Has("other"));
  EXPECT_EQ(store_->InstalledIds(), std::vector<std::string>{"words-1-100"});
  EXPECT_TRUE(FilesIn(store_->inbox_dir()).empty());
  // Nothing half-installed is left.
  EXPECT_EQ(FilesIn(store_->stormdist_dir()), std::vector<std::string>{"words-1-100"});

  store_->Remove("words-1-100");
  EXPECT_FALSE(store_->Has("words-1-100"));
  EXPECT_TRUE(store_->InstalledIds().empty());
}

TEST_F(CodeStoreTest, InstallWithoutALibraryAsInLocalMode) {
  store_->Install("t-1-1", "", "T", "{}");
  EXPECT_TRUE(store_->Has("t-1-1"));
  EXPECT_FALSE(fs::exists(fs::path(store_->TopologyDir("t-1-1")) / CodeStore::kLibraryFile));
  EXPECT_EQ(store_->ReadTopology("t-1-1"), "T");
}

TEST_F(CodeStoreTest, InstallRefusesAnUnfinishedOrUnknownUpload) {
  const std::string location = store_->BeginUpload();
  store_->UploadChunk(location, "abc");
  EXPECT_THROW(store_->Install("t-1-1", location, "T", "{}"), StormError);
  EXPECT_THROW(store_->Install("t-1-1", store_->inbox_dir() + "/nothing.so", "T", "{}"), StormError);
  EXPECT_FALSE(store_->Has("t-1-1"));
  EXPECT_EQ(FilesIn(store_->stormdist_dir()).size(), 0u);
  // The upload in progress is untouched and can still be finished.
  store_->UploadChunk(location, "def");
  store_->FinishUpload(location);
  store_->Install("t-1-1", location, "T", "{}");
  EXPECT_EQ(ReadFile(fs::path(store_->TopologyDir("t-1-1")) / CodeStore::kLibraryFile), "abcdef");
}

TEST_F(CodeStoreTest, TopologyIdsThatClimbOutAreRefused) {
  for (const std::string id : {"", ".", "..", "../x", "a/b"}) {
    EXPECT_THROW(store_->Install(id, "", "T", "{}"), StormError) << id;
    EXPECT_THROW(store_->TopologyDir(id), StormError) << id;
    EXPECT_THROW(store_->Remove(id), StormError) << id;
  }
}

TEST_F(CodeStoreTest, UploadPastTheLimitIsRefusedAndLeavesNoFile) {
  const std::string location = store_->BeginUpload();
  store_->UploadChunk(location, Pattern(600));
  const std::string error = ErrorOf([&] { store_->UploadChunk(location, Pattern(401)); });
  EXPECT_NE(error.find("nimbus.max.upload.bytes"), std::string::npos) << error;
  EXPECT_NE(error.find(std::to_string(kMaxBytes)), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(location));
  EXPECT_TRUE(FilesIn(store_->inbox_dir()).empty());
  // The upload is gone: further chunks and finishing are refused.
  EXPECT_THROW(store_->UploadChunk(location, "x"), StormError);
  EXPECT_THROW(store_->FinishUpload(location), StormError);

  // Exactly the limit is allowed.
  const std::string ok = Upload(Pattern(kMaxBytes), 250);
  EXPECT_EQ(ReadFile(ok).size(), static_cast<size_t>(kMaxBytes));
  // One chunk bigger than the limit on its own.
  const std::string big = store_->BeginUpload();
  EXPECT_THROW(store_->UploadChunk(big, Pattern(kMaxBytes + 1)), StormError);
  EXPECT_FALSE(fs::exists(big));
}

TEST_F(CodeStoreTest, UnknownLocationsAreErrors) {
  const std::string unknown = store_->inbox_dir() + "/stormjar-nope.so";
  const std::string error = ErrorOf([&] { store_->UploadChunk(unknown, "x"); });
  EXPECT_NE(error.find(unknown), std::string::npos) << error;
  EXPECT_THROW(store_->FinishUpload(unknown), StormError);
  EXPECT_THROW(store_->UploadChunk("/etc/passwd", "x"), StormError);
  EXPECT_FALSE(store_->IsFinishedUpload(unknown));
  EXPECT_THROW(store_->DownloadChunk("no-such-session"), StormError);
}

TEST_F(CodeStoreTest, IdleUploadsExpireAndTheirFilesAreDeleted) {
  const std::string idle = store_->BeginUpload();
  store_->UploadChunk(idle, "abc");
  const std::string finished = Upload("xyz", 3);  // finished but never submitted
  const std::string busy = store_->BeginUpload();

  clock_.AdvanceSecs(kExpirySecs - 1);
  store_->UploadChunk(busy, "1");  // keeps `busy` alive
  store_->ExpireIdle();
  EXPECT_TRUE(fs::exists(idle));  // not idle long enough yet

  clock_.AdvanceSecs(2);
  store_->ExpireIdle();
  EXPECT_FALSE(fs::exists(idle));
  EXPECT_FALSE(fs::exists(finished));
  EXPECT_THROW(store_->UploadChunk(idle, "d"), StormError);
  EXPECT_FALSE(store_->IsFinishedUpload(finished));
  EXPECT_THROW(store_->Install("t-1-1", finished, "T", "{}"), StormError);

  EXPECT_TRUE(fs::exists(busy));
  store_->UploadChunk(busy, "2");
  store_->FinishUpload(busy);
  EXPECT_EQ(ReadFile(busy), "12");
  EXPECT_EQ(FilesIn(store_->inbox_dir()).size(), 1u);
}

TEST_F(CodeStoreTest, IdleDownloadsExpire) {
  store_->Install("t-1-1", "", "T", "{}");
  const std::string session = store_->BeginDownload("t-1-1/stormcode.ser");
  clock_.AdvanceSecs(kExpirySecs + 1);
  store_->ExpireIdle();
  EXPECT_THROW(store_->DownloadChunk(session), StormError);
}

TEST_F(CodeStoreTest, ANewStoreEmptiesTheInboxAndRemovesHalfInstalls) {
  const std::string finished = Upload("lib", 3);
  const std::string half = store_->BeginUpload();
  store_->UploadChunk(half, "li");
  store_->Install("kept-1-1", Upload("kept", 4), "T", "{}");
  fs::create_directories(fs::path(store_->stormdist_dir()) / "crashed-1-1.tmp");
  std::ofstream(fs::path(store_->stormdist_dir()) / "crashed-1-1.tmp" / "stormcode.ser") << "x";
  std::ofstream(fs::path(store_->inbox_dir()) / "stray.so") << "x";

  store_.reset();
  store_ = NewStore();
  EXPECT_TRUE(FilesIn(store_->inbox_dir()).empty());
  EXPECT_FALSE(fs::exists(fs::path(store_->stormdist_dir()) / "crashed-1-1.tmp"));
  EXPECT_EQ(store_->InstalledIds(), std::vector<std::string>{"kept-1-1"});
  EXPECT_EQ(ReadFile(fs::path(store_->TopologyDir("kept-1-1")) / CodeStore::kLibraryFile), "kept");
  EXPECT_FALSE(store_->IsFinishedUpload(finished));
}

TEST_F(CodeStoreTest, DownloadInChunksReproducesTheFile) {
  const size_t size = CodeStore::kDownloadChunkBytes * 2 + 12345;
  const std::string topology = Pattern(size);
  store_->Install("t-1-1", "", topology, "{}");
  for (const std::string& file :
       {std::string("t-1-1/stormcode.ser"), store_->TopologyDir("t-1-1") + "/stormcode.ser"}) {
    const std::string session = store_->BeginDownload(file);
    std::string got;
    int chunks = 0;
    while (true) {
      std::string chunk = store_->DownloadChunk(session);
      if (chunk.empty()) break;
      EXPECT_LE(chunk.size(), CodeStore::kDownloadChunkBytes);
      got += chunk;
      ++chunks;
    }
    EXPECT_EQ(chunks, 3);
    EXPECT_EQ(got, topology) << file;
    // The empty chunk closed the session.
    EXPECT_THROW(store_->DownloadChunk(session), StormError);
  }
  // An empty file: one empty chunk.
  store_->Install("e-1-1", "", "", "{}");
  const std::string session = store_->BeginDownload("e-1-1/stormcode.ser");
  EXPECT_EQ(store_->DownloadChunk(session), "");
}

TEST_F(CodeStoreTest, DownloadsOutsideStormdistAreRefused) {
  store_->Install("t-1-1", "", "T", "{}");
  const std::string inbox_file = store_->inbox_dir() + "/x.so";
  std::ofstream(inbox_file) << "x";
  const std::string outside = dir_.Write("secret.txt", "secret");
  fs::create_symlink(outside, fs::path(store_->TopologyDir("t-1-1")) / "link.ser");
  fs::create_directories(fs::path(store_->TopologyDir("t-1-1")) / "sub");
  std::ofstream(fs::path(store_->TopologyDir("t-1-1")) / "sub" / "deep.ser") << "x";
  for (const std::string& bad : {
           std::string("../../etc/passwd"),
           std::string("../../../../../../../../etc/passwd"),
           std::string("t-1-1/../../../etc/passwd"),
           std::string("/etc/passwd"),
           outside,
           inbox_file,
           std::string("../inbox/x.so"),
           std::string("t-1-1"),                        // a directory
           store_->TopologyDir("t-1-1"),                 // the same, absolute
           std::string("t-1-1/"),                       // the same, with a slash
           std::string("t-1-1/sub"),                    // a directory inside
           std::string("t-1-1/sub/deep.ser"),           // deeper than <id>/<file>
           std::string("t-1-1/link.ser"),               // a symlink out of stormdist
           std::string("t-1-1/missing.ser"),
           std::string(""),
           std::string("."),
           store_->stormdist_dir(),
       }) {
    const std::string error = ErrorOf([&] { store_->BeginDownload(bad); });
    EXPECT_NE(error.find("no such file to download"), std::string::npos) << bad << ": " << error;
  }
  // A spelling with dots that stays inside is fine.
  EXPECT_NO_THROW(store_->BeginDownload("t-1-1/./stormcode.ser"));
  EXPECT_NO_THROW(store_->BeginDownload("t-1-1/../t-1-1/stormconf.ser"));
}

}  // namespace
}  // namespace storm
