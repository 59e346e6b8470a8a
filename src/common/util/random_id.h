// Random identifiers: 32 hex digits from a seeded 64-bit generator, for
// names that must not collide across processes (uploads, lock nodes).
// Thread safety: from any thread.
#pragma once

#include <string>

namespace storm {

std::string RandomHex();

}  // namespace storm
