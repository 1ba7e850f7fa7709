#pragma once
// RollingInterquartileRange: Tukey's fences (1977) over the last `window` samples, with exact
// quartiles in O(log window) per sample.
#include <anomaly/core/concepts.hpp>
#include <anomaly/streaming/rolling_detector.hpp>
#include <anomaly/streaming/sorted_window.hpp>

namespace anomaly {

/// Hyper-parameters of RollingInterquartileRange.
struct RollingInterquartileRangeParams {
  Index window = 1024;     ///< samples scored against (>= 2; <= Capacity when fixed)
  Index min_samples = 32;  ///< warm-up: scores are 0 until the window holds this many (or window)
  double fence = 1.5;      ///< k: Tukey's 1.5 ("outlier"); 3 is "far out"
  double threshold = 0.0;  ///< any distance outside a fence is anomalous, for is_anomaly()
  NonFinitePolicy non_finite = NonFinitePolicy::skip;  ///< what a NaN or infinite sample scores
};

/// The first reason `params` cannot make a detector of fixed `capacity`, or nothing.
inline std::optional<Error> check(const RollingInterquartileRangeParams& params,
                                  Index capacity = dynamic_capacity) {
  if (auto error = detail::check_window(params.window, params.min_samples, capacity)) return error;
  if (auto error = detail::check_cutoff("fence", params.fence)) return error;
  return detail::check_cutoff("threshold", params.threshold);
}

/// Score = distance of x outside [Q1 - k IQR, Q3 + k IQR] of the previous `window` samples, in
/// IQR units (raw units when the IQR is 0), as InterquartileRange fitted on them. Quartiles by
/// numpy's linear method.
template <Scalar T = double, Index Capacity = dynamic_capacity>
class RollingInterquartileRange
    : public detail::RollingDetector<RollingInterquartileRange<T, Capacity>, T,
                                     RollingInterquartileRangeParams, Capacity> {
  using Base = detail::RollingDetector<RollingInterquartileRange<T, Capacity>, T,
                                       RollingInterquartileRangeParams, Capacity>;
  friend Base;

 public:
  using typename Base::Params;

  /// A detector with an empty window; raises anomaly::Error for bad params (see check()).
  explicit RollingInterquartileRange(Params params = {}) : Base(params), window_(params.window) {}

  /// Samples in the window now.
  Index size() const noexcept { return window_.size(); }
  /// Empties the window.
  void reset() noexcept { window_.clear(); }
  /// First quartile of the window (needs size() > 0).
  double q1() const noexcept { return quantile(window_.sorted(), 0.25); }
  /// Third quartile of the window (needs size() > 0).
  double q3() const noexcept { return quantile(window_.sorted(), 0.75); }

 private:
  T score_window(T x) const noexcept {
    const double low = q1(), high = q3();
    const double iqr = high - low;
    return fence_distance(x, static_cast<T>(low - this->params_.fence * iqr),
                          static_cast<T>(high + this->params_.fence * iqr),
                          static_cast<T>(inverse_or_one(iqr)));
  }
  void add(T x) noexcept { window_.push(x); }

  SortedWindow<T, Capacity> window_;
};

static_assert(StreamingDetector<RollingInterquartileRange<double>>);
static_assert(StreamingDetector<RollingInterquartileRange<float, 64>>);

}  // namespace anomaly
