#pragma once
// RollingZScore: |x - mean| / stddev against the last `window` samples, in O(1) per sample.
#include <anomaly/core/concepts.hpp>
#include <anomaly/streaming/ring_buffer.hpp>
#include <anomaly/streaming/rolling_detector.hpp>

namespace anomaly {

/// Hyper-parameters of RollingZScore.
struct RollingZScoreParams {
  Index window = 1024;     ///< samples scored against (>= 2; <= Capacity when fixed)
  Index min_samples = 32;  ///< warm-up: scores are 0 until the window holds this many (or window)
  double threshold = 3.0;  ///< textbook cutoff |z| > 3, used by is_anomaly()
  NonFinitePolicy non_finite = NonFinitePolicy::skip;  ///< what a NaN or infinite sample scores
};

/// The first reason `params` cannot make a detector of fixed `capacity`, or nothing.
inline std::optional<Error> check(const RollingZScoreParams& params,
                                  Index capacity = dynamic_capacity) {
  if (auto error = detail::check_window(params.window, params.min_samples, capacity)) return error;
  return detail::check_cutoff("threshold", params.threshold);
}

/// Score = |x - mean| / stddev (population stddev, as ZScore) of the previous `window` samples;
/// in raw units when they are all equal. The sums are of x - shift, with shift a recent sample,
/// and are recomputed from the ring buffer every `window` samples: O(1) amortized, no drift.
/// Capacity > 0: every byte in place (firmware); dynamic_capacity: allocates in the constructor.
template <Scalar T = double, Index Capacity = dynamic_capacity>
class RollingZScore
    : public detail::RollingDetector<RollingZScore<T, Capacity>, T, RollingZScoreParams, Capacity> {
  using Base =
      detail::RollingDetector<RollingZScore<T, Capacity>, T, RollingZScoreParams, Capacity>;
  friend Base;

 public:
  using typename Base::Params;

  /// A detector with an empty window; raises anomaly::Error for bad params (see check()).
  explicit RollingZScore(Params params = {}) : Base(params), values_(params.window) {}

  /// Samples in the window now.
  Index size() const noexcept { return values_.size(); }
  /// Empties the window.
  void reset() noexcept {
    values_.clear();
    since_refresh_ = 0;
  }
  /// Mean of the window (needs size() > 0).
  double mean() const noexcept { return shift_ + sum_ / static_cast<double>(size()); }
  /// Population standard deviation of the window (needs size() > 0).
  double stddev() const noexcept {
    const double n = static_cast<double>(size());
    const double centered_mean = sum_ / n;
    return std::sqrt(std::max(0.0, sum_squares_ / n - centered_mean * centered_mean));
  }

 private:
  T score_window(T x) const noexcept {
    const auto center = static_cast<T>(mean());
    const auto scale = static_cast<T>(stddev());
    return fence_distance(x, center, center, inverse_or_one(scale));
  }

  void add(T x) noexcept {
    if (values_.size() == 0) {
      shift_ = static_cast<double>(x);
      sum_ = sum_squares_ = 0.0;
    }
    const double y = static_cast<double>(x) - shift_;
    sum_ += y;
    sum_squares_ += y * y;
    if (values_.full()) {
      const double old = static_cast<double>(values_.oldest()) - shift_;
      sum_ -= old;
      sum_squares_ -= old * old;
    }
    values_.push(x);
    if (++since_refresh_ >= values_.window()) refresh(x);
  }

  /// Exact sums again, around the latest sample (a constant window then sums to exactly 0).
  void refresh(T latest) noexcept {
    shift_ = static_cast<double>(latest);
    double sum = 0.0, sum_squares = 0.0;
    for (const T value : values_.values()) {
      const double y = static_cast<double>(value) - shift_;
      sum += y;
      sum_squares += y * y;
    }
    sum_ = sum;
    sum_squares_ = sum_squares;
    since_refresh_ = 0;
  }

  RingBuffer<T, Capacity> values_;
  double shift_ = 0.0;        // the sums are of (x - shift_): no cancellation far from 0
  double sum_ = 0.0;          // sum of (x - shift_) over the window
  double sum_squares_ = 0.0;  // sum of (x - shift_)^2 over the window
  Index since_refresh_ = 0;
};

static_assert(StreamingDetector<RollingZScore<double>> && StreamingDetector<RollingZScore<float>>);
static_assert(StreamingDetector<RollingZScore<float, 64>>);

}  // namespace anomaly
