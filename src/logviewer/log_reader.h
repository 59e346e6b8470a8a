// Reading a log file as Storm's logviewer does: a page of it, and a search
// for a string with the bytes around each match.
//
// Offsets are bytes. Files may grow (or be rotated) while read: a page or a
// search works on the size seen when it starts.
// Thread safety: free functions over one file; safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace storm {

inline constexpr int64_t kDefaultPageBytes = 51200;  // Storm's default length
inline constexpr int64_t kSearchContextBytes = 128;  // Storm's bytes around a match
inline constexpr size_t kMaxSearchBytes = 1024;      // Storm's longest search string

struct LogPage {
  std::string text;
  int64_t start = 0;      // offset of text's first byte
  int64_t file_size = 0;  // when read
};

// The page [start, start + length) of `path`, clamped to the file; with no
// start, the last `length` bytes (Storm's default: the end of the log).
// Throws std::runtime_error when the file cannot be read.
LogPage ReadLogPage(const std::string& path, std::optional<int64_t> start,
                    int64_t length = kDefaultPageBytes);

struct LogMatch {
  int64_t byte_offset = 0;  // of the match
  std::string before;       // up to kSearchContextBytes before it
  std::string match;
  std::string after;  // up to kSearchContextBytes after it
};

struct LogSearchResult {
  std::vector<LogMatch> matches;
  int64_t next_byte_offset = -1;  // where to search on; -1: the file is done
  int64_t file_size = 0;
};

// The first `num_matches` occurrences of `needle` at or after
// `start_byte_offset`. The caller checks needle (non-empty, at most
// kMaxSearchBytes). Throws std::runtime_error when the file cannot be read.
LogSearchResult SearchLog(const std::string& path, const std::string& needle, int num_matches,
                          int64_t start_byte_offset);

}  // namespace storm
