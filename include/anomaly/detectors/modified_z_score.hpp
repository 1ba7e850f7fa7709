#pragma once
// ModifiedZScore: the robust z-score of Iglewicz and Hoaglin (1993), from the median and the MAD.
#include <anomaly/core.hpp>
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

/// The first reason `params` cannot be fitted to `X`, or nothing. fit() calls it too.
template <class Derived>
std::optional<Error> check(const ModifiedZScoreParams& params, const Eigen::DenseBase<Derived>& X) {
  if (auto error = check(params.threshold)) return error;
  return check_training_data(X, 1);
}

/// Score = max over features of 0.6745 |x - median| / MAD. When a feature's MAD is 0 (more than
/// half its values equal), its mean absolute deviation times 1.253314 stands in (IBM SPSS's rule);
/// when that is 0 too, the feature is scored in raw units.
template <Scalar T = double>
class ModifiedZScore {
 public:
  using Scalar = T;
  using Params = ModifiedZScoreParams;
  using Model = ModifiedZScoreModel<T>;

  explicit ModifiedZScore(Params params = {}) : params_(params) {
    raise_if(check(params_.threshold));
  }

  const Params& params() const noexcept { return params_; }
  Model fit(const MatrixRef<T>& X) const { return fit_score(X).model; }
  FitScore<Model> fit_score(const MatrixRef<T>& X) const;

 private:
  Params params_;
};

// ---------------------------------------------------------------------------------------------

template <Scalar T>
FitScore<ModifiedZScoreModel<T>> ModifiedZScore<T>::fit_score(const MatrixRef<T>& X) const {
  raise_if(check(params_, X));
  const Index d = X.cols();
  Model model;
  model.median.resize(d);
  model.mad.resize(d);
  RowVector<T> scale(d);
  for (Index j = 0; j < d; ++j) {
    Eigen::VectorXd values = detail::column_copy(X, j);
    const double median = detail::select_quantile(values, 0.5);
    values = (values.array() - median).abs();
    const double mean_deviation = values.mean();
    const double mad = detail::select_quantile(values, 0.5);
    model.median[j] = static_cast<T>(median);
    model.mad[j] = static_cast<T>(mad);
    scale[j] = static_cast<T>(robust_scale(mad, mean_deviation));
  }
  detail::Fences<T> fences{model.median, model.median, detail::safe_inverse(scale),
                           params_.combine};
  auto scores = model.finish_fit(X, std::move(fences), params_.threshold);
  return {std::move(model), std::move(scores)};
}

static_assert(Detector<ModifiedZScore<double>> && Detector<ModifiedZScore<float>>);
static_assert(Serializable<ModifiedZScoreModel<double>>);

}  // namespace anomaly
