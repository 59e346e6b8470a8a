// TopologyLibrary: a user's topology shared library (the C++ "jar"), loaded
// with dlopen(RTLD_NOW | RTLD_LOCAL) and run through its one versioned entry
// point (docs/architecture.md#topology-libraries). Objects made by the library's code (the
// topology's factories, the tasks' spouts and bolts) must not outlive it:
// hold the shared_ptr as long as any of them lives.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "storm/config.h"
#include "storm/topology.h"

namespace storm {

struct Submission {
  std::string name;
  Config conf;
  StormTopology topology;
};

class TopologyLibrary {
 public:
  // Throws LibraryError naming the file: missing, not a shared library, an
  // unresolved symbol, no entry point.
  static std::shared_ptr<TopologyLibrary> Load(const std::string& path);
  ~TopologyLibrary();
  TopologyLibrary(const TopologyLibrary&) = delete;
  TopologyLibrary& operator=(const TopologyLibrary&) = delete;

  const std::string& path() const { return path_; }

  // Runs the library's main with `args` and returns what it submitted.
  // Throws LibraryError on another ABI version or when the main failed
  // (with its message), or when it submitted nothing.
  std::vector<Submission> Run(const std::vector<std::string>& args);

 private:
  TopologyLibrary(std::string path, void* handle, void* entry)
      : path_(std::move(path)), handle_(handle), entry_(entry) {}

  std::string path_;
  void* handle_;
  void* entry_;
};

}  // namespace storm
