#pragma once
// ModifiedZScore: the robust z-score of Iglewicz and Hoaglin (1993), from the median and the MAD.
#include <anomaly/core.hpp>
#include <anomaly/core/detector_base.hpp>
#include <anomaly/detail/fence_scores.hpp>

namespace anomaly {

/// Hyper-parameters of ModifiedZScore.
struct ModifiedZScoreParams {
  Threshold threshold = Threshold::fixed(3.5);   ///< Iglewicz and Hoaglin's cutoff
  FeatureCombine combine = FeatureCombine::max;  ///< how the features' scores make one score
};

/// Fitted ModifiedZScore: per-feature median and median absolute deviation.
/// Immutable; score() and score_one() are safe from many threads at once.
template <Scalar T = double>
struct ModifiedZScoreModel : detail::FencedModel<T> {
  static constexpr const char* serial_tag = "modified_zscore";
  RowVector<T> median;
  RowVector<T> mad;  ///< median of |x - median|, unscaled

  void write(ByteWriter& writer) const {
    writer.write_array(median);
    writer.write_array(mad);
    this->write_fences(writer);
  }
  static ModifiedZScoreModel read(ByteReader& reader) {
    ModifiedZScoreModel model;
    reader.read_array(model.median, "medians");
    reader.read_array(model.mad, "median absolute deviations");
    model.read_fences(reader);
    return model;
  }
};

/// The first reason `params` are invalid, or nothing; check(params, X) adds the data's checks.
inline std::optional<Error> check(const ModifiedZScoreParams& params) {
  return check(params.threshold);
}

/// Score = max over features of 0.6745 |x - median| / MAD. When a feature's MAD is 0 (more than
/// half its values equal), its mean absolute deviation times 1.253314 stands in (IBM SPSS's rule);
/// when that is 0 too, the feature is scored in raw units.
template <Scalar T = double>
class ModifiedZScore
    : public detail::DetectorBase<ModifiedZScore<T>, ModifiedZScoreParams, ModifiedZScoreModel<T>> {
 public:
  explicit ModifiedZScore(ModifiedZScoreParams params = {})
      : ModifiedZScore::DetectorBase(params) {}
  /// Fits and scores the training rows.
  FitScore<ModifiedZScoreModel<T>> fit_score(const MatrixRef<T>& X) const;
};

// ---------------------------------------------------------------------------------------------

template <Scalar T>
FitScore<ModifiedZScoreModel<T>> ModifiedZScore<T>::fit_score(const MatrixRef<T>& X) const {
  raise_if(check(this->params_, X));
  const Index d = X.cols();
  ModifiedZScoreModel<T> model;
  model.median.resize(d);
  model.mad.resize(d);
  RowVector<T> scale(d);
  for (Index j = 0; j < d; ++j) {
    Eigen::VectorXd values = detail::column_copy(X, j);
    const RobustSpread spread = robust_spread(values.data(), values.size());
    model.median[j] = static_cast<T>(spread.median);
    model.mad[j] = static_cast<T>(spread.mad);
    scale[j] = static_cast<T>(spread.scale);
  }
  detail::Fences<T> fences{model.median, model.median, detail::safe_inverse(scale),
                           this->params_.combine};
  auto scores = model.finish_fit(X, std::move(fences), this->params_.threshold);
  return {std::move(model), std::move(scores)};
}

static_assert(Detector<ModifiedZScore<double>> && Detector<ModifiedZScore<float>>);
static_assert(Serializable<ModifiedZScoreModel<double>>);

}  // namespace anomaly
