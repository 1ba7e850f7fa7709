#pragma once
// Every ANOMALY_* switch of the library, each overridable by defining it before the first include:
//   ANOMALY_USE_EXCEPTIONS  1 to throw anomaly::Exception, 0 to call ANOMALY_ON_ERROR instead
//                           (default: follows the compiler's exception support)
//   ANOMALY_ON_ERROR(error)  [[noreturn]] handler for errors when exceptions are off
//                           (default: message to stderr, then std::abort)
//   ANOMALY_ASSERT(cond, msg)  internal invariant check, compiled out by NDEBUG or ANOMALY_NO_DEBUG
//   ANOMALY_NO_DEBUG        turns ANOMALY_ASSERT off even without NDEBUG
//   ANOMALY_USE_XSIMD       reserved for the optional xsimd kernels (off; changes nothing today)
#include <Eigen/Core>

#include <cstdio>
#include <cstdlib>

static_assert(EIGEN_VERSION_AT_LEAST(3, 4, 0), "anomaly needs Eigen 3.4 or newer");

#define ANOMALY_VERSION_MAJOR 0
#define ANOMALY_VERSION_MINOR 1
#define ANOMALY_VERSION_PATCH 0
#define ANOMALY_VERSION_STRING "0.1.0"

#ifdef ANOMALY_USE_EXCEPTIONS
// Use the provided definition.
#elif defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define ANOMALY_USE_EXCEPTIONS 1
#else
#define ANOMALY_USE_EXCEPTIONS 0
#endif

#ifdef ANOMALY_ON_ERROR
// Use the provided definition.
#else
#define ANOMALY_ON_ERROR(error) ::anomaly::detail::report_and_abort(error)
#endif

#ifdef ANOMALY_ASSERT
// Use the provided definition.
#elif defined(NDEBUG) || defined(ANOMALY_NO_DEBUG)
#define ANOMALY_ASSERT(cond, msg) static_cast<void>(0)
#else
#define ANOMALY_ASSERT(cond, msg) \
  ((cond) ? static_cast<void>(0) : ::anomaly::detail::assert_fail(__FILE__, __LINE__, msg))
#endif

#ifndef ANOMALY_USE_XSIMD
#define ANOMALY_USE_XSIMD 0
#endif

namespace anomaly::detail {
[[noreturn]] inline void assert_fail(const char* file, int line, const char* message) noexcept {
  std::fprintf(stderr, "%s:%d: anomaly assertion failed: %s\n", file, line, message);
  std::abort();
}
}  // namespace anomaly::detail
