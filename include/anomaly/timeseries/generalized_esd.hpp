#pragma once
// Rosner's (1983) generalized ESD test: at most k anomalies at significance alpha, with the
// median and MAD variant of Twitter's S-H-ESD (Hochenbaum et al. 2017) as an option.
#include <anomaly/core/error.hpp>
#include <anomaly/core/types.hpp>
#include <anomaly/core/validate.hpp>
#include <anomaly/detail/student_t.hpp>
#include <anomaly/timeseries/series.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace anomaly {

/// Parameters of generalized_esd.
struct GeneralizedEsdParams {
  /// k, the most anomalies the test may find, at most n - 2 for n finite values. 0 stands for a
  /// tenth of them (at least 1), as Twitter's max_anoms = 0.1.
  Index max_anomalies = 0;
  double alpha = 0.05;  ///< significance level, in (0, 1)
  /// false: Rosner's test, mean and sample standard deviation. true: S-H-ESD's median and
  /// 1.4826 MAD (where the MAD is 0, 1.253314 times the mean absolute deviation from the median).
  bool robust = false;
};

/// What generalized_esd found: one entry of `removed`, `statistics` and `critical_values` per step
/// i = 1..m, where m = k unless the remaining values became all equal first.
struct GeneralizedEsdResult {
  std::vector<Index> anomalies;    ///< their indices in the series, ascending
  std::vector<Index> removed;      ///< the index removed at each step, most extreme first
  Vector<double> statistics;       ///< R_i: the removed value's distance from the centre in scales
  Vector<double> critical_values;  ///< lambda_i
};

/// The first reason `params` cannot test a series of `finite_count` finite values, or nothing.
inline std::optional<Error> check(const GeneralizedEsdParams& params, Index finite_count) {
  if (!(params.alpha > 0.0 && params.alpha < 1.0)) {
    return parameter_error("alpha", "in (0, 1)", params.alpha);
  }
  if (finite_count < 3) {
    return Error::make(ErrorCode::too_few_samples,
                       "the series has %ld finite values; generalized_esd needs at least 3",
                       static_cast<long>(finite_count));
  }
  if (params.max_anomalies < 0 || params.max_anomalies > finite_count - 2) {
    return Error::make(ErrorCode::invalid_parameter,
                       "max_anomalies must be in [0, %ld] for %ld finite values (got %ld)",
                       static_cast<long>(finite_count - 2), static_cast<long>(finite_count),
                       static_cast<long>(params.max_anomalies));
  }
  return std::nullopt;
}

namespace detail {

/// lambda_i for step i of n values: (n - i) t / sqrt((n - i - 1 + t^2)(n - i + 1)), with t the
/// upper alpha / (2 (n - i + 1)) point of Student's t with n - i - 1 degrees of freedom.
inline double esd_critical_value(Index n, Index i, double alpha) {
  const double remaining = static_cast<double>(n - i + 1);
  const double dof = static_cast<double>(n - i - 1);
  const double t = student_t_upper_quantile(alpha / (2.0 * remaining), dof);
  return (remaining - 1.0) * t / std::sqrt((dof + t * t) * remaining);
}

/// The values still in the test: sorted[low, high) of the finite values sorted by (value, index).
/// Removing the most extreme value keeps them contiguous, because the value farthest from the
/// mean or the median is the smallest or the largest.
struct EsdSample {
  std::vector<std::pair<double, Index>> sorted;
  std::size_t low = 0, high = 0;

  std::size_t size() const { return high - low; }
  double value(std::size_t position) const { return sorted[position].first; }
};

/// Mean and sum of squared deviations of the sample, kept up to date as values leave it, and
/// computed afresh when the rounding the removals could have left exceeds 1e-12 of the variance
/// (a far outlier leaves the sum of squares it dominated with few correct digits; within the
/// bulk that takes thousands of steps, so the sums are rarely recomputed). Both are kept
/// relative to the first median, so that a series far from 0 (1e6 + noise) keeps its digits.
class MeanScale {
 public:
  explicit MeanScale(const EsdSample& sample)
      : shift_(sample.value(sample.low + sample.size() / 2)) {
    recompute(sample);
  }

  double scale(const EsdSample& sample) const {
    return std::sqrt(squares_ / static_cast<double>(sample.size() - 1));
  }
  double distance(double x) const { return std::abs((x - shift_) - offset_); }

  void refresh(const EsdSample& sample) { recompute(sample); }

  /// `sample` has just lost `x`.
  void remove(const EsdSample& sample, double x) {
    const double m = static_cast<double>(sample.size());
    const double deviation = (x - shift_) - offset_;
    const double new_offset = offset_ - deviation / m;
    const double change = deviation * ((x - shift_) - new_offset);
    squares_ -= change;
    offset_ = new_offset;
    // A bound on the rounding the downdates have left in the sum of squares, in its units: a far
    // outlier's removal leaves an error of its own size in what remains.
    error_ += std::numeric_limits<double>::epsilon() * (squares_ + 3.0 * change);
    if (!(error_ < 1e-12 * squares_)) recompute(sample);
  }

 private:
  void recompute(const EsdSample& sample) {
    double sum = 0;
    for (std::size_t p = sample.low; p < sample.high; ++p) sum += sample.value(p) - shift_;
    offset_ = sum / static_cast<double>(sample.size());
    squares_ = 0;
    for (std::size_t p = sample.low; p < sample.high; ++p) {
      const double deviation = (sample.value(p) - shift_) - offset_;
      squares_ += deviation * deviation;
    }
    error_ = 0;
  }

  double shift_, offset_ = 0, squares_ = 0, error_ = 0;
};

/// The median of sorted[first, first + count), count >= 1.
inline double sorted_median(const EsdSample& sample, std::size_t first, std::size_t count) {
  const std::size_t middle = first + count / 2;
  return count % 2 == 1 ? sample.value(middle)
                        : 0.5 * (sample.value(middle - 1) + sample.value(middle));
}

/// The rank-th smallest (0-based) of |x - median| over the sample, found by bisection on how
/// many of the values left of `split` (distances growing leftwards) and right of it (growing
/// rightwards) are taken: two sorted sequences merged, O(log n).
inline double sorted_distance_rank(const EsdSample& sample, std::size_t split, double median,
                                   std::size_t rank) {
  const std::size_t left_count = split - sample.low, right_count = sample.high - split;
  const auto left = [&](std::size_t j) { return median - sample.value(split - 1 - j); };
  const auto right = [&](std::size_t j) { return sample.value(split + j) - median; };
  // take j from the left and rank + 1 - j from the right; find the smallest j that works
  std::size_t lo = rank + 1 > right_count ? rank + 1 - right_count : 0;
  std::size_t hi = std::min(rank + 1, left_count);
  while (lo < hi) {
    const std::size_t j = lo + (hi - lo) / 2;
    const std::size_t from_right = rank + 1 - j;  // >= 1 while j < hi <= rank + 1
    if (left(j) < right(from_right - 1)) {
      lo = j + 1;
    } else {
      hi = j;
    }
  }
  const std::size_t from_right = rank + 1 - lo;
  const double last_left = lo > 0 ? left(lo - 1) : -1.0;
  const double last_right = from_right > 0 ? right(from_right - 1) : -1.0;
  return std::max(last_left, last_right);
}

/// Median and 1.4826 MAD of the sample (S-H-ESD's scale), from the sorted values.
class MedianScale {
 public:
  explicit MedianScale(const EsdSample&) {}

  double distance(double x) const { return std::abs(x - median_); }
  double scale(const EsdSample& sample) {
    const std::size_t n = sample.size();
    median_ = sorted_median(sample, sample.low, n);
    std::size_t split = sample.low;  // first value >= median
    split = static_cast<std::size_t>(
        std::lower_bound(sample.sorted.begin() + static_cast<std::ptrdiff_t>(sample.low),
                         sample.sorted.begin() + static_cast<std::ptrdiff_t>(sample.high), median_,
                         [](const auto& entry, double v) { return entry.first < v; }) -
        sample.sorted.begin());
    double mad = sorted_distance_rank(sample, split, median_, (n - 1) / 2);
    if (n % 2 == 0) mad = 0.5 * (mad + sorted_distance_rank(sample, split, median_, n / 2));
    if (mad > 0) return 1.4826 * mad;
    // More than half the values tie: the mean absolute deviation, scaled to sigma for normal
    // data (sqrt(pi / 2)), as ModifiedZScore does (decision 3).
    double sum = 0;
    for (std::size_t p = sample.low; p < sample.high; ++p) {
      sum += std::abs(sample.value(p) - median_);
    }
    return 1.253314 * sum / static_cast<double>(n);
  }
  void refresh(const EsdSample&) {}  // the median and MAD are exact order statistics
  void remove(const EsdSample&, double) {}

 private:
  double median_ = 0;
};

/// Steps i = 1..k of the test; `Center` keeps the centre and scale of the remaining values.
template <class Center>
void run_esd(EsdSample& sample, Index k, double alpha, GeneralizedEsdResult& out) {
  const Index n = static_cast<Index>(sample.size());
  Center center(sample);
  std::vector<double> statistics, critical_values;
  Index count = 0;  // the largest i with R_i > lambda_i
  for (Index i = 1; i <= k; ++i) {
    // All remaining values equal: none is extreme (their computed sd need not be exactly 0).
    if (sample.value(sample.low) == sample.value(sample.high - 1)) break;
    double scale = center.scale(sample);  // before distance(): MedianScale finds both
    if (!(scale > 0)) break;
    double low_distance = center.distance(sample.value(sample.low));
    double high_distance = center.distance(sample.value(sample.high - 1));
    if (std::abs(high_distance - low_distance) <= 1e-12 * high_distance) {
      // A tie, or rounding away from one: decide on sums computed afresh.
      center.refresh(sample);
      scale = center.scale(sample);
      low_distance = center.distance(sample.value(sample.low));
      high_distance = center.distance(sample.value(sample.high - 1));
    }
    // Among equal values the smallest index goes first: the first of the top run of ties.
    std::size_t top = sample.high - 1;
    while (top > sample.low && sample.value(top - 1) == sample.value(sample.high - 1)) --top;
    const bool take_high = high_distance > low_distance ||
                           (high_distance == low_distance &&
                            sample.sorted[top].second < sample.sorted[sample.low].second);
    double x = 0;
    if (take_high) {
      std::rotate(sample.sorted.begin() + static_cast<std::ptrdiff_t>(top),
                  sample.sorted.begin() + static_cast<std::ptrdiff_t>(top + 1),
                  sample.sorted.begin() + static_cast<std::ptrdiff_t>(sample.high));
      --sample.high;
      x = sample.value(sample.high);
      out.removed.push_back(sample.sorted[sample.high].second);
    } else {
      x = sample.value(sample.low);
      out.removed.push_back(sample.sorted[sample.low].second);
      ++sample.low;
    }
    statistics.push_back((take_high ? high_distance : low_distance) / scale);
    critical_values.push_back(esd_critical_value(n, i, alpha));
    if (statistics.back() > critical_values.back()) count = i;
    center.remove(sample, x);
  }
  out.statistics =
      Eigen::Map<const Vector<double>>(statistics.data(), static_cast<Index>(statistics.size()));
  out.critical_values = Eigen::Map<const Vector<double>>(
      critical_values.data(), static_cast<Index>(critical_values.size()));
  out.anomalies.assign(out.removed.begin(), out.removed.begin() + count);
  std::sort(out.anomalies.begin(), out.anomalies.end());
}

template <class T>
GeneralizedEsdResult generalized_esd_of(const SeriesRef<T>& series,
                                        const GeneralizedEsdParams& params) {
  EsdSample sample;
  sample.sorted.reserve(static_cast<std::size_t>(series.size()));
  for (Index t = 0; t < series.size(); ++t) {
    const double v = static_cast<double>(series[t]);
    if (std::isnan(v)) continue;  // a missing value: neither tested nor counted
    if (std::isinf(v)) {
      raise(Error::make(ErrorCode::non_finite_input,
                        "series[%ld] is %s: values must be finite (NaN is skipped)",
                        static_cast<long>(t), non_finite_name(v)));
    }
    sample.sorted.emplace_back(v, t);
  }
  const Index n = static_cast<Index>(sample.sorted.size());
  raise_if(check(params, n));
  const Index k = params.max_anomalies > 0 ? params.max_anomalies : std::max<Index>(1, n / 10);
  std::sort(sample.sorted.begin(), sample.sorted.end());
  sample.high = sample.sorted.size();
  GeneralizedEsdResult out;
  if (params.robust) {
    run_esd<MedianScale>(sample, k, params.alpha, out);
  } else {
    run_esd<MeanScale>(sample, k, params.alpha, out);
  }
  return out;
}

}  // namespace detail

/// Rosner's generalized ESD test for at most k = params.max_anomalies anomalies at significance
/// params.alpha. Step i = 1..k takes the remaining value farthest from the mean (robust: the
/// median), R_i = that distance / the sample standard deviation (robust: 1.4826 MAD), removes it,
/// and compares R_i with lambda_i = (n - i) t / sqrt((n - i - 1 + t^2)(n - i + 1)), t Student's
/// upper alpha / (2 (n - i + 1)) point with n - i - 1 degrees of freedom. The anomalies are the
/// values removed in the first j steps, j the largest i with R_i > lambda_i (none if there is
/// none). NaN values are skipped: not tested, not counted in n, never anomalies. Among equal
/// distances the smallest index goes first. The test stops early when the remaining values are
/// all equal. Computed in double whatever the series' scalar; O(n log n + k log n) for the
/// mean, the same plus O(n) per step where more than half the remaining values tie (robust).
/// Errors: alpha outside (0, 1), fewer than 3 finite values, max_anomalies outside [0, n - 2],
/// an infinity (named by its index), a matrix of more than one row and column.
template <class Derived>
GeneralizedEsdResult generalized_esd(const Eigen::MatrixBase<Derived>& series,
                                     const GeneralizedEsdParams& params = {}) {
  raise_if(check_vector(series));
  using T = typename Derived::Scalar;
  return detail::generalized_esd_of<T>(SeriesRef<T>(series.derived().reshaped()), params);
}

}  // namespace anomaly
