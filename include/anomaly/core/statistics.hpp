#pragma once
// The robust-statistics conventions shared by the batch and the rolling detectors: quantiles by
// numpy's linear method, the MAD's consistency constants, and the per-feature fence score.
#include <anomaly/core/types.hpp>

#include <algorithm>
#include <cmath>

namespace anomaly {

/// 0.6745 = the 0.75 quantile of N(0, 1): MAD / 0.6745 estimates sigma for normal data.
inline constexpr double mad_consistency = 0.6745;
/// sqrt(pi / 2) to 7 digits: mean absolute deviation times this estimates sigma for normal data.
inline constexpr double mean_deviation_consistency = 1.253314;

/// The spread a modified z-score divides by: MAD / 0.6745, or, when more than half the values tie
/// (MAD 0), 1.253314 times the mean absolute deviation (IBM SPSS's rule). 0 means "constant".
inline double robust_scale(double mad, double mean_deviation) noexcept {
  constexpr double per_mad = 1.0 / mad_consistency;  // a product: this runs once per sample
  return mad > 0 ? mad * per_mad : mean_deviation_consistency * mean_deviation;
}

/// 1 / scale, or 1 for a zero scale: a constant feature is scored in raw units (as scikit-learn's
/// StandardScaler treats zero variance), so scores stay finite.
template <class T>
T inverse_or_one(T scale) noexcept {
  return scale > T(0) ? T(1) / scale : T(1);
}

/// Distance of x outside [low, high] times 1 / scale: every statistical detector's feature score.
template <class T>
T fence_distance(T x, T low, T high, T inverse_scale) noexcept {
  return std::max({T(0), low - x, x - high}) * inverse_scale;
}

/// The p-quantile of n sorted values by numpy's default "linear" method.
template <class T>
T sorted_quantile(const T* sorted, Index n, double p) noexcept {
  if (n == 1) return sorted[0];
  const double position = std::clamp(p, 0.0, 1.0) * static_cast<double>(n - 1);
  const auto below = static_cast<Index>(std::floor(position));
  if (below >= n - 1) return sorted[n - 1];
  const double low = static_cast<double>(sorted[below]);
  const double high = static_cast<double>(sorted[below + 1]);
  return static_cast<T>(low + (position - static_cast<double>(below)) * (high - low));
}

/// The p-quantile (numpy's linear method) of values[0, n), partially reordering them: O(n).
/// The first `prefix` values must be the `prefix` smallest (a previous selection's left part) and
/// hold the answer: the search stays inside them. prefix = n needs nothing.
template <class T>
double select_quantile(T* values, Index n, double p, Index prefix) noexcept {
  const double position = p * static_cast<double>(n - 1);
  const auto below = static_cast<Index>(std::floor(position));
  std::nth_element(values, values + below, values + prefix);
  const double low = static_cast<double>(values[below]);
  if (below + 1 >= n) return low;
  // The next order statistic: the least value right of `below`, within the prefix when it has one.
  T* end = values + (below + 1 < prefix ? prefix : n);
  const double high = static_cast<double>(*std::min_element(values + below + 1, end));
  return low + (position - static_cast<double>(below)) * (high - low);
}

/// The median of n values and the modified z-score's spread around them.
struct RobustSpread {
  double median = 0;
  double mad = 0;    ///< median absolute deviation from the median
  double scale = 0;  ///< robust_scale(mad, mean absolute deviation); 0 for a constant
};

/// RobustSpread of values[0, n) (n >= 1), leaving their absolute deviations from the median there.
inline RobustSpread robust_spread(double* values, Index n) noexcept {
  RobustSpread spread;
  spread.median = select_quantile(values, n, 0.5, n);
  Eigen::Map<Eigen::VectorXd> deviations(values, n);
  deviations = (deviations.array() - spread.median).abs();
  const double mean_deviation = deviations.mean();
  spread.mad = select_quantile(values, n, 0.5, n);
  spread.scale = robust_scale(spread.mad, mean_deviation);
  return spread;
}

}  // namespace anomaly
