// The verbs of `storm`. Each Add* function adds verbs to the `storm` App,
// with their options, help and the global options (written into `global`).
// When one of them is on the command line, parsing sets `run` to what it
// does: run() returns the exit status, 0 on success, 1 for a failure (Nimbus
// unreachable, no such topology, ...) printed as one line on stderr,
// "storm <verb>: <reason>". Usage errors are CLI11's, found while parsing
// (common/config/command_line.h).
#pragma once

#include <functional>
#include <string>

#include "common/config/command_line.h"

namespace storm::cli {

using Command = std::function<int()>;

// A verb of `storm`, with the global options and `usage` as --help's usage
// line; parsing it sets `run` to `body`.
inline CLI::App* AddVerb(CLI::App& storm, GlobalOptions& global, Command& run,
                         const std::string& name, const std::string& description,
                         const std::string& usage, Command body) {
  CLI::App* verb = storm.add_subcommand(name, description)->group("Commands");
  AddGlobalOptions(*verb, global);
  SetUsage(*verb, usage);
  verb->preparse_callback([&run, body = std::move(body)](size_t) { run = body; });
  return verb;
}

// Runs a command body: its exit status, or 1 with the failure's one line
// on stderr ("storm <command>: <reason>").
int Guard(const char* command, const std::function<int()>& body);

// jar, list, kill, activate, deactivate, rebalance: the verbs that talk to
// Nimbus (found at nimbus.seeds and nimbus.thrift.port).
void AddClusterCommands(CLI::App& storm, GlobalOptions& global, Command& run);

// get-errors, monitor, set_log_level: what a running topology is doing.
void AddObserveCommands(CLI::App& storm, GlobalOptions& global, Command& run);

// local: runs a topology library in this process.
void AddLocalCommand(CLI::App& storm, GlobalOptions& global, Command& run);

}  // namespace storm::cli
