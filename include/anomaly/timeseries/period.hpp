#pragma once
// Period estimation for users who do not know their series' period: the lag of the strongest
// prominent peak of the autocorrelation function, after removing a least-squares line.
#include <anomaly/core/error.hpp>
#include <anomaly/core/types.hpp>
#include <anomaly/core/validate.hpp>
#include <anomaly/timeseries/series.hpp>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <vector>

namespace anomaly {

/// Parameters of estimate_period.
struct PeriodParams {
  Index min_period = 2;  ///< shortest period considered, at least 2
  /// Longest period considered; 0: min(n / 2, 4096). The search costs O(n max_period).
  Index max_period = 0;
  /// A peak counts when its autocorrelation rises at least this far above the lowest value at
  /// a shorter lag: a seasonal series dips (to about -r at half the period) before each peak,
  /// a merely persistent one (a random walk, a smooth trend) decays without dipping.
  double min_prominence = 0.3;
  /// ... and reaches at least this: the seasonal part's share of the detrended variance, about.
  double min_autocorrelation = 0.2;
};

/// The period found (0: none) and the autocorrelation of the detrended series at that lag.
struct PeriodEstimate {
  Index period = 0;
  double autocorrelation = 0;
};

/// The first reason `params` cannot search a series of `length` values, or nothing.
inline std::optional<Error> check(const PeriodParams& params, Index length) {
  if (params.min_period < 2) {
    return parameter_error("min_period", "at least 2", static_cast<double>(params.min_period));
  }
  if (params.max_period != 0 && params.max_period < params.min_period) {
    return parameter_error("max_period", "0 or at least min_period",
                           static_cast<double>(params.max_period));
  }
  if (!(params.min_prominence > 0 && params.min_prominence <= 2)) {
    return parameter_error("min_prominence", "in (0, 2]", params.min_prominence);
  }
  if (!(params.min_autocorrelation >= -1 && params.min_autocorrelation <= 1)) {
    return parameter_error("min_autocorrelation", "in [-1, 1]", params.min_autocorrelation);
  }
  if (length / 2 < params.min_period) {
    return Error::make(ErrorCode::too_few_samples,
                       "the series has %ld values; two cycles of min_period %ld need %ld",
                       static_cast<long>(length), static_cast<long>(params.min_period),
                       2 * static_cast<long>(params.min_period));
  }
  return std::nullopt;
}

namespace detail {

/// The series minus its least-squares line, in double.
template <class T>
Eigen::VectorXd detrended_linear(const SeriesRef<T>& series) {
  const Index n = series.size();
  const Eigen::VectorXd y = series.template cast<double>();
  const Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(n, 0.0, static_cast<double>(n - 1));
  const double mean_t = t.mean(), mean_y = y.mean();
  const double variance = (t.array() - mean_t).square().sum();
  const double slope = (t.array() - mean_t).matrix().dot((y.array() - mean_y).matrix()) / variance;
  return (y.array() - mean_y - slope * (t.array() - mean_t)).matrix();
}

template <Scalar T>
PeriodEstimate estimate_period_of(const SeriesRef<T>& series, const PeriodParams& params) {
  raise_if(check(params, series.size()));
  raise_if(check_series<T>(series, 2 * params.min_period, "estimate_period"));
  const Index n = series.size();
  const Index longest =
      params.max_period != 0 ? std::min(params.max_period, n / 2) : std::min<Index>(n / 2, 4096);
  Eigen::VectorXd y = detrended_linear(series);
  const double largest = y.cwiseAbs().maxCoeff();
  if (!(largest > 0)) return {};  // a constant or a line
  y /= largest;                   // so that the sums of products cannot overflow
  const double energy = y.squaredNorm();
  // Biased autocorrelation (divided by the lag-0 sum), as statsmodels' acf: longer lags weigh
  // less, which is what ranks a fundamental above its multiples. Computed an eighth beyond the
  // longest lag, for the neighbourhood test below (still < n: longest <= n / 2).
  const auto reach = [](Index lag) { return std::max<Index>(1, lag / 8); };
  Eigen::VectorXd acf(longest + reach(longest) + 1);
  for (Index lag = 0; lag < acf.size(); ++lag) {
    acf[lag] = y.head(n - lag).dot(y.tail(n - lag)) / energy;
  }
  std::vector<PeriodEstimate> candidates;
  double lowest = acf[1];
  for (Index lag = 2; lag <= longest; ++lag) {
    lowest = std::min(lowest, acf[lag - 1]);
    if (lag < params.min_period || acf[lag] < params.min_autocorrelation ||
        acf[lag] - lowest < params.min_prominence || acf[lag] <= acf[lag - 1]) {
      continue;
    }
    // A peak of the season is broad; noise adds ripples to its flanks, which this rejects: the
    // highest value within an eighth of the lag on both sides.
    const Index from = std::max<Index>(1, lag - reach(lag)), to = lag + reach(lag);
    if (acf.segment(from, to - from + 1).maxCoeff() > acf[lag]) continue;
    candidates.push_back({lag, acf[lag]});
  }
  if (candidates.empty()) return {};
  const PeriodEstimate best = *std::max_element(
      candidates.begin(), candidates.end(),
      [](const auto& a, const auto& b) { return a.autocorrelation < b.autocorrelation; });
  // Noise can lift a multiple of the period above the period itself: a shorter candidate that
  // divides the best one (within its peak's reach) and comes within 5% of it wins.
  for (const PeriodEstimate& candidate : candidates) {
    const Index multiple = (best.period + candidate.period / 2) / candidate.period;
    if (multiple >= 2 &&
        std::abs(best.period - multiple * candidate.period) <= reach(best.period) &&
        candidate.autocorrelation >= 0.95 * best.autocorrelation) {
      return candidate;
    }
  }
  return best;
}

}  // namespace detail

/// The most likely period of `series`: among the lags in [min_period, max_period] where the
/// autocorrelation of the detrended series is highest within an eighth of the lag, reaches
/// min_autocorrelation and rises at least min_prominence above every shorter lag's lowest
/// value, the one with the highest autocorrelation, or the shortest such lag that divides it and
/// comes within 5% (noise can lift a multiple of the period above the period). Period 0 when no
/// lag qualifies (noise, a trend alone, a constant). Errors: bad parameters, a series shorter than
/// two min_periods, a NaN or infinity (naming its index).
template <class Derived>
PeriodEstimate estimate_period(const Eigen::MatrixBase<Derived>& series,
                               const PeriodParams& params = {}) {
  raise_if(check_vector(series));
  using T = typename Derived::Scalar;
  return detail::estimate_period_of<T>(SeriesRef<T>(series.derived().reshaped()), params);
}

}  // namespace anomaly
