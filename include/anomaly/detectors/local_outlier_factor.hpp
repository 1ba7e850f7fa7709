#pragma once
// LocalOutlierFactor: a row is anomalous when its neighbours are much more densely surrounded
// than it is (Breunig, Kriegel, Ng and Sander 2000).
#include <anomaly/core.hpp>
#include <anomaly/core/detector_base.hpp>
#include <anomaly/neighbors/kd_tree.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace anomaly {

/// Hyper-parameters of LocalOutlierFactor.
struct LocalOutlierFactorParams {
  Index n_neighbors = 20;  ///< k; min(k, rows - 1) is used, as scikit-learn
  /// scikit-learn's contamination="auto" (offset_ = -1.5): a LOF above 1.5 is anomalous.
  Threshold threshold = Threshold::fixed(1.5);
};

/// The first reason `params` are invalid, or nothing; check(params, X) adds the data's checks.
inline std::optional<Error> check(const LocalOutlierFactorParams& params) {
  if (params.n_neighbors < 1 || params.n_neighbors > (Index{1} << 31)) {
    return parameter_error("n_neighbors", "in [1, 2^31]", static_cast<double>(params.n_neighbors));
  }
  return check(params.threshold);
}

/// Why `params` cannot be fitted to `X`: the parameters, then X (at least 2 rows, finite).
template <class Derived>
std::optional<Error> check(const LocalOutlierFactorParams& params,
                           const Eigen::DenseBase<Derived>& X);

namespace detail {
/// scikit-learn's guard in 1 / (mean reachability distance + 1e-10), kept so that scores match.
inline constexpr double reachability_guard = 1e-10;

/// The largest |x| LocalOutlierFactor takes in T on d features: squared distances between such
/// rows stay below max(T) / 4, so distances, densities and their ratios stay finite.
template <class T>
double lof_max_abs(Index d) noexcept {
  return std::sqrt(static_cast<double>(std::numeric_limits<T>::max())) /
         (4 * std::sqrt(static_cast<double>(d)));
}
}  // namespace detail

template <class Derived>
std::optional<Error> check(const LocalOutlierFactorParams& params,
                           const Eigen::DenseBase<Derived>& X) {
  if (auto error = check(params)) return error;
  if (auto error = check_training_data(X, 2)) return error;
  return check_max_abs(X, detail::lof_max_abs<typename Derived::Scalar>(X.cols()),
                       "LocalOutlierFactor");
}

template <Scalar T>
class LocalOutlierFactor;

/// Fitted LocalOutlierFactor: the training rows (in a KdTree), each one's k-distance and local
/// reachability density. score(X) is scikit-learn's novelty mode, -score_samples(X): about 1
/// for inliers, larger for outliers. Size: about (d + 2) * sizeof(T) + 12 bytes per training
/// row, plus the tree's nodes. Immutable; score() is safe from many threads at once.
template <Scalar T = double>
struct LocalOutlierFactorModel {
  using Scalar = T;
  static constexpr const char* serial_tag = "local_outlier_factor";

  Index neighbors = 0;   ///< k used: min(n_neighbors, rows - 1)
  KdTree<T> index;       ///< the training rows
  Vector<T> k_distance;  ///< each training row's k-distance (see replace_zero_k_distances)
  Vector<T> density;     ///< each training row's local reachability density
  T threshold = 0;       ///< scores above this are anomalies
  ScoreSummary<T> training_summary;  ///< bounded summary of the training rows' own LOF

  Index n_features() const noexcept { return index.n_features(); }

  /// One LOF per row of X, against the training rows. Thread-safe.
  Vector<T> score(const MatrixRef<T>& X) const {
    raise_if(check_scoring_data(X, n_features()));
    raise_if(check_max_abs(X, detail::lof_max_abs<T>(n_features()), "LocalOutlierFactor"));
    return factors(index.query(X, neighbors), nullptr);
  }

  /// The LOF of one row, equal to its score() row. Unlike other models' it allocates: the
  /// neighbour search needs its own scratch.
  T score_one(const RowRef<T>& x) const {
    raise_if(check_scoring_data(x, n_features(), "x"));
    return score(x)[0];
  }

  void write(ByteWriter& writer) const {
    writer.write(static_cast<std::uint64_t>(neighbors));
    writer.write_array(index.rows());
    writer.write_array(k_distance);
    writer.write_array(density);
    writer.write(threshold);
    training_summary.write(writer);
  }

  static LocalOutlierFactorModel read(ByteReader& reader) {
    LocalOutlierFactorModel model;
    model.neighbors = static_cast<Index>(reader.read<std::uint64_t>("neighbour count"));
    Matrix<T> rows;
    reader.read_array(rows, "training rows");
    reader.read_array(model.k_distance, "k-distances");
    reader.read_array(model.density, "densities");
    model.threshold = reader.read<T>("threshold");
    model.training_summary = ScoreSummary<T>::read(reader);
    if (reader.error()) return model;
    const Index n = rows.rows();
    // What fit guarantees, and scoring needs to stay finite: rows within lof_max_abs, so
    // k-distances within sqrt(max(T)) / 2, and densities in (0, 1 / reachability_guard].
    const double max_abs = detail::lof_max_abs<T>(std::max<Index>(rows.cols(), 1));
    const double max_distance = std::sqrt(static_cast<double>(std::numeric_limits<T>::max())) / 2;
    const double max_density = 1.000001 / detail::reachability_guard;
    const bool consistent = n >= 2 && rows.cols() >= 1 && model.neighbors >= 1 &&
                            model.neighbors <= n - 1 && model.k_distance.size() == n &&
                            model.density.size() == n && rows.allFinite() &&
                            static_cast<double>(rows.cwiseAbs().maxCoeff()) <= max_abs &&
                            model.k_distance.allFinite() && (model.k_distance.array() >= 0).all() &&
                            static_cast<double>(model.k_distance.maxCoeff()) <= max_distance &&
                            model.density.allFinite() && (model.density.array() > 0).all() &&
                            static_cast<double>(model.density.maxCoeff()) <= max_density &&
                            !std::isnan(model.threshold);
    if (!consistent) {
      reader.fail("inconsistent local outlier factor model before byte %zu", reader.offset());
      return model;
    }
    model.index = KdTree<T>(rows);
    return model;
  }

 private:
  friend class LocalOutlierFactor<T>;

  /// LOF of each query row from its neighbours: the mean ratio of their densities to its own.
  /// `own` gives the query rows' densities when they are the training rows (fit_score).
  Vector<T> factors(const Neighbors<T>& found, const Vector<T>* own) const {
    const Index rows = found.indices.rows();
    Vector<T> out(rows);
    for (Index i = 0; i < rows; ++i) {
      const double density_i =
          own != nullptr ? static_cast<double>((*own)[i]) : reachability_density(found, i);
      double sum = 0;
      for (Index j = 0; j < neighbors; ++j) {
        sum += static_cast<double>(density[found.indices(i, j)]) / density_i;
      }
      out[i] = static_cast<T>(sum / static_cast<double>(neighbors));
    }
    return out;
  }

  /// 1 / (mean over the neighbours o of max(d(x, o), k-distance(o)) + 1e-10), as scikit-learn.
  double reachability_density(const Neighbors<T>& found, Index i) const {
    double sum = 0;
    for (Index j = 0; j < neighbors; ++j) {
      sum += static_cast<double>(std::max(found.distances(i, j), k_distance[found.indices(i, j)]));
    }
    return 1.0 / (sum / static_cast<double>(neighbors) + detail::reachability_guard);
  }
};

/// Local outlier factor of Breunig et al. (2000), computed as scikit-learn's LocalOutlierFactor
/// (fit_score: its negative_outlier_factor_, sign flipped; score: novelty=True). Rows with at
/// least k exact duplicates take the k-distinct-distance of the paper as their k-distance, so
/// that duplicates do not blow scores up (docs/detectors/local_outlier_factor.md).
template <Scalar T = double>
class LocalOutlierFactor
    : public detail::DetectorBase<LocalOutlierFactor<T>, LocalOutlierFactorParams,
                                  LocalOutlierFactorModel<T>> {
 public:
  explicit LocalOutlierFactor(LocalOutlierFactorParams params = {})
      : LocalOutlierFactor::DetectorBase(params) {}
  /// Fits and gives each training row its LOF, the row itself left out of its neighbours.
  FitScore<LocalOutlierFactorModel<T>> fit_score(const MatrixRef<T>& X) const;

 private:
  static void replace_zero_k_distances(const MatrixRef<T>& X, LocalOutlierFactorModel<T>& model);
};

// ---------------------------------------------------------------------------------------------

template <Scalar T>
FitScore<LocalOutlierFactorModel<T>> LocalOutlierFactor<T>::fit_score(const MatrixRef<T>& X) const {
  raise_if(check(this->params_, X));
  const Index n = X.rows();
  LocalOutlierFactorModel<T> model;
  model.neighbors = std::min(this->params_.n_neighbors, n - 1);
  model.index = KdTree<T>(X);
  const Neighbors<T> found = model.index.query_self(model.neighbors);
  model.k_distance = found.distances.col(model.neighbors - 1);
  replace_zero_k_distances(X, model);
  model.density.resize(n);
  for (Index i = 0; i < n; ++i) {
    model.density[i] = static_cast<T>(model.reachability_density(found, i));
  }
  Vector<T> scores = model.factors(found, &model.density);
  model.training_summary = ScoreSummary<T>::of(scores);
  model.threshold = resolve(this->params_.threshold, model.training_summary);
  return {std::move(model), std::move(scores)};
}

/// A k-distance of 0 means at least k exact duplicates: reachability distances to the row would
/// all be 0 and its density 1e10, which is what blows scikit-learn's scores up to 1e7 and more.
/// Such rows take the distance to their k-th nearest distinct location instead (the paper's
/// k-distinct-distance), found by widening the search until it has k locations; a row of data
/// with fewer than k other locations takes the farthest one, and all-equal data keeps 0.
template <Scalar T>
void LocalOutlierFactor<T>::replace_zero_k_distances(const MatrixRef<T>& X,
                                                     LocalOutlierFactorModel<T>& model) {
  const Index n = X.rows(), k = model.neighbors;
  std::vector<bool> resolved(static_cast<std::size_t>(n), false);  // duplicates share one search
  for (Index i = 0; i < n; ++i) {
    if (model.k_distance[i] != T{0} || resolved[static_cast<std::size_t>(i)]) continue;
    Index width = std::min(n, 2 * k + 1);
    for (;;) {
      const Neighbors<T> wide = model.index.query(X.row(i), width);
      Index locations = 0;
      T distance = 0;
      for (Index j = 0; j < width && locations < k; ++j) {
        const T d = wide.distances(0, j);
        if (d == T{0}) continue;
        // A new location, unless an earlier neighbour at the same distance has the same row.
        bool seen = false;
        for (Index m = j - 1; m >= 0 && wide.distances(0, m) == d && !seen; --m) {
          seen = X.row(wide.indices(0, m)) == X.row(wide.indices(0, j));
        }
        if (!seen) {
          ++locations;
          distance = d;
        }
      }
      if (locations == k || width == n) {
        for (Index j = 0; j < width && wide.distances(0, j) == T{0}; ++j) {
          model.k_distance[wide.indices(0, j)] = distance;
          resolved[static_cast<std::size_t>(wide.indices(0, j))] = true;
        }
        break;
      }
      width = std::min(n, 2 * width);
    }
  }
}

static_assert(Detector<LocalOutlierFactor<double>> && Detector<LocalOutlierFactor<float>>);
static_assert(Serializable<LocalOutlierFactorModel<double>>);

}  // namespace anomaly
