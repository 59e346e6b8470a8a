// Out-of-line destructors: they anchor each exception's vtable and type info
// in libstorm.so, so that a ConfigError thrown in a topology library is caught
// as a ConfigError by the runtime (docs/architecture.md, "Topology libraries").

#include "storm/errors.h"

namespace storm {

StormError::~StormError() = default;
ConfigError::~ConfigError() = default;
InvalidTopologyError::~InvalidTopologyError() = default;
SerializationError::~SerializationError() = default;
LibraryError::~LibraryError() = default;
NotAliveError::~NotAliveError() = default;
AlreadyAliveError::~AlreadyAliveError() = default;

}  // namespace storm
