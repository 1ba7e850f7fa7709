# Fails unless README contains, as a ```cpp block, exactly the lines of EXAMPLE between its two
# "// [readme]" marker lines. Usage: cmake -DREADME=README.md -DEXAMPLE=quickstart.cpp -P readme_snippet.cmake
file(READ "${EXAMPLE}" example)
string(REGEX MATCH "// \\[readme\\]\n(.*)// \\[readme\\]" marked "${example}")
if(NOT marked)
  message(FATAL_ERROR "${EXAMPLE} has no region between two '// [readme]' lines")
endif()
set(region "${CMAKE_MATCH_1}")
file(READ "${README}" readme)
string(FIND "${readme}" "```cpp\n${region}```" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${README} has no ```cpp block equal to the [readme] region of ${EXAMPLE}; "
    "paste this:\n```cpp\n${region}```")
endif()
