#pragma once
// InterquartileRange: Tukey's fences (1977), Q1 - k IQR and Q3 + k IQR, feature by feature.
#include <anomaly/core.hpp>
#include <anomaly/core/detector_base.hpp>
#include <anomaly/detail/fence_scores.hpp>

namespace anomaly {

/// Hyper-parameters of InterquartileRange.
struct InterquartileRangeParams {
  double fence = 1.5;                            ///< k: Tukey's 1.5 ("outlier"); 3 is "far out"
  Threshold threshold = Threshold::fixed(0.0);   ///< any distance outside a fence is anomalous
  FeatureCombine combine = FeatureCombine::max;  ///< how the features' scores make one score
};

/// Fitted InterquartileRange: per-feature first and third quartiles (numpy's linear method).
/// Immutable; score() and score_one() are safe from many threads at once.
template <Scalar T = double>
struct InterquartileRangeModel : detail::FencedModel<T> {
  static constexpr const char* serial_tag = "interquartile_range";
  RowVector<T> q1;
  RowVector<T> q3;

  void write(ByteWriter& writer) const {
    writer.write_array(q1);
    writer.write_array(q3);
    this->write_fences(writer);
  }
  static InterquartileRangeModel read(ByteReader& reader) {
    InterquartileRangeModel model;
    reader.read_array(model.q1, "first quartiles");
    reader.read_array(model.q3, "third quartiles");
    model.read_fences(reader);
    return model;
  }
};

/// The first reason `params` are invalid, or nothing; check(params, X) adds the data's checks.
inline std::optional<Error> check(const InterquartileRangeParams& params) {
  if (!(params.fence >= 0.0 && std::isfinite(params.fence))) {
    return parameter_error("fence", "finite and >= 0", params.fence);
  }
  return check(params.threshold);
}

/// Score = max over features of the distance outside [Q1 - k IQR, Q3 + k IQR], in IQR units
/// (0 inside the fences). A feature with IQR 0 is scored in raw units.
template <Scalar T = double>
class InterquartileRange
    : public detail::DetectorBase<InterquartileRange<T>, InterquartileRangeParams,
                                  InterquartileRangeModel<T>> {
 public:
  explicit InterquartileRange(InterquartileRangeParams params = {})
      : InterquartileRange::DetectorBase(params) {}
  /// Fits and scores the training rows.
  FitScore<InterquartileRangeModel<T>> fit_score(const MatrixRef<T>& X) const;
};

// ---------------------------------------------------------------------------------------------

template <Scalar T>
FitScore<InterquartileRangeModel<T>> InterquartileRange<T>::fit_score(const MatrixRef<T>& X) const {
  raise_if(check(this->params_, X));
  const Index d = X.cols();
  InterquartileRangeModel<T> model;
  model.q1.resize(d);
  model.q3.resize(d);
  detail::Fences<T> fences{RowVector<T>(d), RowVector<T>(d), RowVector<T>(d),
                           this->params_.combine};
  for (Index j = 0; j < d; ++j) {
    Eigen::VectorXd values = detail::column_copy(X, j);
    const double q3 = detail::select_quantile(values, 0.75);
    // Selecting Q3 left the smallest floor(0.75 (n - 1)) + 1 values in front: Q1 is among them.
    const auto q3_prefix =
        static_cast<Index>(std::floor(0.75 * static_cast<double>(X.rows() - 1))) + 1;
    const double q1 = detail::select_quantile(values, 0.25, q3_prefix);
    const double iqr = q3 - q1;
    model.q1[j] = static_cast<T>(q1);
    model.q3[j] = static_cast<T>(q3);
    fences.low[j] = static_cast<T>(q1 - this->params_.fence * iqr);
    fences.high[j] = static_cast<T>(q3 + this->params_.fence * iqr);
    fences.inverse_scale[j] = static_cast<T>(inverse_or_one(iqr));
  }
  auto scores = model.finish_fit(X, std::move(fences), this->params_.threshold);
  return {std::move(model), std::move(scores)};
}

static_assert(Detector<InterquartileRange<double>> && Detector<InterquartileRange<float>>);
static_assert(Serializable<InterquartileRangeModel<double>>);

}  // namespace anomaly
