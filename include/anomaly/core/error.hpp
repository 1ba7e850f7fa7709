#pragma once
// Error, its stable codes, and the one place where errors become exceptions or the abort handler.
#include <anomaly/core/config.hpp>

#include <array>
#include <cstdarg>
#include <cstdio>
#include <optional>
#include <string_view>

#if ANOMALY_USE_EXCEPTIONS
#include <stdexcept>
#endif

namespace anomaly {

/// Stable error codes: their numbers never change between versions.
enum class ErrorCode : int {
  invalid_parameter = 1,   ///< a Params field is out of its range
  empty_input = 2,         ///< a matrix with no rows or no columns
  too_few_samples = 3,     ///< fewer rows than the method needs
  non_finite_input = 4,    ///< NaN or infinity in the data
  dimension_mismatch = 5,  ///< wrong number of columns (or labels) for this model
  corrupt_model = 6,       ///< saved bytes that fail the format, length or checksum checks
  incompatible_model = 7,  ///< a valid model file of another detector, scalar type or version
};

/// Short stable name of a code, as used in messages.
constexpr std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_parameter:
      return "invalid_parameter";
    case ErrorCode::empty_input:
      return "empty_input";
    case ErrorCode::too_few_samples:
      return "too_few_samples";
    case ErrorCode::non_finite_input:
      return "non_finite_input";
    case ErrorCode::dimension_mismatch:
      return "dimension_mismatch";
    case ErrorCode::corrupt_model:
      return "corrupt_model";
    case ErrorCode::incompatible_model:
      return "incompatible_model";
  }
  return "unknown";
}

/// What went wrong and where; holds its message inline so that making one never allocates.
class Error {
 public:
  static constexpr std::size_t capacity = 200;

  /// An error whose message is formatted like printf.
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  static Error
  make(ErrorCode code, const char* format, ...) noexcept {
    Error error;
    error.code_ = code;
    va_list args;
    va_start(args, format);
    std::vsnprintf(error.message_.data(), capacity, format, args);
    va_end(args);
    return error;
  }

  ErrorCode code() const noexcept {
    return code_;
  }
  const char* message() const noexcept {
    return message_.data();
  }

 private:
  Error() = default;
  ErrorCode code_ = ErrorCode::invalid_parameter;
  std::array<char, capacity> message_{};
};

#if ANOMALY_USE_EXCEPTIONS
/// What the library throws: an invalid_argument that keeps the stable code.
class Exception : public std::invalid_argument {
 public:
  explicit Exception(const Error& error)
      : std::invalid_argument(error.message()), code_(error.code()) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};
#endif

namespace detail {
[[noreturn]] inline void report_and_abort(const Error& error) noexcept {
  std::fprintf(stderr, "anomaly: %s\n", error.message());
  std::abort();
}
}  // namespace detail

/// Throws `error` as an Exception, or hands it to ANOMALY_ON_ERROR when exceptions are off.
[[noreturn]] inline void raise(const Error& error) {
#if ANOMALY_USE_EXCEPTIONS
  throw Exception(error);
#else
  ANOMALY_ON_ERROR(error);
#endif
}

/// Raises the error, if there is one: how fit() and load() use the check() functions.
inline void raise_if(const std::optional<Error>& error) {
  if (error) raise(*error);
}

}  // namespace anomaly
