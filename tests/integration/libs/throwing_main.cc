// A topology library whose main throws.
#include <stdexcept>

#include "storm/storm.h"

STORM_TOPOLOGY_MAIN(args) { throw std::runtime_error("boom: the main gave up"); }
