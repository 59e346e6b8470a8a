// The command line of every storm-cpp program, on CLI11: Storm's global
// options, checks whose errors name the option, and one way to report a
// usage error.
//
// Global options, as Storm's `storm` command has them:
//   -c KEY=VALUE      a config override, YAML value (repeatable; also -cKEY=VALUE)
//   --config FILE     a config file read after storm.yaml
//   --log-level LEVEL trace, debug, info, warn, error, critical or off
// Added to an App and to each of its subcommands with one GlobalOptions, they
// may stand before or after the verb: `storm -c k=v list` is
// `storm list -c k=v`.
//
// Errors: ParseCommandLine prints `--help` on stdout (exit status 0) and a
// usage error as one line on stderr, "<program> <verb>: <reason>" (exit
// status 2). What a program finds wrong later (Nimbus unreachable, a bad
// config value) is its own failure, exit status 1.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/config/config_loader.h"

namespace storm {

// What the global options say.
struct GlobalOptions {
  ConfigSources sources;
  std::string log_level;  // empty when not given

  // The level given, or the program's default.
  std::string LogLevelOr(const std::string& program_default) const;
  // The -c overrides alone, as a Config (they also reach submitted topologies).
  Config Overrides() const;
};

// Adds -c, --config and --log-level to `app`, writing into `out` as they are
// parsed, in command-line order (a later one wins). `out` must outlive the
// parse.
void AddGlobalOptions(CLI::App& app, GlobalOptions& out);

// --log-level alone, for programs without a config (storm-kafka-mock): an
// unknown level is an error (spdlog would take it for "off").
CLI::Option* AddLogLevelOption(CLI::App& app, std::string& level);

// For commands that run a program named on their command line, with its
// arguments (`storm jar <topology.so> [args...]`): the first word that is not
// an option of `command` is the program, and every word after it is one of
// the program's arguments, unchanged, even when it looks like an option --
// except for the options `add_options` adds, which stay `command`'s wherever
// they stand (as Storm's script takes -c anywhere), up to a `--`: the `--` is
// dropped and every word after it is the program's.
//
// `add_options(app)` adds to `app` those of `command`'s options (usually all
// of them) writing into the same storage, which must outlive the parse.
// Parsing fills `program` and `args`; a command line without the program
// ("<program_description> is required"), or with an unknown option before
// it, is a usage error.
void TakeProgramAndArguments(CLI::App& command, const std::function<void(CLI::App&)>& add_options,
                             const std::string& program_description, std::string& program,
                             std::vector<std::string>& args);

// Checks for options: their errors say "<option>: expected ..., got '<value>'".
// A whole number from `min` to `max`, in decimal (no sign, no hex, no octal),
// for an int option.
CLI::Validator WholeNumber(int64_t min, int64_t max = std::numeric_limits<int32_t>::max());
// A number of seconds: a decimal number, 0 or more (`0.5` is half a second).
CLI::Validator Seconds();
// KEY=VALUE with a non-empty key.
CLI::Validator KeyEqualsValue();

// Sets the usage line `--help` prints for `app` ("storm kill <topology-name>
// [OPTIONS]"), for commands whose words CLI11 does not declare.
void SetUsage(CLI::App& app, const std::string& usage);

// Parses `args` (without the program's name) into `app` and its callbacks.
// Returns nullopt when the program should go on, or its exit status after
// printing what it had to: 0 for --help (on `out`), 2 for a usage error (one
// line on `err`, "<program> <verb>: <reason>", the verb being the subcommand
// that was being parsed, if any).
std::optional<int> ParseCommandLine(CLI::App& app, const std::vector<std::string>& args,
                                    std::ostream& out = std::cout, std::ostream& err = std::cerr);

// What a program's main does: ParseCommandLine, then `run` (which returns the
// exit status).
int RunCommandLine(CLI::App& app, int argc, char** argv, const std::function<int()>& run);

}  // namespace storm
