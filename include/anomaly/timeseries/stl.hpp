#pragma once
// stl(): seasonal-trend decomposition by loess (Cleveland, Cleveland, McRae and Terpenning 1990),
// computed as statsmodels' STL (0.13.5): series = trend + seasonal + remainder.
#include <anomaly/core/error.hpp>
#include <anomaly/core/types.hpp>
#include <anomaly/core/validate.hpp>
#include <anomaly/detail/loess.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <optional>
#include <vector>

namespace anomaly {

/// Parameters of stl(), with statsmodels' defaults. A window or iteration count of 0 stands for
/// statsmodels' None and is derived as statsmodels derives it: trend = the smallest odd integer
/// >= 1.5 period / (1 - 1.5 / seasonal), low_pass = the smallest odd integer > period,
/// inner_iterations = 2 if robust else 5, outer_iterations = 15 if robust else 0.
struct StlParams {
  Index period = 0;            ///< length of one season, >= 2 (required)
  Index seasonal = 7;          ///< seasonal smoother window: odd, >= 3
  Index trend = 0;             ///< trend smoother window: odd, >= 3, > period (0: derived)
  Index low_pass = 0;          ///< low-pass smoother window: odd, >= 3, > period (0: derived)
  int seasonal_deg = 1;        ///< degree of the seasonal loess: 0 or 1
  int trend_deg = 1;           ///< degree of the trend loess: 0 or 1
  int low_pass_deg = 1;        ///< degree of the low-pass loess: 0 or 1
  bool robust = false;         ///< down-weight large remainders (outer iterations)
  Index seasonal_jump = 1;     ///< seasonal loess at every jump-th point, >= 1
  Index trend_jump = 1;        ///< trend loess at every jump-th point, >= 1
  Index low_pass_jump = 1;     ///< low-pass loess at every jump-th point, >= 1
  Index inner_iterations = 0;  ///< passes per robustness step, >= 1 (0: derived)
  Index outer_iterations = 0;  ///< robustness steps, >= 1 (0: derived)
};

/// The decomposition: series = trend + seasonal + remainder, and the robustness weight of each
/// point (all 1 without outer iterations).
template <Scalar T>
struct StlResult {
  Vector<T> trend;
  Vector<T> seasonal;
  Vector<T> remainder;
  Vector<T> weights;
};

/// The trend window stl() uses: params.trend, or statsmodels' rule for it.
inline Index stl_trend_window(const StlParams& params) noexcept {
  if (params.trend != 0) return params.trend;
  const double wanted =
      1.5 * static_cast<double>(params.period) / (1 - 1.5 / static_cast<double>(params.seasonal));
  const auto window = static_cast<Index>(std::ceil(wanted));
  return window % 2 == 0 ? window + 1 : window;
}

/// The low-pass window stl() uses: params.low_pass, or the smallest odd integer > period.
inline Index stl_low_pass_window(const StlParams& params) noexcept {
  if (params.low_pass != 0) return params.low_pass;
  return params.period % 2 == 0 ? params.period + 1 : params.period + 2;
}

/// The inner iteration count stl() uses: params.inner_iterations, or 2 if robust else 5.
inline Index stl_inner_iterations(const StlParams& params) noexcept {
  if (params.inner_iterations != 0) return params.inner_iterations;
  return params.robust ? 2 : 5;
}

/// The outer iteration count stl() uses: params.outer_iterations, or 15 if robust else 0.
inline Index stl_outer_iterations(const StlParams& params) noexcept {
  if (params.outer_iterations != 0) return params.outer_iterations;
  return params.robust ? 15 : 0;
}

/// The first reason `params` are invalid, or nothing; check(params, series) adds the series.
inline std::optional<Error> check(const StlParams& params) {
  // Far above any series that fits in memory, and low enough that no derived size overflows.
  constexpr Index largest = Index{1} << 40;
  if (params.period < 2) {
    return parameter_error("period", "an integer >= 2", static_cast<double>(params.period));
  }
  if (params.seasonal < 3 || params.seasonal % 2 == 0) {
    return parameter_error("seasonal", "an odd integer >= 3", static_cast<double>(params.seasonal));
  }
  for (const Index value : {params.period, params.seasonal, params.trend, params.low_pass}) {
    if (value > largest) {
      return Error::make(ErrorCode::invalid_parameter,
                         "period and windows must be at most 2^40 (got %ld)",
                         static_cast<long>(value));
    }
  }
  struct Named {
    const char* name;
    Index value;
  };
  for (const Named window :
       {Named{"trend", stl_trend_window(params)}, Named{"low_pass", stl_low_pass_window(params)}}) {
    if (window.value < 3 || window.value % 2 == 0 || window.value <= params.period) {
      return Error::make(ErrorCode::invalid_parameter,
                         "%s must be an odd integer >= 3 and > period (%ld) (got %ld)", window.name,
                         static_cast<long>(params.period), static_cast<long>(window.value));
    }
  }
  for (const Named degree :
       {Named{"seasonal_deg", params.seasonal_deg}, Named{"trend_deg", params.trend_deg},
        Named{"low_pass_deg", params.low_pass_deg}}) {
    if (degree.value != 0 && degree.value != 1) {
      return parameter_error(degree.name, "0 or 1", static_cast<double>(degree.value));
    }
  }
  for (const Named jump :
       {Named{"seasonal_jump", params.seasonal_jump}, Named{"trend_jump", params.trend_jump},
        Named{"low_pass_jump", params.low_pass_jump}}) {
    if (jump.value < 1) return parameter_error(jump.name, ">= 1", static_cast<double>(jump.value));
  }
  if (stl_inner_iterations(params) < 1) {
    return parameter_error("inner_iterations", ">= 1 (0: derived)",
                           static_cast<double>(stl_inner_iterations(params)));
  }
  if (stl_outer_iterations(params) < 0) {
    return parameter_error("outer_iterations", ">= 1 (0: derived)",
                           static_cast<double>(stl_outer_iterations(params)));
  }
  return std::nullopt;
}

namespace detail {
/// The largest |x| stl() takes: a window's weighted sums of such values stay finite.
inline double stl_max_abs(const StlParams& params) noexcept {
  const Index widest = std::max(
      {params.period, params.seasonal, stl_trend_window(params), stl_low_pass_window(params)});
  return std::numeric_limits<double>::max() / (4 * static_cast<double>(widest));
}
}  // namespace detail

/// Why stl(series, params) would fail: the parameters, then the series (one column, at least
/// two periods, finite, not huge).
template <class Derived>
std::optional<Error> check(const StlParams& params, const Eigen::DenseBase<Derived>& series) {
  if (auto error = check(params)) return error;
  if (series.cols() != 1) {
    return Error::make(ErrorCode::dimension_mismatch, "series has %ld columns; stl takes one",
                       static_cast<long>(series.cols()));
  }
  if (series.rows() < 2 * params.period) {
    return Error::make(
        ErrorCode::too_few_samples,
        "series has %ld points; stl with period %ld needs at least two periods (%ld)",
        static_cast<long>(series.rows()), static_cast<long>(params.period),
        static_cast<long>(2 * params.period));
  }
  const double limit = detail::stl_max_abs(params);
  for (Index i = 0; i < series.rows(); ++i) {
    const auto v = static_cast<double>(series(i, 0));
    if (std::isnan(v) || std::isinf(v)) {
      return Error::make(ErrorCode::non_finite_input, "series[%ld] is %s: stl needs finite values",
                         static_cast<long>(i), non_finite_name(v));
    }
    if (std::abs(v) > limit) {
      return Error::make(ErrorCode::non_finite_input,
                         "series[%ld] = %g is too large: stl takes |x| <= %g", static_cast<long>(i),
                         v, limit);
    }
  }
  return std::nullopt;
}

namespace detail {

/// Every buffer of one decomposition, allocated once, in double whatever the series' type.
class StlWorkspace {
 public:
  StlWorkspace(Index n, Index period) : n_(n), period_(period) {
    const auto size = static_cast<std::size_t>(n),
               extended = static_cast<std::size_t>(n + 2 * period);
    const auto cycles = static_cast<std::size_t>((n + period - 1) / period + 2);
    y.resize(size);
    trend.assign(size, 0.0);
    season.assign(size, 0.0);
    weights.assign(size, 1.0);
    product.resize(size);
    work.resize(extended);  // also holds the second moving average, n + 2 points
    smoothed.resize(size);
    cycle.resize(extended);
    averaged.resize(extended);
    const auto group_size = static_cast<std::size_t>(group) * cycles;
    subseries.resize(group_size);
    subseries_weights.resize(group_size);
    subseries_smoothed.resize(group_size);
  }

  std::vector<double> y, trend, season, weights;
  std::vector<double> product;         // weights times the deseasonalized series
  std::vector<double> work, smoothed;  // detrended or deseasonalized series; a loess output
  std::vector<double> cycle;           // cycle-subseries smooth, one period longer at each end
  std::vector<double> averaged;        // the low-pass moving averages
  std::vector<double> subseries, subseries_weights, subseries_smoothed;
  LoessScratch scratch;

  /// Cycle-subseries smoothed together: one cache line of doubles.
  static constexpr Index group = 8;

  Index n() const noexcept { return n_; }
  Index period() const noexcept { return period_; }
  /// Distance between two subseries in the group buffers: the longest one, plus its two ends.
  Index subseries_stride() const noexcept { return (n_ + period_ - 1) / period_ + 2; }

 private:
  Index n_, period_;
};

/// STL's low-pass moving averages of x[0..n + 2 period), of period, period and 3 points, into
/// out[0..n). One loop runs the two running sums side by side, so that their additions overlap;
/// `first` holds the first average, and `out` may be `first` (each point is read before it is
/// overwritten).
inline void low_pass_averages(const double* x, Index n, Index period, double* first, double* second,
                              double* out) noexcept {
  const Index length = n + 2 * period;
  const double scale = 1 / static_cast<double>(period);
  double sum_first = 0, sum_second = 0;
  for (Index i = 0; i < period; ++i) sum_first += x[i];
  first[0] = sum_first * scale;
  for (Index t = 1; t <= length - period; ++t) {
    sum_first += x[t + period - 1] - x[t - 1];
    first[t] = sum_first * scale;
    const Index j = t - period + 1;  // the second average completed by first[t]
    if (j < 0) continue;
    if (j == 0) {
      for (Index i = 0; i < period; ++i) sum_second += first[i];
    } else {
      sum_second += first[t] - first[j - 1];
    }
    second[j] = sum_second * scale;
    if (j >= 2) out[j - 2] = (second[j - 2] + second[j - 1] + second[j]) * (1.0 / 3);
  }
}

/// Smooths each cycle-subseries (points period apart) of y - trend by loess and extends it one
/// point at each end, into `cycle`: STL's step 2. Subseries are copied in and out eight at a
/// time, so that each cache line of the series is read and written once, not once per column.
inline void smooth_cycle_subseries(StlWorkspace& ws, const LoessSpec& spec, bool weighted) {
  const Index n = ws.n(), period = ws.period(), group = StlWorkspace::group;
  const Index stride = ws.subseries_stride();
  double* sub = ws.subseries.data();
  double* sub_weights = ws.subseries_weights.data();
  double* smoothed = ws.subseries_smoothed.data();
  const double* y = ws.y.data();
  const double* trend = ws.trend.data();
  const double* weights = ws.weights.data();
  double* cycle = ws.cycle.data();
  for (Index first = 0; first < period; first += group) {
    const Index columns = std::min(group, period - first);
    const Index longest = (n - 1 - first) / period + 1;
    for (Index m = 0; m < longest; ++m) {
      const Index base = first + m * period, available = std::min(columns, n - base);
      for (Index c = 0; c < available; ++c) sub[c * stride + m] = y[base + c] - trend[base + c];
      if (weighted) {
        for (Index c = 0; c < available; ++c) sub_weights[c * stride + m] = weights[base + c];
      }
    }
    for (Index c = 0; c < columns; ++c) {
      const Index k = (n - 1 - first - c) / period + 1;
      const double* values = sub + c * stride;
      const double* robustness = weighted ? sub_weights + c * stride : nullptr;
      double* out = smoothed + c * stride;
      loess_smooth(values, k, spec, robustness, ws.scratch, out + 1);
      // One cycle beyond each end, from a window of the nearest `seasonal` points.
      const Index reach = std::min(spec.length, k);
      if (!loess_estimate(values, k, spec, -1.0, 0, reach - 1, robustness, ws.scratch, out[0])) {
        out[0] = out[1];
      }
      if (!loess_estimate(values, k, spec, static_cast<double>(k), k - reach, k - 1, robustness,
                          ws.scratch, out[k + 1])) {
        out[k + 1] = out[k];
      }
    }
    for (Index m = 0; m < longest + 2; ++m) {
      // Columns whose subseries is one shorter end a row earlier, and come last in the group.
      const Index base = first + m * period,
                  ends = m < longest + 1 ? columns : std::min(columns, n + 2 * period - base);
      for (Index c = 0; c < ends; ++c) cycle[base + c] = smoothed[c * stride + m];
    }
  }
}

/// The sum of the two middle values of values[0..n) in sorted order (ranks (n - 1) / 2 and n / 2),
/// exactly; `buffer` holds n values. On long inputs a strided sample brackets the middle, and
/// only the values inside the bracket (about an eighth) are partially sorted; where the bracket
/// misses, as on adversarial orders, all of them are.
inline double middle_pair_sum(const double* values, Index n, double* buffer) {
  const Index lower = (n - 1) / 2, upper = n / 2;
  auto select = [](double* first, Index count, Index low, Index high) {
    std::nth_element(first, first + high, first + count);
    return first[high] + (low == high ? first[high] : *std::max_element(first, first + high));
  };
  constexpr Index sample_size = 1024, margin = 64;  // 4 standard deviations of the median's rank
  if (n >= 16 * sample_size) {
    std::array<double, sample_size> sample;
    const Index stride = n / sample_size;
    for (Index k = 0; k < sample_size; ++k)
      sample[static_cast<std::size_t>(k)] = values[k * stride];
    std::sort(sample.begin(), sample.end());
    const double low = sample[sample_size / 2 - margin], high = sample[sample_size / 2 + margin];
    Index below = 0, inside = 0;
    for (Index i = 0; i < n; ++i) {
      const double v = values[i];
      below += v < low;
      buffer[inside] = v;  // kept only when it lies in [low, high]: no branch to mispredict
      inside += static_cast<Index>(v >= low) & static_cast<Index>(v <= high);
    }
    if (below <= lower && upper < below + inside) {
      return select(buffer, inside, lower - below, upper - below);
    }
  }
  std::copy(values, values + n, buffer);
  return select(buffer, n, lower, upper);
}

/// Bisquare weights of the remainders, scaled by six times their median: STL's robustness step.
inline void robustness_weights(StlWorkspace& ws) {
  const Index n = ws.n();
  double* residual = ws.work.data();
  for (Index i = 0; i < n; ++i) {
    const auto at = static_cast<std::size_t>(i);
    residual[i] = std::abs(ws.y[at] - (ws.trend[at] + ws.season[at]));
  }
  const double scale = 3 * middle_pair_sum(residual, n, ws.smoothed.data());  // 6 medians
  const double near = 0.001 * scale, far = 0.999 * scale;
  for (Index i = 0; i < n; ++i) {
    const double r = residual[i];
    double weight = 0;
    if (r <= near) {
      weight = 1;
    } else if (r <= far) {
      const double u = r / scale;
      weight = (1 - u * u) * (1 - u * u);
    }
    ws.weights[static_cast<std::size_t>(i)] = weight;
  }
}

/// One pass of STL's inner loop: smooth the cycle-subseries of the detrended series, remove their
/// low-pass part to get the seasonal component, then smooth the deseasonalized series into the
/// trend.
inline void stl_inner_pass(StlWorkspace& ws, const StlParams& params, bool weighted) {
  const Index n = ws.n(), period = ws.period();
  smooth_cycle_subseries(ws, {params.seasonal, params.seasonal_deg, params.seasonal_jump},
                         weighted);
  // Low-pass filter: moving averages of period, period and 3 points, then loess.
  double* averaged = ws.averaged.data();
  low_pass_averages(ws.cycle.data(), n, period, averaged, ws.work.data(), averaged);
  loess_smooth(averaged, n,
               {stl_low_pass_window(params), params.low_pass_deg, params.low_pass_jump}, nullptr,
               ws.scratch, ws.smoothed.data());
  // The weighted trend needs weight times value: made here, while the values are in registers.
  for (Index i = 0; i < n; ++i) {
    const auto at = static_cast<std::size_t>(i);
    ws.season[at] = ws.cycle[static_cast<std::size_t>(period + i)] - ws.smoothed[at];
    ws.work[at] = ws.y[at] - ws.season[at];
    if (weighted) ws.product[at] = ws.weights[at] * ws.work[at];
  }
  loess_smooth(ws.work.data(), n, {stl_trend_window(params), params.trend_deg, params.trend_jump},
               weighted ? ws.weights.data() : nullptr, ws.scratch, ws.trend.data(),
               weighted ? ws.product.data() : nullptr);
}

}  // namespace detail

/// Decomposes `series` (a vector or any dense one-column expression of float or double) into
/// trend, seasonal and remainder by STL, as statsmodels' STL(series, ...).fit() does. Computes
/// in double; a float series gets float components. O(n (seasonal + trend + low_pass)) per
/// inner pass; raises an anomaly::Error for anything check(params, series) rejects.
template <class Derived>
requires Scalar<typename Derived::Scalar> StlResult<typename Derived::Scalar> stl(
    const Eigen::MatrixBase<Derived>& series, const StlParams& params) {
  using T = typename Derived::Scalar;
  raise_if(check(params, series));
  const Index n = series.rows();
  detail::StlWorkspace ws(n, params.period);
  for (Index i = 0; i < n; ++i)
    ws.y[static_cast<std::size_t>(i)] = static_cast<double>(series(i, 0));
  const Index inner = stl_inner_iterations(params), outer = stl_outer_iterations(params);
  bool weighted = false;
  for (Index pass = 0;; ++pass) {
    for (Index i = 0; i < inner; ++i) detail::stl_inner_pass(ws, params, weighted);
    if (pass == outer) break;
    detail::robustness_weights(ws);
    weighted = true;
  }
  StlResult<T> result;
  result.trend.resize(n);
  result.seasonal.resize(n);
  result.remainder.resize(n);
  result.weights.resize(n);
  for (Index i = 0; i < n; ++i) {
    const auto at = static_cast<std::size_t>(i);
    result.trend[i] = static_cast<T>(ws.trend[at]);
    result.seasonal[i] = static_cast<T>(ws.season[at]);
    result.remainder[i] = static_cast<T>(ws.y[at] - ws.season[at] - ws.trend[at]);
    result.weights[i] = static_cast<T>(ws.weights[at]);
  }
  return result;
}

}  // namespace anomaly
