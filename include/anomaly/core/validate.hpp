#pragma once
// The boundary checks shared by every detector: shape, size and finiteness of input matrices.
#include <anomaly/core/error.hpp>
#include <anomaly/core/types.hpp>

#include <cmath>
#include <cstdint>
#include <optional>

namespace anomaly {

/// How an error message names a non-finite value: "NaN", "+infinity" or "-infinity".
inline const char* non_finite_name(double value) noexcept {
  return std::isnan(value) ? "NaN" : (value > 0 ? "+infinity" : "-infinity");
}

/// The first NaN or infinity of `X`, named by its (row, column), or nothing.
template <class Derived>
std::optional<Error> check_finite(const Eigen::DenseBase<Derived>& X, const char* name) {
  if (X.allFinite()) return std::nullopt;
  for (Index c = 0; c < X.cols(); ++c) {
    for (Index r = 0; r < X.rows(); ++r) {
      const double v = static_cast<double>(X(r, c));
      if (!std::isfinite(v)) {
        return Error::make(ErrorCode::non_finite_input, "%s(%ld, %ld) is %s: data must be finite",
                           name, static_cast<long>(r), static_cast<long>(c), non_finite_name(v));
      }
    }
  }
  return std::nullopt;
}

/// Why `X` cannot be fitted: empty, fewer than `min_rows` rows, or not finite.
template <class Derived>
std::optional<Error> check_training_data(const Eigen::DenseBase<Derived>& X, Index min_rows,
                                         const char* name = "X") {
  if (X.rows() == 0 || X.cols() == 0) {
    return Error::make(ErrorCode::empty_input, "%s is empty (%ld rows, %ld columns)", name,
                       static_cast<long>(X.rows()), static_cast<long>(X.cols()));
  }
  if (X.rows() < min_rows) {
    return Error::make(ErrorCode::too_few_samples,
                       "%s has %ld rows; this detector needs at least %ld", name,
                       static_cast<long>(X.rows()), static_cast<long>(min_rows));
  }
  return check_finite(X, name);
}

/// The first cell of `X` with |x| > limit, named by its (row, column): `detector` computes squares
/// or squared distances that stay finite only up to there.
template <class Derived>
std::optional<Error> check_max_abs(const Eigen::DenseBase<Derived>& X, double limit,
                                   const char* detector, const char* name = "X") {
  if (!(static_cast<double>(X.derived().cwiseAbs().maxCoeff()) > limit)) return std::nullopt;
  for (Index c = 0; c < X.cols(); ++c) {
    for (Index r = 0; r < X.rows(); ++r) {
      const double v = static_cast<double>(X(r, c));
      if (std::abs(v) > limit) {
        return Error::make(ErrorCode::non_finite_input,
                           "%s(%ld, %ld) = %g is too large: %s takes |x| <= %g, whose squared "
                           "distances stay finite",
                           name, static_cast<long>(r), static_cast<long>(c), v, detector, limit);
      }
    }
  }
  return std::nullopt;
}

/// Why `X` cannot be fitted by a detector that numbers its rows in 32 bits: more than 2^32 - 1.
template <class Derived>
std::optional<Error> check_rows_fit_32_bits(const Eigen::DenseBase<Derived>& X) {
  // Unsigned, so that it also compiles where Index has 32 bits (firmware).
  if (static_cast<std::uint64_t>(X.rows()) <= std::uint64_t{0xFFFFFFFF}) return std::nullopt;
  return Error::make(ErrorCode::invalid_parameter, "X has %ld rows: at most 2^32 - 1 can be fitted",
                     static_cast<long>(X.rows()));
}

/// Why `X` cannot be scored by a model fitted on `n_features` columns.
template <class Derived>
std::optional<Error> check_scoring_data(const Eigen::DenseBase<Derived>& X, Index n_features,
                                        const char* name = "X") {
  if (X.cols() != n_features) {
    return Error::make(ErrorCode::dimension_mismatch,
                       "%s has %ld columns but the model was fitted on %ld", name,
                       static_cast<long>(X.cols()), static_cast<long>(n_features));
  }
  return check_finite(X, name);
}

/// An invalid_parameter error for `name`, saying what it must be and what it was.
inline Error parameter_error(const char* name, const char* constraint, double value) {
  return Error::make(ErrorCode::invalid_parameter, "%s must be %s (got %g)", name, constraint,
                     value);
}

}  // namespace anomaly
