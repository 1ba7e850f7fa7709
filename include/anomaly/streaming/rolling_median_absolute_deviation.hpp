#pragma once
// RollingMedianAbsoluteDeviation: the modified z-score of Iglewicz and Hoaglin (1993) against the
// last `window` samples, with exact order statistics in O(log window) per sample.
#include <anomaly/core/concepts.hpp>
#include <anomaly/streaming/rolling_detector.hpp>
#include <anomaly/streaming/sorted_window.hpp>

namespace anomaly {

/// Hyper-parameters of RollingMedianAbsoluteDeviation.
struct RollingMedianAbsoluteDeviationParams {
  Index window = 1024;     ///< samples scored against (>= 2; <= Capacity when fixed)
  Index min_samples = 32;  ///< warm-up: scores are 0 until the window holds this many (or window)
  double threshold = 3.5;  ///< Iglewicz and Hoaglin's cutoff, used by is_anomaly()
  NonFinitePolicy non_finite = NonFinitePolicy::skip;  ///< what a NaN or infinite sample scores
};

/// The first reason `params` cannot make a detector of fixed `capacity`, or nothing.
inline std::optional<Error> check(const RollingMedianAbsoluteDeviationParams& params,
                                  Index capacity = dynamic_capacity) {
  if (auto error = detail::check_window(params.window, params.min_samples, capacity)) return error;
  return detail::check_cutoff("threshold", params.threshold);
}

/// Score = 0.6745 |x - median| / MAD of the previous `window` samples, as ModifiedZScore fitted on
/// them: when the MAD is 0, 1.253314 times the mean absolute deviation stands in, and when that
/// is 0 too, x is scored in raw units. Medians by numpy's linear method.
template <Scalar T = double, Index Capacity = dynamic_capacity>
class RollingMedianAbsoluteDeviation
    : public detail::RollingDetector<RollingMedianAbsoluteDeviation<T, Capacity>, T,
                                     RollingMedianAbsoluteDeviationParams, Capacity> {
  using Base = detail::RollingDetector<RollingMedianAbsoluteDeviation<T, Capacity>, T,
                                       RollingMedianAbsoluteDeviationParams, Capacity>;
  friend Base;

 public:
  using typename Base::Params;

  /// A detector with an empty window; raises anomaly::Error for bad params (see check()).
  explicit RollingMedianAbsoluteDeviation(Params params = {})
      : Base(params), window_(params.window) {}

  /// Samples in the window now.
  Index size() const noexcept { return window_.size(); }
  /// Empties the window.
  void reset() noexcept {
    window_.clear();
    left_ = 0;
    deviation_valid_ = false;
  }
  /// Median of the window (needs size() > 0).
  double median() const noexcept { return quantile(window_.sorted(), 0.5); }
  /// Median absolute deviation of the window, unscaled (needs size() > 0).
  double median_absolute_deviation() noexcept { return deviation_quantile(median()); }

 private:
  using Tree = OrderStatisticTree<T, Capacity>;
  using Cursor = typename Tree::Cursor;
  static constexpr Index walk_limit = 8;  // steps from the last answer before a fresh selection

  T score_window(T x) noexcept {
    const double center = median();
    const double mad = deviation_quantile(center);
    // The mean deviation is only computed when the MAD is 0 (its O(window) fallback).
    const double scale = robust_scale(mad, mad > 0 ? 0.0 : mean_deviation(center));
    const auto center_t = static_cast<T>(center);
    return fence_distance(x, center_t, center_t, inverse_or_one(static_cast<T>(scale)));
  }

  void add(T x) noexcept {
    if (deviation_valid_) {  // keep the sum of |x - center| while the center stays
      if (window_.arrivals().full()) {
        deviation_sum_ -=
            std::abs(static_cast<double>(window_.arrivals().oldest()) - deviation_center_);
      }
      deviation_sum_ += std::abs(static_cast<double>(x) - deviation_center_);
      if (++since_refresh_ >= this->params_.window) deviation_valid_ = false;  // bounds the drift
    }
    window_.push(x);
  }

  /// The median of |S - m| over the sorted window S (numpy's linear method), for m its median.
  /// The j + 1 values nearest m are a run S[a..a+j] of consecutive ranks; the run's left end a
  /// is the first with S[a+j+1] - m >= m - S[a] (monotone in a). The search walks from the last
  /// update's a, and hands over to the tree's O(log window) selection when the median jumped far.
  double deviation_quantile(double m) noexcept {
    const Tree& sorted = window_.sorted();
    const Index n = sorted.size();
    const Index j = (n - 1) / 2;   // rank of the lower middle deviation
    const Index last = n - 1 - j;  // largest left end
    const auto value = [&](Cursor c) { return static_cast<double>(sorted.value(c)); };
    Index a = std::min(left_, last);
    Cursor left = sorted.find(a), right = sorted.find(a + j);
    const auto stop = [&](Cursor l, Cursor r, Index at) {  // the run starting at `at` is nearest
      return at == last || value(sorted.next(r)) - m >= m - value(l);
    };
    Index steps = 0;
    if (stop(left, right, a)) {
      while (a > 0 && steps < walk_limit) {
        const Cursor l = sorted.prev(left), r = sorted.prev(right);
        if (!stop(l, r, a - 1)) break;
        left = l, right = r, --a, ++steps;
      }
    } else {
      while (!stop(left, right, a) && steps < walk_limit) {
        left = sorted.next(left), right = sorted.next(right), ++a, ++steps;
      }
    }
    if (steps == walk_limit) {
      a = sorted.nearest_run(m, n / 2, j + 1);
      left = sorted.find(a), right = sorted.find(a + j);
    }
    left_ = a;
    const double lower = std::max(std::abs(value(left) - m), std::abs(value(right) - m));
    if (n % 2 == 1) return lower;
    double next = std::numeric_limits<double>::infinity();  // the (j + 2)-th nearest
    if (a > 0) next = std::abs(value(sorted.prev(left)) - m);
    if (a + j + 1 < n) next = std::min(next, std::abs(value(sorted.next(right)) - m));
    const double upper = std::max(lower, next);
    return lower + 0.5 * (upper - lower);
  }

  /// Mean of |x - m| over the window: kept up to date while m stays, else recomputed (O(window);
  /// only needed while more than half the window equals its median).
  double mean_deviation(double m) noexcept {
    if (!deviation_valid_ || deviation_center_ != m) {
      double sum = 0.0;
      for (const T value : window_.arrivals().values())
        sum += std::abs(static_cast<double>(value) - m);
      deviation_sum_ = sum;
      deviation_center_ = m;
      deviation_valid_ = true;
      since_refresh_ = 0;
    }
    return deviation_sum_ / static_cast<double>(size());
  }

  SortedWindow<T, Capacity> window_;
  Index left_ = 0;                 // left end of the last nearest run: where the next search starts
  double deviation_sum_ = 0.0;     // sum of |x - deviation_center_| over the window
  double deviation_center_ = 0.0;  // the median deviation_sum_ is about
  bool deviation_valid_ = false;
  Index since_refresh_ = 0;
};

static_assert(StreamingDetector<RollingMedianAbsoluteDeviation<double>>);
static_assert(StreamingDetector<RollingMedianAbsoluteDeviation<float, 64>>);

}  // namespace anomaly
