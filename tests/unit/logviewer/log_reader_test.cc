// Pages and searches of a log, as Storm's logviewer gives them.
#include "logviewer/log_reader.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace storm {
namespace {

class LogReaderTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) { return dir_.Write("worker.log", text); }
  testing::TempDir dir_;
};

TEST_F(LogReaderTest, ByDefaultAPageIsTheEndOfTheLog) {
  const std::string text(kDefaultPageBytes + 100, 'x');
  const LogPage page = ReadLogPage(Write(text + "END"), std::nullopt);
  EXPECT_EQ(page.file_size, kDefaultPageBytes + 103);
  EXPECT_EQ(page.start, 103);
  EXPECT_EQ(page.text.size(), static_cast<size_t>(kDefaultPageBytes));
  EXPECT_EQ(page.text.substr(page.text.size() - 3), "END");
}

TEST_F(LogReaderTest, APageIsClampedToTheFile) {
  const std::string path = Write("0123456789");
  EXPECT_EQ(ReadLogPage(path, 2, 3).text, "234");
  EXPECT_EQ(ReadLogPage(path, 8, 100).text, "89");
  EXPECT_EQ(ReadLogPage(path, 50, 10).text, "");
  EXPECT_EQ(ReadLogPage(path, -5, 3).text, "012");
  EXPECT_EQ(ReadLogPage(path, std::nullopt, 100).start, 0);
}

TEST_F(LogReaderTest, SearchGivesOffsetsAndTheBytesAroundEachMatch) {
  const std::string path = Write("aaa ERROR one\nbbb ERROR two\n");
  const LogSearchResult r = SearchLog(path, "ERROR", 10, 0);
  ASSERT_EQ(r.matches.size(), 2u);
  EXPECT_EQ(r.matches[0].byte_offset, 4);
  EXPECT_EQ(r.matches[0].before, "aaa ");
  EXPECT_EQ(r.matches[0].match, "ERROR");
  EXPECT_EQ(r.matches[0].after, " one\nbbb ERROR two\n");
  EXPECT_EQ(r.matches[1].byte_offset, 18);
  EXPECT_EQ(r.next_byte_offset, -1);
}

TEST_F(LogReaderTest, SearchStopsAtNumMatchesAndGoesOnFromTheNextOffset) {
  const std::string path = Write("x x x x");
  const LogSearchResult first = SearchLog(path, "x", 2, 0);
  ASSERT_EQ(first.matches.size(), 2u);
  EXPECT_EQ(first.next_byte_offset, 4);
  const LogSearchResult rest = SearchLog(path, "x", 10, first.next_byte_offset);
  ASSERT_EQ(rest.matches.size(), 2u);
  EXPECT_EQ(rest.matches[0].byte_offset, 4);
  EXPECT_EQ(rest.matches[1].byte_offset, 6);
}

TEST_F(LogReaderTest, ContextIsAtMost128BytesAndMatchesAcrossBlocksAreFound) {
  // A match straddling the 1 MB block boundary, with long context each side.
  std::string text(1 << 20, '.');
  text.replace((1 << 20) - 2, 6, "NEEDLE");
  const LogSearchResult r = SearchLog(Write(text + std::string(500, '-')), "NEEDLE", 5, 0);
  ASSERT_EQ(r.matches.size(), 1u);
  EXPECT_EQ(r.matches[0].byte_offset, (1 << 20) - 2);
  EXPECT_EQ(r.matches[0].before, std::string(128, '.'));
  EXPECT_EQ(r.matches[0].after, std::string(128, '-'));
}

TEST_F(LogReaderTest, AMissingFileIsAnError) {
  EXPECT_THROW(ReadLogPage((dir_ / "gone.log").string(), std::nullopt), std::runtime_error);
  EXPECT_THROW(SearchLog((dir_ / "gone.log").string(), "x", 1, 0), std::runtime_error);
}

}  // namespace
}  // namespace storm
