# Helpers shared by every CMakeLists of the project.

# storm_add_test(NAME <name> SOURCES <files...> LIBS <targets...> [LABELS <labels...>]
#                [TIMEOUT <secs>])
# One GoogleTest binary, registered with ctest (one ctest test per binary, so
# that a suite's tests share its set-up cost).
function(storm_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest_main GTest::gmock)
  target_include_directories(${T_NAME} PRIVATE ${CMAKE_SOURCE_DIR}/tests ${CMAKE_SOURCE_DIR}/src)
  target_compile_definitions(${T_NAME} PRIVATE STORM_TEST_BUILD_DIR="${CMAKE_BINARY_DIR}"
    STORM_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "STORM_BUILD_DIR=${CMAKE_BINARY_DIR};STORM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
  if(T_LABELS)
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()

# storm_add_topology(<name> <sources...>)
# A topology library: a shared library linking only the SDK, exporting only
# its entry point, written to build/examples/lib<name>.so.
function(storm_add_topology name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE storm)
  set_target_properties(${name} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    PREFIX "lib"
    LIBRARY_OUTPUT_DIRECTORY ${STORM_EXAMPLES_DIR})
  # An unresolved symbol is an error when the library is linked, not at load.
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
endfunction()
