#pragma once
// ZScore: flags rows far from the training mean, in standard deviations, feature by feature.
#include <anomaly/core.hpp>
#include <anomaly/core/detector_base.hpp>
#include <anomaly/detail/fence_scores.hpp>

namespace anomaly {

/// Hyper-parameters of ZScore.
struct ZScoreParams {
  Threshold threshold = Threshold::fixed(3.0);   ///< textbook cutoff |z| > 3
  FeatureCombine combine = FeatureCombine::max;  ///< how the features' |z| make one score
};

/// Fitted ZScore: per-feature mean and standard deviation (ddof 0, as numpy and scipy).
/// Immutable; score() and score_one() are safe from many threads at once.
template <Scalar T = double>
struct ZScoreModel : detail::FencedModel<T> {
  static constexpr const char* serial_tag = "zscore";
  RowVector<T> mean;
  RowVector<T> stddev;  ///< a constant feature has 0 here and is scored in raw units

  void write(ByteWriter& writer) const {
    writer.write_array(mean);
    writer.write_array(stddev);
    this->write_fences(writer);
  }
  static ZScoreModel read(ByteReader& reader) {
    ZScoreModel model;
    reader.read_array(model.mean, "means");
    reader.read_array(model.stddev, "standard deviations");
    model.read_fences(reader);
    return model;
  }
};

/// The first reason `params` are invalid, or nothing; check(params, X) adds the data's checks.
inline std::optional<Error> check(const ZScoreParams& params) {
  return check(params.threshold);
}

/// The classic z-score detector: score = max over features of |x - mean| / stddev.
template <Scalar T = double>
class ZScore : public detail::DetectorBase<ZScore<T>, ZScoreParams, ZScoreModel<T>> {
 public:
  explicit ZScore(ZScoreParams params = {}) : ZScore::DetectorBase(params) {}
  /// Fits and scores the training rows.
  FitScore<ZScoreModel<T>> fit_score(const MatrixRef<T>& X) const;
};

// ---------------------------------------------------------------------------------------------

template <Scalar T>
FitScore<ZScoreModel<T>> ZScore<T>::fit_score(const MatrixRef<T>& X) const {
  raise_if(check(this->params_, X));
  const Index d = X.cols();
  ZScoreModel<T> model;
  model.mean.resize(d);
  model.stddev.resize(d);
  for (Index j = 0; j < d; ++j) {
    const auto column = X.col(j).template cast<double>().array();
    const double mean = column.mean();
    model.mean[j] = static_cast<T>(mean);
    model.stddev[j] = static_cast<T>(std::sqrt((column - mean).square().mean()));
  }
  detail::Fences<T> fences{model.mean, model.mean, detail::safe_inverse(model.stddev),
                           this->params_.combine};
  auto scores = model.finish_fit(X, std::move(fences), this->params_.threshold);
  return {std::move(model), std::move(scores)};
}

static_assert(Detector<ZScore<double>> && Detector<ZScore<float>>);
static_assert(Serializable<ZScoreModel<double>>);

}  // namespace anomaly
