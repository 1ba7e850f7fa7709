#pragma once
// SeasonalDetector: STL, then a robust z-score of the remainder, or the generalized ESD test on it
// (the seasonal hybrid ESD of Hochenbaum, Vallis and Kejariwal 2017, written from the papers).
#include <anomaly/core/error.hpp>
#include <anomaly/core/statistics.hpp>
#include <anomaly/core/types.hpp>
#include <anomaly/core/validate.hpp>
#include <anomaly/timeseries/generalized_esd.hpp>
#include <anomaly/timeseries/period.hpp>
#include <anomaly/timeseries/series.hpp>
#include <anomaly/timeseries/stl.hpp>

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

namespace anomaly {

/// Hyper-parameters of SeasonalDetector.
struct SeasonalDetectorParams {
  Index period = 0;  ///< time steps per cycle, >= 2; 0: estimated (estimate_period)
  /// STL with robustness weights (statsmodels' robust=True): the anomalies themselves barely
  /// bend the seasonal and trend estimates they are measured against.
  bool robust = true;
  /// STL's seasonal window; 0: 2 cycles + 1, every cycle of the series in each phase's fit, so
  /// the seasonal part is nearly periodic (as S-H-ESD's) and cannot absorb the noise.
  Index seasonal = 0;
  /// STL's seasonal jump: the seasonal loess is fitted at every jump-th cycle and joined by
  /// lines; 0: ceil(window / 10), R's stl() default, which keeps a window longer than the
  /// series linear in its length (with 1, statsmodels' default, it is quadratic).
  Index seasonal_jump = 0;
  /// > 0: the generalized ESD test (robust: median and MAD) flags at most this many points at
  /// significance `alpha`; 0: points whose score is above `threshold` are flagged.
  Index max_anomalies = 0;
  double alpha = 0.05;     ///< ESD's significance level, in (0, 1)
  double threshold = 3.5;  ///< robust z above which a point is flagged (without ESD)
};

/// The first reason `params` are invalid, or nothing.
inline std::optional<Error> check(const SeasonalDetectorParams& params) {
  if (params.period != 0 && params.period < 2) {
    return parameter_error("period", "0 (estimated) or at least 2",
                           static_cast<double>(params.period));
  }
  // STL's own rule, checked here so that a bad window fails before any series is seen.
  if (params.seasonal != 0 && (params.seasonal < 3 || params.seasonal % 2 == 0)) {
    return parameter_error("seasonal", "0 (2 cycles + 1) or an odd integer >= 3",
                           static_cast<double>(params.seasonal));
  }
  if (params.seasonal_jump < 0) {
    return parameter_error("seasonal_jump", "0 (window / 10) or at least 1",
                           static_cast<double>(params.seasonal_jump));
  }
  if (params.max_anomalies < 0) {
    return parameter_error("max_anomalies", "at least 0",
                           static_cast<double>(params.max_anomalies));
  }
  if (!(params.alpha > 0 && params.alpha < 1)) {
    return parameter_error("alpha", "in (0, 1)", params.alpha);
  }
  if (!(std::isfinite(params.threshold) && params.threshold >= 0)) {
    return parameter_error("threshold", "finite and >= 0", params.threshold);
  }
  return std::nullopt;
}

/// What SeasonalDetector found in one series.
template <Scalar T>
struct SeasonalDetection {
  Index period = 0;    ///< the period used (given or estimated)
  StlResult<T> parts;  ///< STL of the series, its missing values filled in (see detect())
  /// |remainder - median| / robust scale, per time step; NaN where the series is NaN.
  Vector<T> scores;
  std::vector<Index> anomalies;  ///< flagged time steps, ascending
};

/// Seasonal anomaly detection on one series: STL (Cleveland et al. 1990, statsmodels' defaults,
/// robust by default) removes trend and season; what remains is scored by its robust z,
/// |r - median(r)| / (MAD(r) / 0.6745) (1.253314 times the mean absolute deviation when the MAD
/// is 0, raw units when both are), and flagged by a threshold or by the generalized ESD test
/// (Rosner 1983) with median and MAD, as Twitter's S-H-ESD does. Missing values (NaN) are
/// allowed: STL sees them filled in linearly between their neighbours (the nearest value at the
/// ends), they score NaN and are never flagged, and the other points' scores stay finite.
template <Scalar T = double>
class SeasonalDetector {
 public:
  using Params = SeasonalDetectorParams;

  /// Raises anomaly::Error for bad params (see check()).
  explicit SeasonalDetector(Params params = {}) : params_(params) { raise_if(check(params_)); }
  const Params& params() const noexcept { return params_; }

  /// Detects in `series` (a vector expression of T). Errors: infinity, fewer than two periods
  /// of values, every value missing, no period found when none is given, each naming where.
  template <class Derived>
  SeasonalDetection<T> detect(const Eigen::MatrixBase<Derived>& series) const;

 private:
  Params params_;
};

namespace detail {

/// `x` with each NaN replaced by the line between its finite neighbours (the nearest finite
/// value at the ends); `missing` marks them. Needs a finite value.
template <class T>
Vector<T> fill_missing(const SeriesRef<T>& x, std::vector<bool>& missing) {
  const Index n = x.size();
  Vector<T> filled = x;
  missing.assign(static_cast<std::size_t>(n), false);
  Index previous = -1;  // last finite index
  for (Index t = 0; t <= n; ++t) {
    if (t < n && std::isnan(filled[t])) {
      missing[static_cast<std::size_t>(t)] = true;
      continue;
    }
    // Fill the gap (previous, t).
    for (Index g = previous + 1; g < t; ++g) {
      if (previous < 0) {
        filled[g] = filled[t];
      } else if (t == n) {
        filled[g] = filled[previous];
      } else {
        const T share = static_cast<T>(g - previous) / static_cast<T>(t - previous);
        filled[g] = filled[previous] + share * (filled[t] - filled[previous]);
      }
    }
    previous = t;
  }
  return filled;
}

}  // namespace detail

template <Scalar T>
template <class Derived>
SeasonalDetection<T> SeasonalDetector<T>::detect(const Eigen::MatrixBase<Derived>& series) const {
  static_assert(std::is_same_v<typename Derived::Scalar, T>, "the series' scalar must be T");
  raise_if(check_vector(series));
  const SeriesRef<T> x(series.derived().reshaped());
  const Index n = x.size();
  Index finite = 0;
  for (Index t = 0; t < n; ++t) {
    if (std::isinf(x[t])) {
      raise(Error::make(ErrorCode::non_finite_input,
                        "series[%ld] is %s: values must be finite or NaN (missing)",
                        static_cast<long>(t), non_finite_name(static_cast<double>(x[t]))));
    }
    finite += !std::isnan(x[t]);
  }
  if (finite == 0) {
    raise(Error::make(ErrorCode::too_few_samples, "every one of the %ld values is missing (NaN)",
                      static_cast<long>(n)));
  }
  std::vector<bool> missing;
  const Vector<T> filled = detail::fill_missing<T>(x, missing);
  SeasonalDetection<T> out;
  out.period = params_.period;
  if (out.period == 0) {
    out.period = estimate_period(filled).period;
    if (out.period == 0) {
      raise(Error::make(ErrorCode::invalid_parameter,
                        "no period found in the series (its autocorrelation has no clear "
                        "peak): set SeasonalDetectorParams::period"));
    }
  }
  const Index cycles = n / out.period;
  const Index seasonal = params_.seasonal != 0 ? params_.seasonal : 2 * cycles + 1;
  const Index jump = params_.seasonal_jump != 0 ? params_.seasonal_jump : (seasonal + 9) / 10;
  out.parts = stl(filled, StlParams{.period = out.period,
                                    .seasonal = seasonal,
                                    .robust = params_.robust,
                                    .seasonal_jump = jump});
  // The remainder's median and robust scale over the observed points only.
  std::vector<double> observed;
  for (Index t = 0; t < n; ++t) {
    if (!missing[static_cast<std::size_t>(t)]) {
      observed.push_back(static_cast<double>(out.parts.remainder[t]));
    }
  }
  const RobustSpread spread = robust_spread(observed.data(), static_cast<Index>(observed.size()));
  const double median = spread.median, inverse = inverse_or_one(spread.scale);
  out.scores.resize(n);
  Vector<T> remainder = out.parts.remainder;
  for (Index t = 0; t < n; ++t) {
    if (missing[static_cast<std::size_t>(t)]) {
      out.scores[t] = std::numeric_limits<T>::quiet_NaN();
      remainder[t] = std::numeric_limits<T>::quiet_NaN();  // ESD skips it
    } else {
      out.scores[t] =
          static_cast<T>(std::abs(static_cast<double>(out.parts.remainder[t]) - median) * inverse);
    }
  }
  if (params_.max_anomalies > 0) {
    out.anomalies =
        generalized_esd(remainder, GeneralizedEsdParams{.max_anomalies = params_.max_anomalies,
                                                        .alpha = params_.alpha,
                                                        .robust = true})
            .anomalies;
  } else {
    for (Index t = 0; t < n; ++t) {
      if (out.scores[t] > static_cast<T>(params_.threshold)) out.anomalies.push_back(t);
    }
  }
  return out;
}

}  // namespace anomaly
