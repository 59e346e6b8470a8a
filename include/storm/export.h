// Symbol visibility for the SDK. Topology libraries are built with
// -fvisibility=hidden; every SDK type is exported from libstorm.so so that its
// type info, vtables and statics exist once per process (DESIGN section 11).
#pragma once

#define STORM_API __attribute__((visibility("default")))
