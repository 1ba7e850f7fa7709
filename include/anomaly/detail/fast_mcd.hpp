#pragma once
// FastMCD (Rousseeuw and Van Driessen 1999), the Minimum Covariance Determinant estimate of
// location and scatter, computed as scikit-learn 1.2's fast_mcd and MinCovDet.fit compute it: the
// same random subsets for the same seed (NumPy's legacy RandomState), the same c-steps, candidate
// selection, consistency correction and reweighting. Everything runs in double.
#include <anomaly/core/types.hpp>
#include <anomaly/detail/chi_square.hpp>
#include <anomaly/detail/numpy_argsort.hpp>
#include <anomaly/detail/scikit_learn_random.hpp>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace anomaly::detail {

using DenseRef = Eigen::Ref<const Eigen::MatrixXd>;

/// A covariance's log-determinant (scikit-learn's fast_logdet: LU, -infinity unless the sign is
/// positive) and, on demand, its precision (scipy's pinvh: eigenvalues at most d eps max|s| are
/// dropped). A well-conditioned matrix is inverted by Cholesky instead, which pinvh equals there.
class CovarianceFactor {
 public:
  /// Factors `covariance` (symmetric); `semidefinite` drops its negative eigenvalues from the
  /// precision too, so that every squared distance is >= 0 (pinvh keeps those beyond the cutoff).
  void compute(const Eigen::MatrixXd& covariance, bool semidefinite = false) {
    covariance_ = covariance;
    semidefinite_ = semidefinite;
    has_precision_ = false;
    lu_.compute(covariance);
    const auto& lu = lu_.matrixLU();
    double sign = static_cast<double>(lu_.permutationP().determinant()), log_det = 0.0;
    for (Index i = 0; i < lu.rows(); ++i) {
      const double pivot = lu(i, i);
      if (pivot < 0) sign = -sign;
      log_det += std::log(std::abs(pivot));
      if (pivot == 0) sign = 0;
    }
    log_det_ = sign > 0 ? log_det : -std::numeric_limits<double>::infinity();
  }

  double log_det() const noexcept { return log_det_; }

  /// pinvh of the matrix given to compute().
  const Eigen::MatrixXd& precision() {
    if (has_precision_) return precision_;
    has_precision_ = true;
    const Eigen::MatrixXd& covariance = covariance_;
    const Index d = covariance.rows();
    const double eps = std::numeric_limits<double>::epsilon();
    llt_.compute(covariance);
    if (llt_.info() == Eigen::Success) {
      precision_ = llt_.solve(Eigen::MatrixXd::Identity(d, d));
      // Every eigenvalue is >= 1 / |inverse|_inf and <= |covariance|_inf: far above pinvh's cutoff
      // (1000x, to cover the inverse's rounding), so pinvh keeps them all and equals the inverse.
      const double largest = covariance.cwiseAbs().rowwise().sum().maxCoeff();
      const double inverse_norm = precision_.cwiseAbs().rowwise().sum().maxCoeff();
      if (std::isfinite(inverse_norm) &&
          1.0 > 1000.0 * static_cast<double>(d) * eps * largest * inverse_norm) {
        return precision_;
      }
    }
    eigen_.compute(covariance);
    const Eigen::VectorXd& s = eigen_.eigenvalues();
    const double cutoff = static_cast<double>(d) * eps * s.cwiseAbs().maxCoeff();
    Eigen::VectorXd inverse = Eigen::VectorXd::Zero(d);
    for (Index i = 0; i < d; ++i) {
      if (s[i] > cutoff || (!semidefinite_ && -s[i] > cutoff)) inverse[i] = 1.0 / s[i];
    }
    const Eigen::MatrixXd& u = eigen_.eigenvectors();
    precision_.noalias() = u * inverse.asDiagonal() * u.transpose();
    return precision_;
  }

 private:
  Eigen::MatrixXd covariance_;
  Eigen::PartialPivLU<Eigen::MatrixXd> lu_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen_;
  Eigen::MatrixXd precision_;
  double log_det_ = 0;
  bool has_precision_ = false;
  bool semidefinite_ = false;
};

/// (x - location)' precision (x - location) of every row x of X: scikit-learn's
/// (np.dot(X - location, precision) * (X - location)).sum(1), from the lower triangle of the
/// (symmetric) precision. Rows go 64 at a time into a centered block that stays in cache, and 8
/// at a time through registers.
inline void squared_distances(const DenseRef& X, const Eigen::VectorXd& location,
                              const Eigen::MatrixXd& precision, Eigen::MatrixXd& block,
                              Eigen::VectorXd& distances) {
  constexpr Index block_rows = 64, lanes = 8;
  const Index n = X.rows(), d = X.cols();
  block.resize(block_rows, d);
  distances.resize(n);
  for (Index first = 0; first < n; first += block_rows) {
    const Index rows = std::min(block_rows, n - first);
    for (Index k = 0; k < d; ++k) {
      const double* column = X.data() + k * X.outerStride() + first;
      double* centered = block.col(k).data();
      for (Index i = 0; i < rows; ++i) centered[i] = column[i] - location[k];
      for (Index i = rows; i < block_rows; ++i) centered[i] = 0.0;
    }
    using Lanes = Eigen::Array<double, lanes, 1>;  // fixed size: kept in registers
    for (Index lane = 0; lane < rows; lane += lanes) {
      Lanes out = Lanes::Zero();
      for (Index j = 0; j < d; ++j) {  // out += c_j (P_jj c_j + 2 sum_{k < j} P_jk c_k)
        const Lanes cj = Eigen::Map<const Lanes>(block.col(j).data() + lane);
        Lanes sum = precision(j, j) * cj;
        for (Index k = 0; k < j; ++k) {
          sum += (2.0 * precision(j, k)) * Eigen::Map<const Lanes>(block.col(k).data() + lane);
        }
        out += cj * sum;
      }
      const Index valid = std::min(lanes, rows - lane);
      distances.segment(first + lane, valid) = out.head(valid).matrix();
    }
  }
}

/// Mean and biased covariance (np.cov(bias=1)) of rows `rows` of X, about the mean or, with
/// `centered_at_zero`, about 0 (scikit-learn's assume_centered). The mean sums the rows in order
/// and divides, as NumPy's mean(0) does: on a feature constant over the rows, both then center it
/// to exactly 0 or to the same last-bit residue, and agree on whether the covariance is singular.
inline void row_moments(const DenseRef& X, const std::vector<Index>& rows,
                        Eigen::MatrixXd& gathered, Eigen::VectorXd& location,
                        Eigen::MatrixXd& covariance, bool centered_at_zero = false) {
  const Index d = X.cols(), count = static_cast<Index>(rows.size());
  gathered.resize(count, d);
  location.resize(d);
  covariance.resize(d, d);
  for (Index j = 0; j < d; ++j) {
    const double* column = X.data() + j * X.outerStride();
    double* out = gathered.col(j).data();
    for (Index i = 0; i < count; ++i) out[i] = column[rows[static_cast<std::size_t>(i)]];
  }
  // Eight features at a time, so that eight in-order sums advance together in registers.
  constexpr Index group = 8;
  for (Index first = 0; first < d; first += group) {
    const double* columns[group];
    for (Index t = 0; t < group; ++t) columns[t] = gathered.col(std::min(first + t, d - 1)).data();
    double sums[group] = {};
    for (Index i = 0; i < count; ++i) {
      for (Index t = 0; t < group; ++t) sums[t] += columns[t][i];
    }
    for (Index t = 0; t < group && first + t < d; ++t) {
      location[first + t] = centered_at_zero ? 0.0 : sums[t] / static_cast<double>(count);
    }
  }
  if (!centered_at_zero) gathered.rowwise() -= location.transpose();
  const double inverse = 1.0 / static_cast<double>(count);  // np.cov multiplies by 1 / n
  for (Index j = 0; j < d; ++j) {
    for (Index k = 0; k <= j; ++k) {
      covariance(j, k) = covariance(k, j) = gathered.col(j).dot(gathered.col(k)) * inverse;
    }
  }
}

/// One c-step run's outcome: scikit-learn's (location, covariance, det, support, dist).
struct McdEstimate {
  Eigen::VectorXd location;
  Eigen::MatrixXd covariance;
  double log_det = 0;
  std::vector<Index> support;  ///< ascending rows (only when asked for)
  Eigen::VectorXd distances;   ///< of every row (only when asked for)
};

/// Buffers the c-steps reuse.
struct McdWorkspace {
  Eigen::MatrixXd block, gathered;
  Eigen::VectorXd distances;
  std::vector<double> keys;
  std::vector<Index> order;
  std::vector<std::uint32_t> permutation, draws;
  CovarianceFactor factor;
};

/// numpy.allclose(a, b) of two scalars: |a - b| <= 1e-8 + 1e-5 |b|, equal infinities close.
inline bool numpy_allclose(double a, double b) noexcept {
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::abs(a - b) <= 1e-8 + 1e-5 * std::abs(b);
}

/// Where a c-step run starts: a random support of h rows, or the h rows nearest an estimate.
struct McdStart {
  LegacyRandomState* random = nullptr;
  const Eigen::VectorXd* location = nullptr;
  const Eigen::MatrixXd* covariance = nullptr;
};

/// scikit-learn's _c_step: concentration steps from `start` on X until the determinant stops
/// decreasing, it is 0 (an exact fit), or `iterations` ran out; with its choice between the
/// last and the previous estimate. `details` fills support and distances.
inline McdEstimate c_step(const DenseRef& X, Index h, int iterations, const McdStart& start,
                          McdWorkspace& work, bool details) {
  const Index m = X.rows();
  const double infinity = std::numeric_limits<double>::infinity();
  McdEstimate current, previous;
  if (start.random != nullptr) {
    permutation(static_cast<std::uint32_t>(m), *start.random, work.permutation, work.draws);
    const auto taken = static_cast<std::size_t>(std::min(h, m));
    current.support.assign(work.permutation.begin(),
                           work.permutation.begin() + static_cast<std::ptrdiff_t>(taken));
    std::sort(current.support.begin(), current.support.end());
  } else {
    work.factor.compute(*start.covariance);
    squared_distances(X, *start.location, work.factor.precision(), work.block, work.distances);
    numpy_smallest(work.distances.data(), m, h, current.support, work.keys, work.order);
  }
  row_moments(X, current.support, work.gathered, current.location, current.covariance);
  work.factor.compute(current.covariance);
  current.log_det = work.factor.log_det();
  Eigen::MatrixXd precision;  // the last one used: the final distances use it, as scikit-learn
  if (std::isinf(current.log_det)) precision = work.factor.precision();
  previous.log_det = infinity;
  Eigen::VectorXd previous_distances;
  while (current.log_det < previous.log_det && iterations > 0 && !std::isinf(current.log_det)) {
    std::swap(previous, current);
    precision = work.factor.precision();
    squared_distances(X, previous.location, precision, work.block, work.distances);
    numpy_smallest(work.distances.data(), m, h, current.support, work.keys, work.order);
    row_moments(X, current.support, work.gathered, current.location, current.covariance);
    work.factor.compute(current.covariance);
    current.log_det = work.factor.log_det();
    --iterations;
    if (details) previous_distances = work.distances;
  }
  // scikit-learn keeps the last estimate, unless the determinant rose (by more than allclose)
  // with iterations left: then the one before.
  const bool keep_previous = !std::isinf(current.log_det) &&
                             !numpy_allclose(current.log_det, previous.log_det) &&
                             current.log_det > previous.log_det && iterations > 0;
  if (keep_previous) {
    previous.distances = std::move(previous_distances);
    if (!details) previous.support.clear();
    return previous;
  }
  if (details) {
    squared_distances(X, current.location, precision, work.block, current.distances);
  } else {
    current.support.clear();
  }
  return current;
}

/// scikit-learn's select_candidates: c-steps from starts(0 .. trials - 1), then the `select`
/// estimates of least determinant, in NumPy's argsort order; `chosen` gets their trial numbers.
template <class Starts>
std::vector<McdEstimate> select_candidates(const DenseRef& X, Index h, Index trials, Index select,
                                           int iterations, const Starts& starts, McdWorkspace& work,
                                           std::vector<Index>* chosen = nullptr) {
  std::vector<McdEstimate> all;
  all.reserve(static_cast<std::size_t>(trials));
  std::vector<double> log_dets;
  for (Index t = 0; t < trials; ++t) {
    all.push_back(c_step(X, h, iterations, starts(t), work, false));
    log_dets.push_back(all.back().log_det);
  }
  std::vector<Index> order(static_cast<std::size_t>(trials));
  numpy_argsort(log_dets.data(), trials, order.data());
  order.resize(static_cast<std::size_t>(std::min(select, trials)));
  std::vector<McdEstimate> best;
  for (const Index t : order) best.push_back(std::move(all[static_cast<std::size_t>(t)]));
  if (chosen != nullptr) *chosen = std::move(order);
  return best;
}

/// The best c-step run (30 iterations at most) started from each of `estimates` on X, with its
/// support and distances: select_candidates(select = 1), the winner run again to keep them.
inline McdEstimate best_from(const DenseRef& X, Index h, const std::vector<McdEstimate>& estimates,
                             McdWorkspace& work) {
  const auto start = [&](Index t) {
    const McdEstimate& from = estimates[static_cast<std::size_t>(t)];
    return McdStart{nullptr, &from.location, &from.covariance};
  };
  std::vector<Index> chosen;
  select_candidates(X, h, static_cast<Index>(estimates.size()), 1, 30, start, work, &chosen);
  return c_step(X, h, 30, start(chosen.front()), work, true);
}

/// fast_mcd on one feature: the mean of the middles of the shortest halves (Rousseeuw and Leroy),
/// the variance of the h values nearest it, or the plain mean and variance when h = n.
inline McdEstimate shortest_half(const DenseRef& X, Index h, McdWorkspace& work) {
  const Index n = X.rows();
  McdEstimate raw;
  double location = 0;
  if (h < n) {
    std::vector<double> sorted(X.data(), X.data() + n);
    std::sort(sorted.begin(), sorted.end());
    const auto at = [&](Index i) { return sorted[static_cast<std::size_t>(i)]; };
    double shortest = std::numeric_limits<double>::infinity();
    for (Index i = 0; i + h < n; ++i) shortest = std::min(shortest, at(i + h) - at(i));
    double sum = 0;
    Index count = 0;
    for (Index i = 0; i + h < n; ++i) {
      if (at(i + h) - at(i) == shortest) sum += at(i + h) + at(i), ++count;
    }
    location = 0.5 * (sum / static_cast<double>(count));
    work.distances = (X.col(0).array() - location).abs();
    numpy_smallest(work.distances.data(), n, h, raw.support, work.keys, work.order);
  } else {
    raw.support.resize(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) raw.support[static_cast<std::size_t>(i)] = i;
  }
  row_moments(X, raw.support, work.gathered, raw.location, raw.covariance);
  if (h < n) raw.location[0] = location;
  work.factor.compute(raw.covariance);
  raw.log_det = work.factor.log_det();
  squared_distances(X, raw.location, work.factor.precision(), work.block, raw.distances);
  return raw;
}

/// scikit-learn's fast_mcd(X, support_fraction giving h rows, random_state): the raw MCD estimate
/// with its support and distances. On more than 500 rows, candidates from subsets of about 300
/// rows, refined on a merged set of at most 1500, then on all rows; else 30 random starts.
inline McdEstimate fast_mcd(const DenseRef& X, Index h, LegacyRandomState& random) {
  const Index n = X.rows();
  McdWorkspace work;
  if (X.cols() == 1) return shortest_half(X, h, work);
  const auto random_start = [&](Index) { return McdStart{&random, nullptr, nullptr}; };
  const double share = static_cast<double>(h) / static_cast<double>(n);
  const auto rows_for = [share](Index rows) {
    return static_cast<Index>(std::ceil(static_cast<double>(rows) * share));
  };
  if (n <= 500) {
    return best_from(X, h, select_candidates(X, h, 30, 10, 2, random_start, work), work);
  }
  const Index subsets = n / 300, subset_rows = n / subsets;
  std::vector<std::uint32_t> shuffle, draws;
  permutation(static_cast<std::uint32_t>(n), random, shuffle, draws);
  std::vector<McdEstimate> candidates;
  std::vector<Index> rows(static_cast<std::size_t>(subset_rows));
  Eigen::MatrixXd subset;
  for (Index i = 0; i < subsets; ++i) {
    std::copy_n(shuffle.begin() + i * subset_rows, subset_rows, rows.begin());
    subset = X(rows, Eigen::all);
    auto best = select_candidates(subset, rows_for(subset_rows), std::max<Index>(10, 500 / subsets),
                                  10, 2, random_start, work);
    for (McdEstimate& each : best) candidates.push_back(std::move(each));
  }
  const Index merged_rows = std::min<Index>(1500, n);
  std::vector<std::uint32_t> selection;
  permutation(static_cast<std::uint32_t>(n), random, selection, draws);
  rows.assign(selection.begin(), selection.begin() + merged_rows);
  const Eigen::MatrixXd merged = X(rows, Eigen::all);
  if (n < 1500) {  // the merged set is every row, shuffled: map the winner back
    McdEstimate best = best_from(merged, rows_for(merged_rows), candidates, work);
    Eigen::VectorXd distances(n);
    for (Index i = 0; i < n; ++i) distances[rows[static_cast<std::size_t>(i)]] = best.distances[i];
    for (Index& row : best.support) row = rows[static_cast<std::size_t>(row)];
    std::sort(best.support.begin(), best.support.end());
    best.distances = std::move(distances);
    return best;
  }
  const auto from_candidate = [&](Index t) {
    const McdEstimate& from = candidates[static_cast<std::size_t>(t)];
    return McdStart{nullptr, &from.location, &from.covariance};
  };
  const auto finalists =
      select_candidates(merged, rows_for(merged_rows), static_cast<Index>(candidates.size()),
                        n > 1500 ? 10 : 1, 30, from_candidate, work);
  return best_from(X, h, finalists, work);
}

/// What MinCovDet.fit computes: the raw MCD estimate, then the consistency correction of its
/// distances and the reweighted location, covariance and precision.
struct MinCovDet {
  Eigen::VectorXd raw_location;
  Eigen::MatrixXd raw_covariance;
  std::vector<Index> raw_support;  ///< ascending rows
  Eigen::VectorXd raw_distances;   ///< before the correction
  double correction = 1;           ///< median(raw_distances) / chi2(d).isf(0.5), or 1 (see below)
  Eigen::VectorXd location;
  Eigen::MatrixXd covariance;
  Eigen::MatrixXd precision;   ///< pinvh(covariance) without negative eigenvalues
  std::vector<Index> support;  ///< the reweighting's rows, ascending
};

/// The rows scikit-learn's n_support counts: int(support_fraction * n), or for support_fraction
/// 0 (its None) ceil((n + d + 1) / 2).
inline Index mcd_support_rows(Index n, Index d, double support_fraction) noexcept {
  if (support_fraction > 0) {
    return static_cast<Index>(support_fraction * static_cast<double>(n));
  }
  return static_cast<Index>(std::ceil(0.5 * static_cast<double>(n + d + 1)));
}

/// The median by NumPy's rule (the mean of the middle two of an even count).
inline double numpy_median(std::vector<double> values) {
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end(), numpy_less);
  if (values.size() % 2 == 1) return *middle;
  const double below = *std::max_element(values.begin(), middle, numpy_less);
  return (below + *middle) / 2.0;
}

/// MinCovDet(support_fraction, assume_centered, random_state = seed).fit(X), X finite with at
/// least 2 rows. Where scikit-learn raises (a raw covariance of 0: more than h rows coincide) or
/// would divide by 0 (a median raw distance of 0), the correction is 1.
inline MinCovDet min_cov_det(const DenseRef& X, double support_fraction, bool assume_centered,
                             std::uint64_t seed) {
  const Index n = X.rows(), d = X.cols();
  LegacyRandomState random(seed);
  McdEstimate raw = fast_mcd(X, mcd_support_rows(n, d, support_fraction), random);
  McdWorkspace work;
  MinCovDet fit;
  if (assume_centered) {
    row_moments(X, raw.support, work.gathered, raw.location, raw.covariance, true);
    work.factor.compute(raw.covariance);
    squared_distances(X, raw.location, work.factor.precision(), work.block, raw.distances);
  }
  const double correction =
      numpy_median(std::vector<double>(raw.distances.begin(), raw.distances.end())) /
      chi_square_isf(0.5, static_cast<double>(d));
  fit.correction = correction > 0 && std::isfinite(correction) ? correction : 1.0;
  const double cutoff = chi_square_isf(0.025, static_cast<double>(d));
  for (Index i = 0; i < n; ++i) {
    if (raw.distances[i] / fit.correction < cutoff) fit.support.push_back(i);
  }
  row_moments(X, fit.support, work.gathered, fit.location, fit.covariance, assume_centered);
  work.factor.compute(fit.covariance, true);
  fit.precision = work.factor.precision();
  fit.raw_location = std::move(raw.location);
  fit.raw_covariance = std::move(raw.covariance);
  fit.raw_support = std::move(raw.support);
  fit.raw_distances = std::move(raw.distances);
  return fit;
}

}  // namespace anomaly::detail
