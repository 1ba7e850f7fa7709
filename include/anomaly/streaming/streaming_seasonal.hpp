#pragma once
// StreamingSeasonal: a sample against the prediction of a smoothed level plus a smoothed value for
// its phase of the period (additive Holt-Winters without a slope), in O(1) per sample.
#include <anomaly/core/concepts.hpp>
#include <anomaly/core/error.hpp>
#include <anomaly/core/validate.hpp>
#include <anomaly/streaming/capacity.hpp>
#include <anomaly/streaming/rolling_detector.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <utility>

namespace anomaly {

/// Hyper-parameters of StreamingSeasonal.
struct StreamingSeasonalParams {
  Index period = 24;  ///< samples per cycle, >= 2 (<= Capacity when fixed)
  /// Share of each (clipped) residual the level takes: its memory is about 1 / rate samples.
  double level_rate = 0.05;
  /// Share the sample's phase takes: each phase learns once per cycle, so its memory is about
  /// 1 / rate cycles.
  double seasonal_rate = 0.2;
  /// Share of each |residual| the scale takes once warm (before: their plain mean).
  double scale_rate = 0.01;
  /// Residuals beyond this many scale units update the state as if they were this large, so an
  /// anomaly moves the level and its phase by at most that much.
  double clip = 3.0;
  Index min_cycles = 2;    ///< warm-up: scores are 0 for this many cycles (>= 2)
  double threshold = 3.5;  ///< is_anomaly(): scores above it, as for the modified z-score
  NonFinitePolicy non_finite = NonFinitePolicy::skip;  ///< what a NaN or infinite sample scores
};

/// The first reason `params` cannot make a detector of fixed `capacity`, or nothing.
inline std::optional<Error> check(const StreamingSeasonalParams& params,
                                  Index capacity = dynamic_capacity) {
  if (params.period < 2 || params.period > (Index{1} << 30)) {
    return parameter_error("period", "in [2, 2^30]", static_cast<double>(params.period));
  }
  if (capacity != dynamic_capacity && params.period > capacity) {
    return Error::make(ErrorCode::invalid_parameter,
                       "period must be <= the fixed capacity %ld (got %ld)",
                       static_cast<long>(capacity), static_cast<long>(params.period));
  }
  for (const auto& [name, rate] : {std::pair{"level_rate", params.level_rate},
                                   std::pair{"seasonal_rate", params.seasonal_rate},
                                   std::pair{"scale_rate", params.scale_rate}}) {
    if (!(rate > 0 && rate <= 1)) return parameter_error(name, "in (0, 1]", rate);
  }
  if (!(params.clip > 0 && std::isfinite(params.clip))) {
    return parameter_error("clip", "finite and > 0", params.clip);
  }
  if (params.min_cycles < 2) {
    return parameter_error("min_cycles", ">= 2", static_cast<double>(params.min_cycles));
  }
  return detail::check_cutoff("threshold", params.threshold);
}

/// Score = |x - (level + seasonal[phase])| / scale, scale = sqrt(pi / 2) times the smoothed mean
/// absolute residual (the standard deviation, for Gaussian residuals): about |z|. The first cycle
/// sets the level (its mean) and each phase (its deviation from it); the second starts the
/// scale; then each sample is scored, and its residual, clipped at `clip` scale units, moves the
/// level, its phase and the scale. A series in raw units when the scale is 0 (a constant).
/// Capacity > 0: the phases in place (firmware); dynamic_capacity: allocated by the constructor.
template <Scalar T = double, Index Capacity = dynamic_capacity>
class StreamingSeasonal {
 public:
  using Scalar = T;
  using Params = StreamingSeasonalParams;

  /// A detector that has seen nothing; raises anomaly::Error for bad params (see check()).
  explicit StreamingSeasonal(Params params = {})
      : params_(checked(params)), seasonal_(params.period) {
    reset();
  }

  const Params& params() const noexcept { return params_; }
  /// Samples learned from (non-finite ones are not), up to the largest Index.
  Index size() const noexcept { return seen_; }
  /// True once min_cycles cycles are in: scores are no longer 0.
  bool ready() const noexcept { return seen_ / params_.period >= params_.min_cycles; }
  /// Forgets everything.
  void reset() noexcept {
    seen_ = 0;
    phase_ = 0;
    level_ = 0;
    mean_absolute_ = 0;
  }
  /// The prediction for the next sample (meaningful after one cycle).
  T forecast() const noexcept { return level_ + seasonal_[phase_]; }
  /// The smoothed level and the phase the next sample falls in.
  T level() const noexcept { return level_; }
  Index phase() const noexcept { return phase_; }
  /// The scale scores divide by.
  T scale() const noexcept { return mean_absolute_ * sqrt_half_pi; }

  /// Scores x against the prediction for its phase (0 while warming up), then learns from it.
  /// A NaN or infinite x follows Params::non_finite, learns nothing and keeps the phase.
  T update(T x) noexcept {
    if (!std::isfinite(x)) {
      return params_.non_finite == NonFinitePolicy::skip ? std::numeric_limits<T>::quiet_NaN()
                                                         : std::numeric_limits<T>::infinity();
    }
    const Index period = params_.period;
    T score = 0;
    if (seen_ < period) {
      first_cycle(x);
    } else {
      const T residual = x - forecast();
      if (ready()) score = std::abs(residual) * inverse_or_one(scale());
      learn(residual);
    }
    if (seen_ < std::numeric_limits<Index>::max()) ++seen_;  // runs for years on firmware
    phase_ = phase_ + 1 == period ? 0 : phase_ + 1;
    return score;
  }

  /// update() on each sample of `in` in order, scores to `out` (at least as long as `in`).
  void update(std::span<const T> in, std::span<T> out) noexcept {
    ANOMALY_ASSERT(out.size() >= in.size(), "out must be at least as long as in");
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = update(in[i]);
  }

  /// True when `score` is above Params::threshold (NaN never is).
  bool is_anomaly(T score) const noexcept { return score > static_cast<T>(params_.threshold); }

 private:
  static constexpr T sqrt_half_pi = T(1.2533141373155003);

  static const Params& checked(const Params& params) {
    raise_if(check(params, Capacity));
    return params;
  }

  /// The first cycle: each phase keeps its value; at the end the level is their mean and the
  /// phases their deviations from it.
  void first_cycle(T x) noexcept {
    seasonal_[phase_] = x;
    if (phase_ + 1 < params_.period) return;
    T sum = 0;
    for (Index p = 0; p < params_.period; ++p) sum += seasonal_[p];
    level_ = sum / static_cast<T>(params_.period);
    for (Index p = 0; p < params_.period; ++p) seasonal_[p] -= level_;
  }

  void learn(T residual) noexcept {
    const Index warm = seen_ - params_.period;  // residuals learned before this one
    const T limit = static_cast<T>(params_.clip) * scale();
    // No clipping until the scale has a residual behind it.
    const T clipped = warm > 0 ? std::clamp(residual, -limit, limit) : residual;
    const auto level_rate = static_cast<T>(params_.level_rate);
    level_ += level_rate * clipped;
    seasonal_[phase_] += static_cast<T>(params_.seasonal_rate) * (1 - level_rate) * clipped;
    // A plain mean over the second cycle, then exponential smoothing.
    const T rate = warm < params_.period ? T(1) / static_cast<T>(warm + 1)
                                         : static_cast<T>(params_.scale_rate);
    mean_absolute_ += rate * (std::abs(clipped) - mean_absolute_);
  }

  Params params_;
  detail::Buffer<T, Capacity> seasonal_;  ///< each phase's offset from the level
  Index seen_ = 0;
  Index phase_ = 0;
  T level_ = 0;
  T mean_absolute_ = 0;  ///< smoothed |clipped residual|
};

static_assert(StreamingDetector<StreamingSeasonal<double>> &&
              StreamingDetector<StreamingSeasonal<float>>);
static_assert(StreamingDetector<StreamingSeasonal<float, 64>>);

}  // namespace anomaly
