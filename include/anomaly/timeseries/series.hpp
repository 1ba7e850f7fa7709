#pragma once
// What the time-series functions share: the view of a series they take and its boundary checks.
#include <anomaly/core/error.hpp>
#include <anomaly/core/types.hpp>
#include <anomaly/core/validate.hpp>

#include <cmath>
#include <optional>

namespace anomaly {

/// Read-only view of a series, one value per time step: a Vector, a column of a matrix or a
/// Map passes without a copy; any inner stride, so a row of a column-major matrix does too.
template <class T>
using SeriesRef = Eigen::Ref<const Vector<T>, 0, Eigen::InnerStride<>>;

/// Why `series` cannot be decomposed: fewer than `min_length` values, or a NaN or infinity,
/// named by its index. `need` says what the length is needed for.
template <class T>
std::optional<Error> check_series(const SeriesRef<T>& series, Index min_length, const char* need) {
  if (series.size() < min_length) {
    return Error::make(ErrorCode::too_few_samples,
                       "the series has %ld values; %s needs at least %ld",
                       static_cast<long>(series.size()), need, static_cast<long>(min_length));
  }
  if (series.allFinite()) return std::nullopt;
  for (Index t = 0; t < series.size(); ++t) {
    const double v = static_cast<double>(series[t]);
    if (!std::isfinite(v)) {
      return Error::make(ErrorCode::non_finite_input, "series[%ld] is %s: values must be finite",
                         static_cast<long>(t), non_finite_name(v));
    }
  }
  return std::nullopt;
}

/// Why `X` is not a series: it must have one column (or one row).
template <class Derived>
std::optional<Error> check_vector(const Eigen::EigenBase<Derived>& X) {
  if (X.cols() == 1 || X.rows() == 1) return std::nullopt;
  return Error::make(ErrorCode::dimension_mismatch,
                     "a series is one column (or one row); got %ld rows and %ld columns",
                     static_cast<long>(X.rows()), static_cast<long>(X.cols()));
}

}  // namespace anomaly
