// The fuzz targets' checks (tests/fuzz/*_check.cpp), compiled into this test
// program as they are: tests/CMakeLists.txt builds a unit folder from its own
// .cpp files only, and the checks must be the very same code the fuzzer runs.
#include "../../fuzz/decode_check.cpp"
#include "../../fuzz/dispatch_check.cpp"
