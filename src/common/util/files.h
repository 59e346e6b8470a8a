// Whole files read and written in one call. Every failure throws StormError
// naming the file (and what it was read for, when the caller says).
// Thread safety: safe from any thread; writes to one path must not race.
#pragma once

#include <optional>
#include <string>

namespace storm {

// The file's bytes. Throws StormError "<what>: cannot read <path>: <reason>"
// (or without "<what>: " when it is empty) for a missing or unreadable file
// or a directory.
std::string ReadFile(const std::string& path, const std::string& what = "");

// The file's bytes, or nullopt when it cannot be read (missing, a directory,
// no permission): for files whose absence is a normal state.
std::optional<std::string> ReadFileIfPresent(const std::string& path);

// Writes `bytes` to `path` (truncating it). Throws StormError naming it.
void WriteFile(const std::string& path, const std::string& bytes);

// Writes `bytes` to "<path>.tmp" and renames it over `path`, creating the
// parent directories: a reader sees the old content or the new, never half.
void WriteFileAtomically(const std::string& path, const std::string& bytes);

}  // namespace storm
