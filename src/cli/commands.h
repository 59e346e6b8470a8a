// The `storm` command's subcommands. Each returns the process exit status
// and prints a one-line reason on stderr when it fails.
#pragma once

#include <string>
#include <vector>

namespace storm::cli {

int RunLocal(const std::vector<std::string>& args);
int RunJar(const std::vector<std::string>& args);
int RunList(const std::vector<std::string>& args);
int RunKill(const std::vector<std::string>& args);
int RunActivate(const std::vector<std::string>& args);
int RunDeactivate(const std::vector<std::string>& args);
int RunRebalance(const std::vector<std::string>& args);

}  // namespace storm::cli
