#pragma once
// EllipticEnvelope: rows far outside an ellipse fitted robustly to the bulk of the data are
// anomalies. The ellipse is the Minimum Covariance Determinant estimate of location and scatter
// (FastMCD, Rousseeuw and Van Driessen 1999), as scikit-learn's EllipticEnvelope fits it; the
// score is the squared Mahalanobis distance to it.
#include <anomaly/core.hpp>
#include <anomaly/core/detector_base.hpp>
#include <anomaly/detail/fast_mcd.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

namespace anomaly {

/// Hyper-parameters of EllipticEnvelope (scikit-learn's names; `seed` is its random_state).
struct EllipticEnvelopeParams {
  /// Share of the rows in the raw MCD support, int(support_fraction n) rows, in (0, 1]; 0 is
  /// scikit-learn's None: ceil((n + d + 1) / 2) rows, the most robust choice.
  double support_fraction = 0.0;
  bool assume_centered = false;  ///< the location is 0: only the scatter is estimated
  std::uint64_t seed = 0;  ///< the only source of randomness (the subsets FastMCD starts from)
  Threshold threshold = Threshold::contamination(0.1);  ///< scikit-learn's contamination = 0.1
};

/// The first reason `params` are invalid, or nothing; check(params, X) adds the data's checks.
inline std::optional<Error> check(const EllipticEnvelopeParams& params) {
  if (!(params.support_fraction >= 0.0 && params.support_fraction <= 1.0)) {
    return parameter_error("support_fraction", "in (0, 1], or 0 for ceil((n + d + 1) / 2) rows",
                           params.support_fraction);
  }
  return check(params.threshold);
}

namespace detail {
/// The largest |x| EllipticEnvelope fits: n squares of it stay finite in double.
inline constexpr double elliptic_envelope_max_abs = 1e150;
}  // namespace detail

/// Why `params` cannot be fitted to `X`: the parameters, then X (at least 2 rows, finite, no
/// |x| above 1e150, at most 2^32 - 1 rows), and a support_fraction giving at least one row.
template <class Derived>
std::optional<Error> check(const EllipticEnvelopeParams& params,
                           const Eigen::DenseBase<Derived>& X) {
  if (auto error = check(params)) return error;
  if (auto error = check_training_data(X, 2)) return error;
  if (auto error = check_rows_fit_32_bits(X)) return error;
  if (params.support_fraction > 0 &&
      detail::mcd_support_rows(X.rows(), X.cols(), params.support_fraction) < 1) {
    return Error::make(ErrorCode::invalid_parameter,
                       "support_fraction must be at least 1 / rows: %g of %ld rows is no row",
                       params.support_fraction, static_cast<long>(X.rows()));
  }
  // Float data is below 4e38, whose squares fit in double, where the fit computes.
  if constexpr (sizeof(typename Derived::Scalar) > sizeof(float)) {
    return check_max_abs(X, detail::elliptic_envelope_max_abs, "EllipticEnvelope");
  }
  return std::nullopt;
}

template <Scalar T>
class EllipticEnvelope;

/// Fitted EllipticEnvelope: the robust location and covariance, and the precision (pseudo-inverse
/// of the covariance) that scores. Score = (x - location)' precision (x - location), the squared
/// Mahalanobis distance (scikit-learn's -score_samples). Immutable; score() and score_one() are
/// safe from many threads at once.
template <Scalar T = double>
struct EllipticEnvelopeModel {
  using Scalar = T;
  static constexpr const char* serial_tag = "elliptic_envelope";

  RowVector<T> location;  ///< reweighted robust location (scikit-learn's location_)
  Matrix<T> covariance;   ///< reweighted robust covariance (covariance_)
  Matrix<T> precision;    ///< pseudo-inverse (precision_: pinvh, negative eigenvalues dropped)
  T threshold = 0;        ///< scores above this are anomalies
  ScoreSummary<T> training_summary;  ///< bounded summary of the training rows' scores

  Index n_features() const noexcept { return location.size(); }

  /// One score per row of X. Thread-safe.
  Vector<T> score(const MatrixRef<T>& X) const {
    raise_if(check_scoring_data(X, n_features()));
    return score_rows(X);
  }

  /// The score of one row, equal to its score() row; allocates nothing.
  T score_one(const RowRef<T>& x) const {
    raise_if(check_scoring_data(x, n_features(), "x"));
    return squared_distance(x);
  }

  void write(ByteWriter& writer) const {
    writer.write_array(location);
    writer.write_array(covariance);
    writer.write_array(precision);
    writer.write(threshold);
    training_summary.write(writer);
  }

  static EllipticEnvelopeModel read(ByteReader& reader) {
    EllipticEnvelopeModel model;
    reader.read_array(model.location, "location");
    reader.read_array(model.covariance, "covariance");
    reader.read_array(model.precision, "precision");
    model.threshold = reader.read<T>("threshold");
    model.training_summary = ScoreSummary<T>::read(reader);
    if (!reader.error() && !model.consistent()) {
      reader.fail(
          "inconsistent elliptic envelope (shapes, non-finite values or a precision "
          "too large for its type) before byte %zu",
          reader.offset());
    }
    return model;
  }

  /// Shapes agree (d >= 1), every value is finite, and the score of any row in [-1, 1]^d is
  /// below max(T) / 16: what scoring relies on, checked by fit and load.
  bool consistent() const {
    const Index d = location.size();
    if (d < 1 || covariance.rows() != d || covariance.cols() != d || precision.rows() != d ||
        precision.cols() != d || !location.allFinite() || !covariance.allFinite() ||
        !precision.allFinite() || std::isnan(threshold)) {
      return false;
    }
    const Eigen::ArrayXd reach = location.transpose().template cast<double>().array().abs() + 1.0;
    const double bound =
        reach.matrix().dot(precision.template cast<double>().cwiseAbs() * reach.matrix());
    return bound <= static_cast<double>(std::numeric_limits<T>::max()) / 16;
  }

 private:
  friend class EllipticEnvelope<T>;

  /// Row by row, each centered once into a buffer (score_one recomputes the same differences).
  Vector<T> score_rows(const MatrixRef<T>& X) const {
    Vector<T> scores(X.rows());
    std::vector<double> centered(static_cast<std::size_t>(location.size()));
    for (Index i = 0; i < X.rows(); ++i) {
      for (Index k = 0; k < location.size(); ++k) {
        centered[static_cast<std::size_t>(k)] =
            static_cast<double>(X(i, k)) - static_cast<double>(location[k]);
      }
      scores[i] = quadratic_form([&](Index k) { return centered[static_cast<std::size_t>(k)]; });
    }
    return scores;
  }

  T squared_distance(const RowRef<T>& x) const noexcept {
    return quadratic_form(
        [&](Index k) { return static_cast<double>(x[k]) - static_cast<double>(location[k]); });
  }

  /// sum_j c_j sum_k P_kj c_k in double, c_k = centered(k): one kernel for score and score_one.
  template <class Centered>
  T quadratic_form(const Centered& centered) const noexcept {
    const Index d = location.size();
    double total = 0.0;
    for (Index j = 0; j < d; ++j) {
      const T* column = precision.col(j).data();
      double row = 0.0;
      for (Index k = 0; k < d; ++k) row += static_cast<double>(column[k]) * centered(k);
      total += centered(j) * row;
    }
    return static_cast<T>(total);
  }
};

/// scikit-learn's EllipticEnvelope: MinCovDet's FastMCD, consistency correction and reweighting,
/// with the same random subsets for seed = random_state; scores are squared Mahalanobis distances.
/// Fitting computes in double for float data too.
template <Scalar T = double>
class EllipticEnvelope : public detail::DetectorBase<EllipticEnvelope<T>, EllipticEnvelopeParams,
                                                     EllipticEnvelopeModel<T>> {
 public:
  explicit EllipticEnvelope(EllipticEnvelopeParams params = {})
      : EllipticEnvelope::DetectorBase(params) {}
  /// Fits and scores the training rows.
  FitScore<EllipticEnvelopeModel<T>> fit_score(const MatrixRef<T>& X) const;
};

// ---------------------------------------------------------------------------------------------

template <Scalar T>
FitScore<EllipticEnvelopeModel<T>> EllipticEnvelope<T>::fit_score(const MatrixRef<T>& X) const {
  const EllipticEnvelopeParams& params = this->params_;
  raise_if(check(params, X));
  const auto fit = [&](const detail::DenseRef& data) {
    return detail::min_cov_det(data, params.support_fraction, params.assume_centered, params.seed);
  };
  detail::MinCovDet mcd;
  if constexpr (std::is_same_v<T, double>) {
    mcd = fit(X);
  } else {
    mcd = fit(X.template cast<double>());
  }
  EllipticEnvelopeModel<T> model;
  model.location = mcd.location.transpose().template cast<T>();
  model.covariance = mcd.covariance.template cast<T>();
  model.precision = mcd.precision.template cast<T>();
  if (!model.consistent()) {
    raise(Error::make(ErrorCode::non_finite_input,
                      "the robust covariance of X is too %s for %s: rescale X",
                      model.covariance.allFinite() ? "small to invert" : "large",
                      sizeof(T) == sizeof(float) ? "float" : "double"));
  }
  Vector<T> scores = model.score_rows(X);
  model.training_summary = ScoreSummary<T>::of(scores);
  model.threshold = resolve(params.threshold, model.training_summary);
  return {std::move(model), std::move(scores)};
}

static_assert(Detector<EllipticEnvelope<double>> && Detector<EllipticEnvelope<float>>);
static_assert(Serializable<EllipticEnvelopeModel<double>>);

}  // namespace anomaly
