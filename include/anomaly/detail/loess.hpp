#pragma once
// Loess smoothing of an evenly spaced series as STL applies it (Cleveland, Cleveland, McRae and
// Terpenning 1990): tricube weights over a window of `length` points, a local constant or line,
// optional robustness weights, and estimates every `jump` points joined by straight lines.
#include <anomaly/core/types.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace anomaly::detail {

/// One loess pass: window length (odd, >= 3), local degree (0 or 1) and jump (>= 1).
struct LoessSpec {
  Index length = 3;
  int degree = 1;
  Index jump = 1;
};

/// Tricube weight of a point at `distance` from the estimate, for bandwidth `h`. The 0.001 and
/// 0.999 cut-offs are STL's: the centre weighs exactly 1, the window's ends exactly 0.
inline double tricube(double distance, double h) noexcept {
  if (distance > 0.999 * h) return 0;
  if (distance <= 0.001 * h) return 1;
  const double u = distance / h;
  const double v = 1 - u * u * u;
  return v * v * v;
}

/// Buffers a loess pass reuses, so that a decomposition allocates them once.
class LoessScratch {
 public:
  /// The centred kernel of a window of `length` points, its weights times the offset and times
  /// the squared offset, and its sum: what every point away from the ends shares.
  void prepare_kernel(Index length) {
    if (length == kernel_length_) return;
    kernel_length_ = length;
    const Index half = (length - 1) / 2;
    const auto size = static_cast<std::size_t>(length);
    kernel_.assign(size, 0.0);
    kernel_offset_.assign(size, 0.0);
    kernel_offset2_.assign(size, 0.0);
    first_tap_ = length;
    last_tap_ = -1;
    kernel_sum_ = 0;
    for (Index d = 0; d < length; ++d) {
      const auto offset = static_cast<double>(d - half);
      const double w = tricube(std::abs(offset), static_cast<double>(half));
      const auto at = static_cast<std::size_t>(d);
      kernel_[at] = w;
      kernel_offset_[at] = w * offset;
      kernel_offset2_[at] = w * offset * offset;
      kernel_sum_ += w;
      if (w > 0) {
        first_tap_ = std::min(first_tap_, d);
        last_tap_ = d;
      }
    }
    half_kernel_.assign(kernel_.begin() + half, kernel_.end());
    half_kernel_offset_.assign(kernel_offset_.begin() + half, kernel_offset_.end());
    half_kernel_offset2_.assign(kernel_offset2_.begin() + half, kernel_offset2_.end());
    reach_ = last_tap_ - half;
  }

  std::vector<double> window;   ///< one general estimate's weights
  std::vector<double> product;  ///< robustness weight times value, for the weighted fast path

  const std::vector<double>& kernel() const noexcept { return kernel_; }
  const std::vector<double>& kernel_offset() const noexcept { return kernel_offset_; }
  const std::vector<double>& kernel_offset2() const noexcept { return kernel_offset2_; }
  double kernel_sum() const noexcept { return kernel_sum_; }
  Index first_tap() const noexcept { return first_tap_; }
  Index last_tap() const noexcept { return last_tap_; }
  /// The kernel from the centre out (offsets 0..half), and the last offset of nonzero weight.
  const std::vector<double>& half_kernel() const noexcept { return half_kernel_; }
  const std::vector<double>& half_kernel_offset() const noexcept { return half_kernel_offset_; }
  const std::vector<double>& half_kernel_offset2() const noexcept { return half_kernel_offset2_; }
  Index reach() const noexcept { return reach_; }

 private:
  Index kernel_length_ = -1;
  std::vector<double> kernel_, kernel_offset_, kernel_offset2_;
  std::vector<double> half_kernel_, half_kernel_offset_, half_kernel_offset2_;
  double kernel_sum_ = 0;
  Index reach_ = 0;
  Index first_tap_ = 0, last_tap_ = -1;
};

/// The loess estimate at `position` (0-based; -1 and n extrapolate one step) from the points
/// left..right of y[0..n), or false when all their weights are 0. `robustness` may be null.
/// Two passes over the window, as STL computes it: weights, then their mean and spread.
inline bool loess_estimate(const double* y, Index n, const LoessSpec& spec, double position,
                           Index left, Index right, const double* robustness, LoessScratch& scratch,
                           double& out) {
  double h = std::max(position - static_cast<double>(left), static_cast<double>(right) - position);
  if (spec.length > n) h += static_cast<double>((spec.length - n) / 2);
  const auto count = static_cast<std::size_t>(right - left + 1);
  if (scratch.window.size() < count) scratch.window.resize(count);
  double* w = scratch.window.data();
  double total = 0;
  for (Index j = left; j <= right; ++j) {
    double weight = tricube(std::abs(static_cast<double>(j) - position), h);
    if (robustness != nullptr) weight *= robustness[j];
    w[j - left] = weight;
    total += weight;
  }
  if (!(total > 0)) return false;
  for (Index j = left; j <= right; ++j) w[j - left] /= total;
  if (h > 0 && spec.degree > 0) {
    double mean = 0;  // of the offsets from `position`, so that numbers stay small
    for (Index j = left; j <= right; ++j) mean += w[j - left] * (static_cast<double>(j) - position);
    double spread = 0;
    for (Index j = left; j <= right; ++j) {
      const double centred = static_cast<double>(j) - position - mean;
      spread += w[j - left] * centred * centred;
    }
    // A line only where the points spread enough to carry one, STL's rule.
    if (std::sqrt(spread) > 0.001 * static_cast<double>(n - 1)) {
      const double slope = -mean / spread;
      for (Index j = left; j <= right; ++j) {
        w[j - left] *= slope * (static_cast<double>(j) - position - mean) + 1;
      }
    }
  }
  double value = 0;
  for (Index j = left; j <= right; ++j) value += w[j - left] * y[j];
  out = value;
  return true;
}

/// The weighted local line of a centred window from its five sums (weights, times offset, times
/// squared offset, times value, times offset and value), or false when the weights sum to 0.
inline bool weighted_line(double s0, double s1, double s2, double t0, double t1, int degree,
                          Index n, double& out) noexcept {
  if (!(s0 > 0)) return false;
  const double level = t0 / s0;
  out = level;
  if (degree == 0) return true;
  const double mean = s1 / s0;
  const double spread = s2 / s0 - mean * mean;
  if (std::sqrt(spread) > 0.001 * static_cast<double>(n - 1)) {
    out = level - mean / spread * (t1 / s0 - mean * level);
  }
  return true;
}

/// Loess at `width` consecutive centred points from `centre` on, in registers: the kernel is
/// symmetric, so each tap d > 0 weighs the sum (or, for the offset moments, the difference) of
/// the points d before and d after, and its terms are read once for both.
template <int width>
inline void smooth_centred_block(const double* y, const double* robustness, const double* product,
                                 const LoessScratch& scratch, int degree, double spread_limit,
                                 Index centre, double* out) {
  using Block = Eigen::Array<double, width, 1>;
  using Load = Eigen::Map<const Block>;
  const double* k = scratch.half_kernel().data();
  const Index reach = scratch.reach();
  if (robustness == nullptr) {
    Block sum = k[0] * Load(y + centre);
    for (Index d = 1; d <= reach; ++d) sum += k[d] * (Load(y + centre + d) + Load(y + centre - d));
    Eigen::Map<Block>(out + centre) = sum * (1 / scratch.kernel_sum());
    return;
  }
  const double* kd = scratch.half_kernel_offset().data();
  const double* kdd = scratch.half_kernel_offset2().data();
  Block s0 = k[0] * Load(robustness + centre), t0 = k[0] * Load(product + centre);
  Block s1 = Block::Zero(), s2 = Block::Zero(), t1 = Block::Zero();
  for (Index d = 1; d <= reach; ++d) {
    const Block after = Load(robustness + centre + d), before = Load(robustness + centre - d);
    const Block value_after = Load(product + centre + d), value_before = Load(product + centre - d);
    const Block both = after + before, value_both = value_after + value_before;
    s0 += k[d] * both;
    s2 += kdd[d] * both;
    s1 += kd[d] * (after - before);
    t0 += k[d] * value_both;
    t1 += kd[d] * (value_after - value_before);
  }
  // weighted_line for the whole block: a line where the offsets spread enough, else a level,
  // and the point itself where every weight is 0.
  const Block inverse = s0.inverse();
  const Block level = t0 * inverse;
  Block value = level;
  if (degree > 0) {
    const Block mean = s1 * inverse;
    const Block spread = s2 * inverse - mean * mean;
    const Block line = level - mean / spread * (t1 * inverse - mean * level);
    value = (spread > spread_limit).select(line, level);
  }
  Eigen::Map<Block>(out + centre) = (s0 > 0).select(value, Load(y + centre));
}

/// Loess at the centred points first..last of y[0..n): blocks of 8 points, then single points.
/// `product` is robustness times y where robustness is given.
inline void smooth_centred(const double* y, Index n, const LoessSpec& spec,
                           const double* robustness, const double* product,
                           const LoessScratch& scratch, Index first, Index last, double* out) {
  constexpr int width = 8;
  const double limit = 0.001 * static_cast<double>(n - 1);
  const double spread_limit = limit * limit;  // sqrt(spread) > limit, as STL tests it
  Index i = first;
  for (; i + width - 1 <= last; i += width) {
    smooth_centred_block<width>(y, robustness, product, scratch, spec.degree, spread_limit, i, out);
  }
  for (; i <= last; ++i) {
    smooth_centred_block<1>(y, robustness, product, scratch, spec.degree, spread_limit, i, out);
  }
}

/// Smooths y[0..n) into out[0..n) by loess: STL's inner smoother. Away from the ends every
/// window is centred and shares one kernel, so those points are blocked convolutions; the ends,
/// windows longer than the series and jumps take the general estimate. `product`, robustness
/// times y, may be given by a caller that has it at hand, else it is computed here.
inline void loess_smooth(const double* y, Index n, const LoessSpec& spec, const double* robustness,
                         LoessScratch& scratch, double* out, const double* product = nullptr) {
  if (n < 2) {
    if (n == 1) out[0] = y[0];
    return;
  }
  const Index jump = std::min(spec.jump, n - 1);
  const Index half = (spec.length - 1) / 2;
  const bool whole = spec.length >= n;
  // The window of the estimate at i: the first `length` points near the start, the last
  // `length` near the end, centred on i in between, the whole series if it is shorter.
  auto window = [&](Index i, Index& left, Index& right) {
    if (whole) {
      left = 0;
      right = n - 1;
    } else if (i < half) {
      left = 0;
      right = spec.length - 1;
    } else if (i > n - 1 - half) {
      left = n - spec.length;
      right = n - 1;
    } else {
      left = i - half;
      right = i + half;
    }
  };
  if (!whole) {
    scratch.prepare_kernel(spec.length);
    if (robustness != nullptr && product == nullptr) {
      if (scratch.product.size() < static_cast<std::size_t>(n)) {
        scratch.product.resize(static_cast<std::size_t>(n));
      }
      for (Index i = 0; i < n; ++i)
        scratch.product[static_cast<std::size_t>(i)] = robustness[i] * y[i];
      product = scratch.product.data();
    }
  }
  auto estimate = [&](Index i, Index left, Index right) {
    double value = y[i];
    if (!whole && left == i - half && right == i + half) {
      const double* k = scratch.kernel().data();
      if (robustness == nullptr) {
        double sum = 0;
        for (Index d = scratch.first_tap(); d <= scratch.last_tap(); ++d) sum += k[d] * y[left + d];
        value = sum / scratch.kernel_sum();
      } else {
        const double* kd = scratch.kernel_offset().data();
        const double* kdd = scratch.kernel_offset2().data();
        const double* q = product;
        double s0 = 0, s1 = 0, s2 = 0, t0 = 0, t1 = 0;
        for (Index d = scratch.first_tap(); d <= scratch.last_tap(); ++d) {
          const double v = robustness[left + d], p = q[left + d];
          s0 += k[d] * v;
          s1 += kd[d] * v;
          s2 += kdd[d] * v;
          t0 += k[d] * p;
          t1 += kd[d] * p;
        }
        if (!weighted_line(s0, s1, s2, t0, t1, spec.degree, n, value)) value = y[i];
      }
    } else if (!loess_estimate(y, n, spec, static_cast<double>(i), left, right, robustness, scratch,
                               value)) {
      value = y[i];
    }
    out[i] = value;
  };

  Index left = 0, right = 0;
  if (jump == 1) {
    const Index first_centred = whole ? n : half, last_centred = whole ? -1 : n - 1 - half;
    for (Index i = 0; i < std::min(first_centred, n); ++i) {
      window(i, left, right);
      estimate(i, left, right);
    }
    if (first_centred <= last_centred) {
      smooth_centred(y, n, spec, robustness, product, scratch, first_centred, last_centred, out);
    }
    for (Index i = std::max(last_centred + 1, first_centred); i < n; ++i) {
      window(i, left, right);
      estimate(i, left, right);
    }
    return;
  }
  for (Index i = 0; i < n; i += jump) {
    window(i, left, right);
    estimate(i, left, right);
  }
  for (Index i = 0; i + jump < n; i += jump) {
    const double step = (out[i + jump] - out[i]) / static_cast<double>(jump);
    for (Index j = i + 1; j < i + jump; ++j) out[j] = out[i] + step * static_cast<double>(j - i);
  }
  const Index last = ((n - 1) / jump) * jump;
  if (last != n - 1) {
    // STL estimates the last point from the window of the last jump, wherever that lies.
    estimate(n - 1, left, right);
    const double step = (out[n - 1] - out[last]) / static_cast<double>(n - 1 - last);
    for (Index j = last + 1; j < n - 1; ++j)
      out[j] = out[last] + step * static_cast<double>(j - last);
  }
}

}  // namespace anomaly::detail
