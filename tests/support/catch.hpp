#pragma once
// Catch2 v3 or v2 (Debian 12 ships 2.13): the tests use only what both provide.
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
