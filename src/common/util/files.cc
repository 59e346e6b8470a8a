#include "common/util/files.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "storm/errors.h"

namespace fs = std::filesystem;

namespace storm {

namespace {
std::string Prefix(const std::string& what) { return what.empty() ? "" : what + ": "; }
}  // namespace

std::string ReadFile(const std::string& path, const std::string& what) {
  std::error_code ignored;
  if (fs::is_directory(path, ignored)) {
    throw StormError(Prefix(what) + "cannot read " + path + ": is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw StormError(Prefix(what) + "cannot read " + path + ": " + std::strerror(errno));
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw StormError(Prefix(what) + "cannot read " + path + ": read error");
  return bytes.str();
}

std::optional<std::string> ReadFileIfPresent(const std::string& path) {
  try {
    return ReadFile(path);
  } catch (const StormError&) {
    return std::nullopt;
  }
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw StormError("cannot write " + path + ": " + std::strerror(errno));
}

void WriteFileAtomically(const std::string& path, const std::string& bytes) {
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent);
  const std::string tmp = path + ".tmp";
  WriteFile(tmp, bytes);
  fs::rename(tmp, path);
}

}  // namespace storm
