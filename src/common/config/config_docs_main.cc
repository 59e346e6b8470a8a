// storm-config-docs: prints docs/configuration.md, generated from the key
// table (include/storm/config_keys.def):
//   build/bin/storm-config-docs > docs/configuration.md
#include <cstdio>

#include "common/config/config_keys.h"

int main() {
  std::fputs(storm::ConfigurationMarkdown().c_str(), stdout);
  return 0;
}
