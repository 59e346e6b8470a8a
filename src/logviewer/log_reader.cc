#include "logviewer/log_reader.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace storm {

namespace {

std::ifstream Open(const std::string& path, int64_t* size) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot read " + path);
  *size = static_cast<int64_t>(in.tellg());
  return in;
}

std::string ReadAt(std::ifstream& in, int64_t offset, int64_t length) {
  std::string out(static_cast<size_t>(std::max<int64_t>(length, 0)), '\0');
  in.clear();
  in.seekg(offset);
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

}  // namespace

LogPage ReadLogPage(const std::string& path, std::optional<int64_t> start, int64_t length) {
  LogPage page;
  std::ifstream in = Open(path, &page.file_size);
  length = std::max<int64_t>(length, 0);
  int64_t from = start ? *start : page.file_size - length;
  from = std::clamp<int64_t>(from, 0, page.file_size);
  const int64_t to = std::min(page.file_size, from + length);
  page.start = from;
  page.text = ReadAt(in, from, to - from);
  return page;
}

// Reads the file in blocks; each block keeps the tail of the one before
// (needle - 1 + context bytes), so a match or its context may straddle two.
LogSearchResult SearchLog(const std::string& path, const std::string& needle, int num_matches,
                          int64_t start_byte_offset) {
  constexpr int64_t kBlock = 1 << 20;
  LogSearchResult result;
  std::ifstream in = Open(path, &result.file_size);
  if (needle.empty() || num_matches <= 0) return result;
  const int64_t size = result.file_size;
  int64_t pos = std::clamp<int64_t>(start_byte_offset, 0, size);  // next match may start here
  while (pos < size) {
    // Window [window_start, window_end) holds context before `pos` and
    // enough after the block for a match's tail and context.
    const int64_t window_start = std::max<int64_t>(0, pos - kSearchContextBytes);
    const int64_t block_end = std::min(size, pos + kBlock);
    const int64_t window_end =
        std::min(size, block_end + static_cast<int64_t>(needle.size()) + kSearchContextBytes);
    const std::string window = ReadAt(in, window_start, window_end - window_start);
    size_t at = static_cast<size_t>(pos - window_start);
    for (;;) {
      at = window.find(needle, at);
      if (at == std::string::npos) break;
      const int64_t offset = window_start + static_cast<int64_t>(at);
      if (offset >= block_end) break;  // the next block finds it, with its context
      if (static_cast<int>(result.matches.size()) == num_matches) {
        result.next_byte_offset = offset;  // Storm: where the next search starts
        return result;
      }
      LogMatch m;
      m.byte_offset = offset;
      m.match = needle;
      const size_t before_from = at >= kSearchContextBytes ? at - kSearchContextBytes : 0;
      m.before = window.substr(before_from, at - before_from);
      m.after = window.substr(at + needle.size(), kSearchContextBytes);
      result.matches.push_back(std::move(m));
      at += needle.size();
    }
    pos = block_end;
  }
  return result;
}

}  // namespace storm
