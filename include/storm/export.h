// Symbol visibility for the SDK. Topology libraries are built with
// -fvisibility=hidden; every SDK type is exported from libstorm.so so that its
// type info, vtables and statics exist once per process (docs/architecture.md#topology-libraries).
#pragma once

#define STORM_API __attribute__((visibility("default")))
