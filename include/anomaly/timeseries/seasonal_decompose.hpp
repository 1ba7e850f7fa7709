#pragma once
// Classical seasonal decomposition by moving averages, as statsmodels' seasonal_decompose: a
// trend from a centred (or trailing) moving average over one period, a seasonal pattern from the
// mean of each phase of the detrended series, and what remains.
#include <anomaly/core/error.hpp>
#include <anomaly/core/types.hpp>
#include <anomaly/core/validate.hpp>
#include <anomaly/timeseries/series.hpp>

#include <cmath>
#include <limits>
#include <optional>

namespace anomaly {

/// How the components combine: series = trend + seasonal + remainder, or their product.
enum class SeasonalModel { additive, multiplicative };

/// Parameters of seasonal_decompose (statsmodels' names and defaults; its `filt` is not offered).
struct SeasonalDecomposeParams {
  Index period = 0;  ///< time steps per cycle, at least 2; the series needs two cycles
  SeasonalModel model = SeasonalModel::additive;
  /// true: the moving average is centred; false: it uses the current and past values only.
  bool two_sided = true;
  /// 0: the trend is NaN where the moving average does not fit (its ends). n > 0: those values
  /// are extrapolated linearly from the n + 1 nearest trend values (statsmodels' "freq" is
  /// period - 1).
  Index extrapolate_trend = 0;
};

/// A series split into trend, seasonal and remainder, each as long as the series.
template <Scalar T>
struct Decomposition {
  Vector<T> trend;
  Vector<T> seasonal;
  Vector<T> remainder;
};

/// The first reason `params` cannot decompose a series of `length` values, or nothing.
inline std::optional<Error> check(const SeasonalDecomposeParams& params, Index length) {
  if (params.period < 2) {
    return parameter_error("period", "at least 2", static_cast<double>(params.period));
  }
  if (params.extrapolate_trend < 0) {
    return parameter_error("extrapolate_trend", "at least 0",
                           static_cast<double>(params.extrapolate_trend));
  }
  if (length / 2 < params.period) {
    return Error::make(ErrorCode::too_few_samples,
                       "the series has %ld values; two cycles of period %ld need %ld",
                       static_cast<long>(length), static_cast<long>(params.period),
                       2 * static_cast<long>(params.period));
  }
  return std::nullopt;
}

namespace detail {

/// The moving average of one period at every step where it fits, NaN elsewhere: weights 1/p over
/// p values (odd p), or over p + 1 values with half weights at both ends (even p, so that the
/// average stays centred). Window sums slide in O(1) per step and are recomputed every window,
/// so rounding does not accumulate along the series.
template <class T>
Vector<T> period_moving_average(const SeriesRef<T>& x, Index period, bool two_sided) {
  const Index n = x.size();
  const bool even = period % 2 == 0;
  const Index width = even ? period + 1 : period;
  const T edge = even ? T{0.5} : T{1};
  const Index lag = two_sided ? width / 2 : width - 1;  // steps before t in t's window
  Vector<T> trend = Vector<T>::Constant(n, std::numeric_limits<T>::quiet_NaN());
  const Index windows = n - width + 1;
  T inner = 0;  // sum of the window's values between its two ends
  for (Index w = 0; w < windows; ++w) {
    if (w % width == 0) {
      inner = x.segment(w + 1, width - 2).sum();
    } else {
      inner += x[w + width - 2] - x[w];
    }
    trend[w + lag] = (inner + edge * (x[w] + x[w + width - 1])) / static_cast<T>(period);
  }
  return trend;
}

/// The least-squares line through (i, y[i]) for i in [first, last), evaluated at `at`: numpy's
/// lstsq, whose minimum-norm answer for a single point statsmodels relies on at short series.
template <class T>
T line_at(const Vector<T>& y, Index first, Index last, Index at) {
  const Index count = last - first;
  if (count == 1) {  // one equation k i + c = y: the minimum-norm (k, c) is y (i, 1) / (i^2 + 1)
    const double i = static_cast<double>(first);
    const double value = static_cast<double>(y[first]);
    return static_cast<T>(value * (i * static_cast<double>(at) + 1) / (i * i + 1));
  }
  double mean_i = 0, mean_y = 0;
  for (Index i = first; i < last; ++i) {
    mean_i += static_cast<double>(i);
    mean_y += static_cast<double>(y[i]);
  }
  mean_i /= static_cast<double>(count);
  mean_y /= static_cast<double>(count);
  double covariance = 0, variance = 0;
  for (Index i = first; i < last; ++i) {
    const double di = static_cast<double>(i) - mean_i;
    covariance += di * (static_cast<double>(y[i]) - mean_y);
    variance += di * di;
  }
  const double slope = covariance / variance;
  return static_cast<T>(mean_y + slope * (static_cast<double>(at) - mean_i));
}

/// Replaces the trend's NaN ends by lines fitted to the `points` nearest defined values, with
/// statsmodels' choice of points: [front, front + points) and [back - points, back), where
/// front and back are the first and last defined indices (so `back` itself is left out).
template <class T>
void extrapolate_trend(Vector<T>& trend, Index points) {
  Index front = 0;
  while (std::isnan(trend[front])) ++front;
  Index back = trend.size() - 1;
  while (std::isnan(trend[back])) --back;
  const Index front_last = std::min(front + points, back);
  const Index back_first = std::max(front, back - points);
  for (Index t = 0; t < front; ++t) trend[t] = line_at(trend, front, front_last, t);
  for (Index t = back + 1; t < trend.size(); ++t) trend[t] = line_at(trend, back_first, back, t);
}

template <Scalar T>
Decomposition<T> seasonal_decompose_of(const SeriesRef<T>& series,
                                       const SeasonalDecomposeParams& params) {
  raise_if(check(params, series.size()));
  raise_if(check_series<T>(series, 2 * params.period, "seasonal_decompose"));
  const bool multiplicative = params.model == SeasonalModel::multiplicative;
  if (multiplicative) {
    for (Index t = 0; t < series.size(); ++t) {
      if (!(series[t] > T{0})) {
        raise(Error::make(ErrorCode::invalid_parameter,
                          "series[%ld] = %g: the multiplicative model needs values > 0",
                          static_cast<long>(t), static_cast<double>(series[t])));
      }
    }
  }
  const Index n = series.size(), period = params.period;
  Decomposition<T> out;
  out.trend = period_moving_average<T>(series, period, params.two_sided);
  if (params.extrapolate_trend > 0) extrapolate_trend(out.trend, params.extrapolate_trend + 1);
  const Vector<T> detrended =
      multiplicative ? Vector<T>(series.cwiseQuotient(out.trend)) : Vector<T>(series - out.trend);
  // Each phase's mean over the cycles where the trend is defined, then centred.
  Vector<T> phase(period);
  for (Index p = 0; p < period; ++p) {
    T sum = 0;
    Index count = 0;
    for (Index t = p; t < n; t += period) {
      if (std::isnan(detrended[t])) continue;
      sum += detrended[t];
      ++count;
    }
    phase[p] = sum / static_cast<T>(count);  // two cycles leave every phase a defined value
  }
  if (multiplicative) {
    phase /= phase.mean();
  } else {
    phase.array() -= phase.mean();
  }
  out.seasonal.resize(n);
  for (Index t = 0; t < n; ++t) out.seasonal[t] = phase[t % period];
  out.remainder = multiplicative
                      ? Vector<T>(series.cwiseQuotient(out.seasonal).cwiseQuotient(out.trend))
                      : Vector<T>(detrended - out.seasonal);
  return out;
}

}  // namespace detail

/// Splits `series` into trend, seasonal and remainder by moving averages, as statsmodels'
/// seasonal_decompose(x, model, period=period, two_sided, extrapolate_trend) (equal to 1e-12 of
/// the series' scale: docs/timeseries.md). The seasonal component repeats with the period and
/// sums to 0 over one (multiplicative: averages 1); trend and remainder are NaN where the moving
/// average does not reach, unless extrapolate_trend > 0. Errors: bad parameters, fewer than two
/// periods, a NaN or infinity, and (multiplicative) a value <= 0, each naming where.
template <class Derived>
Decomposition<typename Derived::Scalar> seasonal_decompose(const Eigen::MatrixBase<Derived>& series,
                                                           const SeasonalDecomposeParams& params) {
  raise_if(check_vector(series));
  using T = typename Derived::Scalar;
  return detail::seasonal_decompose_of<T>(SeriesRef<T>(series.derived().reshaped()), params);
}

}  // namespace anomaly
