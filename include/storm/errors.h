// The exceptions the SDK and the runtime throw. Error style of the whole
// project: exceptions, each a subclass of StormError whose what() is one line
// naming the problem (the key, the component, the file, ...). Daemons catch
// them at their edges (a Thrift call, a worker's receive thread, a user's
// bolt) and report them; nothing on the hot path throws in normal operation.
#pragma once

#include <stdexcept>
#include <string>

#include "storm/export.h"

namespace storm {

class STORM_API StormError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~StormError() override;
};

// A configuration value that is missing, of the wrong type or out of range.
class STORM_API ConfigError : public StormError {
 public:
  using StormError::StormError;
  ~ConfigError() override;
};

// A topology that cannot run: unknown component or stream, a grouping on an
// undeclared field, a parallelism below 1, a duplicate id, ...
class STORM_API InvalidTopologyError : public StormError {
 public:
  using StormError::StormError;
  ~InvalidTopologyError() override;
};

// Bytes that do not decode into a tuple or a frame.
class STORM_API SerializationError : public StormError {
 public:
  using StormError::StormError;
  ~SerializationError() override;
};

// A topology library that cannot be loaded or whose entry point failed.
class STORM_API LibraryError : public StormError {
 public:
  using StormError::StormError;
  ~LibraryError() override;
};

// No topology of that name is alive (Storm's NotAliveException).
class STORM_API NotAliveError : public StormError {
 public:
  using StormError::StormError;
  ~NotAliveError() override;
};

// A topology of that name is already alive (Storm's AlreadyAliveException).
class STORM_API AlreadyAliveError : public StormError {
 public:
  using StormError::StormError;
  ~AlreadyAliveError() override;
};

}  // namespace storm
