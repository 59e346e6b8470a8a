# Fails when the code block that follows the "example:" marker in README.md
# differs from the example file it names, so the README's example always
# compiles as written (the file is built as a topology library).
# Usage: cmake -DREADME=<README.md> -DEXAMPLE=<file> -P CheckReadmeExample.cmake
file(READ "${README}" readme)
file(READ "${EXAMPLE}" example)
string(FIND "${readme}" "<!-- example:" marker)
if(marker EQUAL -1)
  message(FATAL_ERROR "README.md has no <!-- example: ... --> marker")
endif()
string(SUBSTRING "${readme}" ${marker} -1 rest)
string(FIND "${rest}" "```cpp\n" open)
math(EXPR start "${open} + 7")
string(SUBSTRING "${rest}" ${start} -1 rest)
string(FIND "${rest}" "```" close)
string(SUBSTRING "${rest}" 0 ${close} block)
if(NOT block STREQUAL example)
  message(FATAL_ERROR "the example in README.md differs from ${EXAMPLE}: copy the file into the README")
endif()
message(STATUS "README example matches ${EXAMPLE}")
