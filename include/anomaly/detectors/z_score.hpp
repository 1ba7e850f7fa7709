#pragma once
// ZScore: flags rows far from the training mean, in standard deviations, feature by feature.
#include <anomaly/core.hpp>
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

/// The first reason `params` cannot be fitted to `X`, or nothing. fit() calls it too.
template <class Derived>
std::optional<Error> check(const ZScoreParams& params, const Eigen::DenseBase<Derived>& X) {
  if (auto error = check(params.threshold)) return error;
  return check_training_data(X, 1);
}

/// The classic z-score detector: score = max over features of |x - mean| / stddev.
template <Scalar T = double>
class ZScore {
 public:
  using Scalar = T;
  using Params = ZScoreParams;
  using Model = ZScoreModel<T>;

  explicit ZScore(Params params = {}) : params_(params) { raise_if(check(params_.threshold)); }

  const Params& params() const noexcept { return params_; }
  Model fit(const MatrixRef<T>& X) const { return fit_score(X).model; }
  FitScore<Model> fit_score(const MatrixRef<T>& X) const;

 private:
  Params params_;
};

// ---------------------------------------------------------------------------------------------

template <Scalar T>
FitScore<ZScoreModel<T>> ZScore<T>::fit_score(const MatrixRef<T>& X) const {
  raise_if(check(params_, X));
  const Index d = X.cols();
  Model model;
  model.mean.resize(d);
  model.stddev.resize(d);
  for (Index j = 0; j < d; ++j) {
    const auto column = X.col(j).template cast<double>().array();
    const double mean = column.mean();
    model.mean[j] = static_cast<T>(mean);
    model.stddev[j] = static_cast<T>(std::sqrt((column - mean).square().mean()));
  }
  detail::Fences<T> fences{model.mean, model.mean, detail::safe_inverse(model.stddev),
                           params_.combine};
  auto scores = model.finish_fit(X, std::move(fences), params_.threshold);
  return {std::move(model), std::move(scores)};
}

static_assert(Detector<ZScore<double>> && Detector<ZScore<float>>);
static_assert(Serializable<ZScoreModel<double>>);

}  // namespace anomaly
