#pragma once
// What the rolling detectors share: the non-finite policy, the window checks, score-then-add.
#include <anomaly/core/error.hpp>
#include <anomaly/core/statistics.hpp>
#include <anomaly/core/types.hpp>
#include <anomaly/core/validate.hpp>
#include <anomaly/streaming/capacity.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>

namespace anomaly {

/// What a rolling detector does with a NaN or infinite sample. Either way the window is left as
/// it was: one such sample would otherwise poison `window` scores (sums) or the sorted order.
enum class NonFinitePolicy : std::uint8_t {
  skip,  ///< score NaN: "no score", never above a threshold
  flag,  ///< score +infinity: always an anomaly
};

namespace detail {

/// Why a window of `window` samples, ready after `min_samples`, cannot be kept in `capacity`.
inline std::optional<Error> check_window(Index window, Index min_samples, Index capacity) {
  constexpr Index largest = Index{1} << 30;  // the order-statistic tree counts in 32 bits
  if (window < 2 || window > largest) {
    return parameter_error("window", "in [2, 2^30]", static_cast<double>(window));
  }
  if (capacity != dynamic_capacity && window > capacity) {
    return Error::make(ErrorCode::invalid_parameter,
                       "window must be <= the fixed capacity %ld (got %ld)",
                       static_cast<long>(capacity), static_cast<long>(window));
  }
  if (min_samples < 1) {
    return parameter_error("min_samples", ">= 1", static_cast<double>(min_samples));
  }
  return std::nullopt;
}

/// Why `value` cannot be a cutoff in score units (a threshold or a fence factor).
inline std::optional<Error> check_cutoff(const char* name, double value) {
  if (std::isfinite(value) && value >= 0.0) return std::nullopt;
  return parameter_error(name, "finite and >= 0", value);
}

/// The shared surface of the rolling detectors (CRTP): it holds the Params P, checked by
/// check(params, Capacity) when built; Derived provides size(), score_window(x) (x against the
/// current window) and add(x).
template <class Derived, Scalar T, class P, Index Capacity>
class RollingDetector {
 public:
  using Scalar = T;
  using Params = P;

  /// Raises anomaly::Error for bad params (see check(params, capacity)).
  explicit RollingDetector(const Params& params) : params_(params) {
    raise_if(check(params_, Capacity));
  }

  /// Its hyper-parameters.
  const Params& params() const noexcept { return params_; }

  /// Scores x against the window before it (0 while warming up), then adds x to the window.
  /// A NaN or infinite x follows Params::non_finite and leaves the window unchanged.
  T update(T x) noexcept {
    Derived& self = static_cast<Derived&>(*this);
    if (!std::isfinite(x)) {
      return params_.non_finite == NonFinitePolicy::skip ? std::numeric_limits<T>::quiet_NaN()
                                                         : std::numeric_limits<T>::infinity();
    }
    const T score = ready() ? self.score_window(x) : T(0);
    self.add(x);
    return score;
  }

  /// update() on each sample of `in` in order, scores to `out` (at least as long as `in`).
  void update(std::span<const T> in, std::span<T> out) noexcept {
    ANOMALY_ASSERT(out.size() >= in.size(), "out must be at least as long as in");
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = update(in[i]);
  }

  /// True once the window holds min(min_samples, window) samples: scores are no longer 0.
  bool ready() const noexcept {
    return static_cast<const Derived&>(*this).size() >=
           std::min(params_.min_samples, params_.window);
  }

  /// True when `score` is above Params::threshold (NaN never is).
  bool is_anomaly(T score) const noexcept { return score > static_cast<T>(params_.threshold); }

 protected:
  Params params_;
};

}  // namespace detail
}  // namespace anomaly
