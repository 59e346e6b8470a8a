// A shared library that is not a topology library: no entry point.
extern "C" __attribute__((visibility("default"))) int not_a_topology() { return 42; }
